import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointsFor, isLoopback } from '../../../src/registry/endpoint.js';
import { registryDomain } from '../../../src/registry/login.js';
import { registryErrorText, isRetryableStatus, networkError } from '../../../src/registry/http.js';
import { mapLimit, endpointsError } from '../../../src/registry/util.js';
import { DrydockError } from '../../../src/util/errors.js';

describe('endpoints', () => {
  it('treats loopback as insecure, like Docker', () => {
    for (const h of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000', '::1', 'foo.localhost:80']) {
      assert.equal(isLoopback(h), true, h);
    }
    for (const h of ['example.com', '10.0.0.1:5000', '128.0.0.1', 'localhost.example.com']) assert.equal(isLoopback(h), false, h);
  });

  it('maps docker.io to its API host; mirrors come first; HTTPS only for remote registries', () => {
    assert.deepEqual(endpointsFor('docker.io'), [{ domain: 'docker.io', host: 'registry-1.docker.io', schemes: ['https'], tlsVerify: true, mirror: false }]);
    const eps = endpointsFor('docker.io', { mirrors: { 'docker.io': ['http://127.0.0.1:5000', 'https://mirror.example.com/'] } });
    assert.deepEqual(eps.map((e) => [e.host, e.schemes, e.mirror, e.tlsVerify]), [
      ['127.0.0.1:5000', ['http'], true, false],
      ['mirror.example.com', ['https'], true, true],
      ['registry-1.docker.io', ['https'], false, true],
    ]);
    assert.deepEqual(endpointsFor('127.0.0.1:5000')[0]!.schemes, ['https', 'http']);
    assert.equal(endpointsFor('127.0.0.1:5000')[0]!.tlsVerify, false);
    assert.deepEqual(endpointsFor('reg.example.com:5000')[0]!.schemes, ['https']);
  });

  it('honours --tls-verify=false and insecure-registries', () => {
    assert.deepEqual(endpointsFor('reg.example.com', { tlsVerify: false })[0]!.schemes, ['https', 'http']);
    assert.deepEqual(endpointsFor('reg.example.com:5000', { insecure: ['reg.example.com:5000'] })[0]!.schemes, ['https', 'http']);
    assert.deepEqual(endpointsFor('reg.example.com:5000', { insecure: ['other:5000'] })[0]!.schemes, ['https']);
    assert.equal(endpointsFor('reg.example.com', { insecure: true })[0]!.tlsVerify, false);
  });

  it('--tls-verify=true requires verified HTTPS from a loopback registry too (as podman\'s flag)', () => {
    assert.deepEqual(endpointsFor('127.0.0.1:5000', { tlsVerify: true }).map((e) => [e.schemes, e.tlsVerify]), [[['https'], true]]);
  });

  it('normalises login server names', () => {
    assert.equal(registryDomain(undefined), 'docker.io');
    assert.equal(registryDomain('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(registryDomain('http://127.0.0.1:5000/'), '127.0.0.1:5000');
    assert.equal(registryDomain('Quay.IO'), 'quay.io');
  });
});

describe('http helpers', () => {
  it('reads distribution error bodies', () => {
    assert.deepEqual(registryErrorText('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}'), { codes: ['MANIFEST_UNKNOWN'], text: 'manifest unknown' });
    assert.deepEqual(registryErrorText('{"errors":[{"code":"NAME_UNKNOWN"}]}'), { codes: ['NAME_UNKNOWN'], text: 'name unknown' });
    assert.deepEqual(registryErrorText('<html>bad gateway</html>\nmore'), { codes: [], text: '<html>bad gateway</html>' });
  });

  it('retries server errors and throttling, not client errors', () => {
    for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(isRetryableStatus(s), true, String(s));
    for (const s of [400, 401, 403, 404, 501, 505]) assert.equal(isRetryableStatus(s), false, String(s));
  });

  it('turns socket errors into one line', () => {
    const err = (code: string, message = code) => Object.assign(new Error(message), { code });
    assert.equal(networkError('h:1', err('ECONNREFUSED')).message, 'h:1: connection refused');
    assert.equal(networkError('h:1', err('ENOTFOUND')).message, 'h:1: no such host');
    assert.equal(networkError('h:1', err('ECONNRESET')).message, 'h:1: connection reset by peer');
    assert.match(networkError('h:1', err('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate')).message, /^h:1: TLS handshake failed: self-signed certificate \(.*--tls-verify=false\)$/);
    assert.equal(networkError('h:1', Object.assign(new Error('aborted'), { name: 'AbortError' })).code, 'CANCELLED');
  });

  it('prefers a mirror\'s definite answer over a network failure upstream', () => {
    const notFound = new DrydockError('NOT_FOUND', 'm: manifest unknown');
    const mirrorDown = new DrydockError('REGISTRY', 'm: connection refused');
    const upstreamDown = new DrydockError('REGISTRY', 'u: no such host');
    const upstreamAuth = new DrydockError('AUTH', 'u: unauthorized');
    assert.equal(endpointsError(notFound, upstreamDown), notFound);
    assert.equal(endpointsError(notFound, upstreamAuth), upstreamAuth);
    assert.equal(endpointsError(undefined, upstreamDown), upstreamDown);
    assert.equal((endpointsError(mirrorDown, upstreamDown) as Error).message, 'm: connection refused (then u: no such host)');
  });
});

describe('mapLimit', () => {
  it('keeps order, bounds concurrency and rejects with the first error', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return n * 2;
    });
    assert.deepEqual(out, [2, 4, 6, 8, 10, 12, 14]);
    assert.equal(peak, 3);
    await assert.rejects(mapLimit([1, 2, 3], 2, async (n) => { if (n === 2) throw new Error('boom'); return n; }), /boom/);
    assert.deepEqual(await mapLimit([], 3, async (n: number) => n), []);
  });
});
