import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../../src/store/index.js';
import { pullImage, pushImage, RegistryClient, type Endpoint } from '../../../src/registry/index.js';
import { DrydockError } from '../../../src/util/errors.js';
import { runDrydock } from '../../helpers/cli.js';
import { makeTestImage } from '../../helpers/images.js';
import { repoRoot, runningFromSource } from '../../helpers/paths.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

describe('HTTPS registries', () => {
  let registry: RegistryFixture;
  before(async () => { registry = await startRegistry({ tls: true }); });
  after(async () => { await registry.stop(); await removeTmpStoreRoots(); });

  it('a loopback registry with a self-signed certificate works (insecure by default, over HTTPS)', async () => {
    const store = await openStore(await tmpStoreRoot());
    const ref = `${registry.host}/tls/app:1`;
    const img = await makeTestImage(store, ref, { layers: 1 });
    await pushImage(store, ref);
    const dst = await openStore(await tmpStoreRoot());
    assert.equal((await pullImage(dst, ref)).target.digest, img.manifestDescriptor.digest);
    const client = new RegistryClient({ domain: registry.host, host: registry.host, schemes: ['https', 'http'], tlsVerify: false, mirror: false });
    assert.equal(await client.ping(), `https://${registry.host}`); // HTTPS was kept, no fallback to HTTP
  });

  it('verifies certificates when asked, with a hint about --tls-verify=false', async () => {
    const strict: Endpoint = { domain: registry.host, host: registry.host, schemes: ['https'], tlsVerify: true, mirror: false };
    const client = new RegistryClient(strict);
    await assert.rejects(client.headManifest('tls/app', '1'), (e: unknown) => {
      assert.ok(e instanceof DrydockError && e.code === 'REGISTRY');
      assert.match(e.message, new RegExp(`^${registry.host}: TLS handshake failed: .*--tls-verify=false`));
      return true;
    });
  });

  it('NODE_EXTRA_CA_CERTS makes a verified pull trust the registry\'s certificate (read when needed, not at start)', async () => {
    const src = await openStore(await tmpStoreRoot());
    const ref = `${registry.host}/tls/ca:1`;
    const img = await makeTestImage(src, ref, { layers: 1 });
    await pushImage(src, ref);
    const refused = await runDrydock(['pull', '-q', '--tls-verify=true', ref], { root: await tmpStoreRoot(), env: { NODE_EXTRA_CA_CERTS: undefined } });
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /TLS handshake failed/);
    const root = await tmpStoreRoot();
    const trusted = await runDrydock(['pull', '-q', '--tls-verify=true', ref], { root, env: { NODE_EXTRA_CA_CERTS: registry.certPath } });
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(trusted.stdout, `${ref}\n`);
    const store = await openStore(root);
    assert.equal((await store.images.get(ref))?.target.digest, img.manifestDescriptor.digest);
  });

  // bin/drydock.js's `#!` line moves the variable aside, so Node does not parse the file at start
  // (a missing file would get Node's start-up warning); only the compiled suite runs the bin.
  it('the drydock command does not read NODE_EXTRA_CA_CERTS at start', { skip: runningFromSource && 'runs bin/drydock.js (compiled suite)' }, async () => {
    const r = await runDrydock(['--version'], { env: { NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    // Node given the variable itself parses the file at start (and warns about the missing one).
    const direct = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'drydock.js'), '--version'], {
      encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: undefined, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' },
    });
    assert.equal(direct.status, 0);
    assert.match(direct.stderr, /Ignoring extra certs from `\/nonexistent\/ca\.pem`/);
  });
});
