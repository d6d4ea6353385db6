/** Retry-After parsing, the attempts suffix and the registry-timeout setting (src/registry/http.ts, settings.ts). */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { afterAttempts, networkError, RegistryHttpError, retryAfterMs } from '../../../src/registry/http.js';
import { endpointOptions } from '../../../src/registry/settings.js';
import { DrydockError } from '../../../src/util/errors.js';

describe('registry retries', () => {
  it('reads Retry-After as seconds or an HTTP date; ignores junk', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs(['7', '9']), 7000);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const ms = retryAfterMs(inAMinute)!;
    assert.ok(ms > 55_000 && ms <= 60_000, String(ms));
    assert.equal(retryAfterMs(new Date(Date.now() - 60_000).toUTCString()), 0);
    assert.equal(retryAfterMs(undefined), undefined);
    assert.equal(retryAfterMs('soon'), undefined);
  });

  it('says how often it tried, only when it tried more than once', () => {
    const e = new DrydockError('REGISTRY', 'h: put manifest a:1: down');
    assert.equal((afterAttempts(e, 1) as Error).message, 'h: put manifest a:1: down');
    assert.equal((afterAttempts(e, 5) as Error).message, 'h: put manifest a:1: down (after 5 attempts)');
    const http = afterAttempts(new RegistryHttpError('REGISTRY', 'h: x: down', 503, 2000), 3);
    assert.ok(http instanceof RegistryHttpError, 'keeps the status for callers that retry on it');
    assert.deepEqual([http.message, http.status, http.retryAfterMs], ['h: x: down (after 3 attempts)', 503, 2000]);
  });

  it('names the step and the timeout of a stall', () => {
    const stalled = Object.assign(new Error('x'), { code: 'DRYDOCK_STALLED' });
    assert.equal(networkError('h:5000', stalled, 'upload blob sha256:ab', 1500).message, 'h:5000: upload blob sha256:ab: no response for 1.5s (registry timeout)');
    assert.equal(networkError('h:5000', Object.assign(new Error('x'), { code: 'ECONNRESET' })).message, 'h:5000: connection reset by peer');
  });

  it('registry-timeout comes from <root>/config.json; DRYDOCK_REGISTRY_TIMEOUT wins; bad values are refused', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'drydock-settings-'));
    const saved = process.env.DRYDOCK_REGISTRY_TIMEOUT;
    try {
      delete process.env.DRYDOCK_REGISTRY_TIMEOUT;
      assert.equal((await endpointOptions({}, root)).timeoutMs, undefined);
      await writeFile(path.join(root, 'config.json'), JSON.stringify({ 'registry-timeout': 12 }));
      assert.equal((await endpointOptions({}, root)).timeoutMs, 12_000);
      process.env.DRYDOCK_REGISTRY_TIMEOUT = '0.25';
      assert.equal((await endpointOptions({}, root)).timeoutMs, 250);
      process.env.DRYDOCK_REGISTRY_TIMEOUT = 'never';
      await assert.rejects(endpointOptions({}, root), /DRYDOCK_REGISTRY_TIMEOUT=never: must be a number of seconds above 0/);
      delete process.env.DRYDOCK_REGISTRY_TIMEOUT;
      await writeFile(path.join(root, 'config.json'), JSON.stringify({ 'registry-timeout': '12' }));
      await assert.rejects(endpointOptions({}, root), /"registry-timeout" must be a number of seconds above 0/);
    } finally {
      if (saved === undefined) delete process.env.DRYDOCK_REGISTRY_TIMEOUT;
      else process.env.DRYDOCK_REGISTRY_TIMEOUT = saved;
    }
  });
});
