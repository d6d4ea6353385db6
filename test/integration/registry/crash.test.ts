import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../../src/store/index.js';
import { fsck } from '../../../src/store/fsck.js';
import { pushImage } from '../../../src/registry/index.js';
import { runDrydock, spawnDrydock } from '../../helpers/cli.js';
import { startFaultProxy } from '../../helpers/faultproxy.js';
import { makeTestImage, type TestImage } from '../../helpers/images.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

describe('pull and push under crashes and concurrency', () => {
  let registry: RegistryFixture;
  let image: TestImage;
  const ref = () => `${registry.host}/crash/app:1`;
  before(async () => {
    registry = await startRegistry();
    const store = await openStore(await tmpStoreRoot());
    image = await makeTestImage(store, ref(), { layers: 3, layerSize: 512 * 1024 });
    await pushImage(store, ref());
  });
  after(async () => { await registry.stop(); await removeTmpStoreRoots(); });

  it('a pull killed with SIGKILL mid-blob leaves a store that fsck finds clean, and the next pull completes', async () => {
    // The proxy sends half of one layer and then hangs, so the kill lands mid-download.
    const stalled = image.layers[2]!.digest;
    const proxy = await startFaultProxy(registry.host, (r) => (r.method === 'GET' && r.path.endsWith(`/blobs/${stalled}`) ? 'stall' : undefined));
    const root = await tmpStoreRoot();
    try {
      const child = spawnDrydock(['pull', `${proxy.host}/crash/app:1`], { root });
      const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
      while (!proxy.requests.some((r) => r.path.endsWith(`/blobs/${stalled}`))) {
        if (child.exitCode !== null) assert.fail(`drydock pull exited early with ${child.exitCode}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 200)); // let it write part of the blob
      child.kill('SIGKILL');
      assert.equal(await exit, 'SIGKILL');
    } finally {
      await proxy.stop();
    }
    const store = await openStore(root);
    assert.equal(await store.images.get(`${proxy.host}/crash/app:1`), undefined);
    assert.equal(await store.content.has(stalled), false);
    const report = await fsck(store);
    assert.deepEqual(report.corruptBlobs, []);
    assert.deepEqual(report.danglingRefs, []);
    assert.equal(report.ok, true);

    const again = await runDrydock(['pull', ref()], { root });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Pull complete/);
    const after = await fsck(await openStore(root));
    assert.equal(after.ok, true, JSON.stringify(after));
    assert.equal(after.blobsChecked >= 5, true);
  });

  it('four pulls and pushes at once on one store', async () => {
    const root = await tmpStoreRoot();
    const store = await openStore(root);
    const a = `${registry.host}/concurrent/a:1`;
    const b = `${registry.host}/concurrent/b:1`;
    await makeTestImage(store, a, { layers: 3, layerSize: 256 * 1024 });
    await makeTestImage(store, b, { layers: 3, layerSize: 256 * 1024 });
    const results = await Promise.all([
      runDrydock(['push', a], { root }),
      runDrydock(['push', b], { root }),
      runDrydock(['pull', ref()], { root }),
      runDrydock(['pull', ref()], { root }),
    ]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const report = await fsck(await openStore(root));
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal((await store.images.get(ref()))?.target.digest, image.manifestDescriptor.digest);

    // What was pushed concurrently pulls back intact.
    const check = await tmpStoreRoot();
    for (const r of [a, b]) {
      const p = await runDrydock(['pull', r], { root: check });
      assert.equal(p.code, 0, p.stderr);
    }
    assert.equal((await fsck(await openStore(check))).ok, true);
  });
});
