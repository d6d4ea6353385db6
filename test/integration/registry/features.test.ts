import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../../src/store/index.js';
import { pullImage, pushImage, RegistryClient, endpointsFor, type TransferEvent } from '../../../src/registry/index.js';
import { hostPlatform, MediaType, type Index, type Platform } from '../../../src/image/oci.js';
import { startFaultProxy } from '../../helpers/faultproxy.js';
import { makeTestImage, makeTestIndex } from '../../helpers/images.js';
import { freePort, startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

describe('registry features: mounts, chunks, indexes, mirrors', () => {
  let registry: RegistryFixture;
  before(async () => { registry = await startRegistry(); });
  after(async () => { await registry.stop(); await removeTmpStoreRoots(); });

  it('mounts blobs across repositories instead of uploading them again', async () => {
    const store = await openStore(await tmpStoreRoot());
    const a = `${registry.host}/mount/source:1`;
    const img = await makeTestImage(store, a, { layers: 2 });
    await pushImage(store, a);
    const b = `${registry.host}/mount/target:1`;
    const events: TransferEvent[] = [];
    await pushImage(store, a, b, { onProgress: (e) => events.push(e) });
    const mounted = events.filter((e) => e.phase === 'mounted');
    assert.equal(mounted.length, 3); // 2 layers + config
    assert.ok(mounted.every((e) => e.detail === 'mount/source'));
    assert.equal(events.filter((e) => e.phase === 'start').length, 0);
    const client = new RegistryClient(endpointsFor(registry.host)[0]!);
    for (const l of img.layers) assert.equal(await client.blobExists('mount/target', l.digest), l.size);
  });

  it('falls back to uploading when a mount source lacks the blob', async () => {
    const store = await openStore(await tmpStoreRoot());
    const ref = `${registry.host}/mount/fresh:1`;
    await makeTestImage(store, ref, { layers: 1 });
    const events: TransferEvent[] = [];
    await pushImage(store, ref, ref, { mountFrom: ['mount/source'], onProgress: (e) => events.push(e) });
    assert.equal(events.filter((e) => e.phase === 'mounted').length, 0);
    assert.equal(events.filter((e) => e.phase === 'done').length, 2);
  });

  it('uploads in PATCH chunks and the registry reassembles them', async () => {
    const proxy = await startFaultProxy(registry.host, () => undefined);
    try {
      const store = await openStore(await tmpStoreRoot());
      const ref = `${proxy.host}/chunked/app:1`;
      const img = await makeTestImage(store, ref, { layers: 1, layerSize: 200 * 1024 });
      const layerSize = img.layers[0]!.size;
      const chunk = 64 * 1024;
      await pushImage(store, ref, ref, { chunkSize: chunk });
      const patches = proxy.requests.filter((r) => r.method === 'PATCH');
      assert.equal(patches.length, Math.ceil(layerSize / chunk));
      const dst = await openStore(await tmpStoreRoot());
      await pullImage(dst, `${registry.host}/chunked/app:1`);
      assert.deepEqual(await dst.content.readBytes(img.layers[0]!.digest), await store.content.readBytes(img.layers[0]!.digest));
    } finally {
      await proxy.stop();
    }
  });

  it('pushes a whole multi-platform index, pulls the host platform and keeps the index', async () => {
    const store = await openStore(await tmpStoreRoot());
    const ref = `${registry.host}/multi/app:1`;
    const host = hostPlatform();
    const other: Platform = host.architecture === 'arm64' ? { os: 'linux', architecture: 'amd64' } : { os: 'linux', architecture: 'arm64', variant: 'v8' };
    const mine = await makeTestImage(store, 'tmp/host:1', { layers: 1, platform: host });
    const theirs = await makeTestImage(store, 'tmp/other:1', { layers: 1, platform: other });
    const index = await makeTestIndex(store, ref, [{ image: mine, platform: host }, { image: theirs, platform: other }]);
    const { digest } = await pushImage(store, ref);
    assert.equal(digest, index.digest);

    const dst = await openStore(await tmpStoreRoot());
    const pulled = await pullImage(dst, ref);
    assert.equal(pulled.target.digest, index.digest);
    assert.equal(pulled.target.mediaType, MediaType.OciIndex);
    assert.equal(pulled.manifestDescriptor.digest, mine.manifestDescriptor.digest);
    assert.equal(pulled.config.architecture, host.architecture);
    assert.ok(await dst.content.has(index.digest));
    assert.ok(await dst.content.has(mine.layers[0]!.digest));
    assert.equal(await dst.content.has(theirs.layers[0]!.digest), false);

    // --platform picks the other one.
    const dst2 = await openStore(await tmpStoreRoot());
    const picked = await pullImage(dst2, ref, { platform: other });
    assert.equal(picked.manifestDescriptor.digest, theirs.manifestDescriptor.digest);

    // Re-pushing the pulled (one-platform) image sends the host manifest, as Docker does.
    const again = await pushImage(dst, ref, `${registry.host}/multi/copy:1`);
    assert.equal(again.digest, mine.manifestDescriptor.digest);
    const client = new RegistryClient(endpointsFor(registry.host)[0]!);
    const got = await client.getManifest('multi/app', '1');
    assert.deepEqual((JSON.parse(got.bytes.toString()) as Index).manifests.map((m) => m.digest), [mine.manifestDescriptor.digest, theirs.manifestDescriptor.digest]);
  });

  it('pulls docker.io names through a mirror configured in <root>/config.json', async () => {
    const seed = await openStore(await tmpStoreRoot());
    const img = await makeTestImage(seed, `${registry.host}/library/busybox:latest`, { layers: 1 });
    await pushImage(seed, `${registry.host}/library/busybox:latest`);
    const root = await tmpStoreRoot({ mirror: registry });
    const store = await openStore(root);
    const pulled = await pullImage(store, 'busybox');
    assert.equal(pulled.ref, 'docker.io/library/busybox:latest');
    assert.equal(pulled.target.digest, img.manifestDescriptor.digest);
    assert.equal((await store.images.get('busybox'))?.target.digest, img.manifestDescriptor.digest);

  });

  it("reports a mirror's definite answer over an unreachable upstream", async () => {
    // registry.invalid never resolves (RFC 2606), whatever this machine's network.
    const store = await openStore(await tmpStoreRoot());
    const mirrors = { 'registry.invalid': [registry.url] };
    await assert.rejects(pullImage(store, 'registry.invalid/library/busybox:nope', { mirrors }),
      /^DrydockError: pull registry.invalid\/library\/busybox:nope: 127\.0\.0\.1:\d+: manifest for library\/busybox:nope not found: manifest unknown$/);
  });

  it('tells both failures when the mirror is down and the registry unreachable', async () => {
    const port = await freePort();
    const store = await openStore(await tmpStoreRoot());
    await assert.rejects(pullImage(store, 'registry.invalid/x:1', { mirrors: { 'registry.invalid': [`http://127.0.0.1:${port}`] } }), (e: Error) => {
      assert.equal(e.message, `pull registry.invalid/x:1: 127.0.0.1:${port}: connection refused (then registry.invalid: no such host)`);
      return true;
    });
  });
});
