import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { rootCertificates } from 'node:tls';
import { DEFERRED_EXTRA_CA_ENV, verifyingTlsOptions } from '../../../src/util/tls-trust.js';

describe('deferred NODE_EXTRA_CA_CERTS (util/tls-trust)', () => {
  const dirs: string[] = [];
  after(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

  it('with nothing deferred, verifying connections keep Node\'s defaults', () => {
    assert.deepEqual(verifyingTlsOptions({}), {});
  });

  it('a deferred file adds its certificates to Node\'s bundled roots', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'drydock-ca-'));
    dirs.push(dir);
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    await writeFile(path.join(dir, 'extra.pem'), pem);
    const { ca } = verifyingTlsOptions({ [DEFERRED_EXTRA_CA_ENV]: path.join(dir, 'extra.pem') });
    assert.ok(ca);
    assert.equal(ca.length, rootCertificates.length + 1);
    assert.deepEqual(ca.slice(0, -1), [...rootCertificates]);
    assert.equal(ca.at(-1), pem);
  });

  it('when Node itself was given NODE_EXTRA_CA_CERTS, it already trusts them: nothing is added', () => {
    assert.deepEqual(verifyingTlsOptions({ [DEFERRED_EXTRA_CA_ENV]: '/x.pem', NODE_EXTRA_CA_CERTS: '/x.pem' }), {});
  });

  it('an unreadable file is ignored with a warning, as Node does', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      assert.deepEqual(verifyingTlsOptions({ [DEFERRED_EXTRA_CA_ENV]: '/nonexistent/ca.pem' }), {});
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^Ignoring extra certs from `\/nonexistent\/ca\.pem`, load failed: ENOENT/);
  });
});
