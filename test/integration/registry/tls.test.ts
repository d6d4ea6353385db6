import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../../src/store/index.js';
import { pullImage, pushImage, RegistryClient, type Endpoint } from '../../../src/registry/index.js';
import { DrydockError } from '../../../src/util/errors.js';
import { makeTestImage } from '../../helpers/images.js';
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
});
