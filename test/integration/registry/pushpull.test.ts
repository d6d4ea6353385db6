import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openStore } from '../../../src/store/index.js';
import { pullImage, pushImage, resolveRemote, type TransferEvent } from '../../../src/registry/index.js';
import type { Manifest } from '../../../src/image/oci.js';
import { makeTestImage } from '../../helpers/images.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

const run = promisify(execFile);

describe('push and pull against a real registry', () => {
  let registry: RegistryFixture;
  before(async () => { registry = await startRegistry(); });
  after(async () => { await registry.stop(); await removeTmpStoreRoots(); });

  it('pushes an image and pulls the same manifest, config and layers into an empty store', async () => {
    const src = await openStore(await tmpStoreRoot());
    const ref = `${registry.host}/roundtrip/app:1.0`;
    const img = await makeTestImage(src, ref, { layers: 3 });
    const events: TransferEvent[] = [];
    const { digest } = await pushImage(src, ref, ref, { onProgress: (e) => events.push(e) });
    assert.equal(digest, img.manifestDescriptor.digest);
    assert.equal(events.filter((e) => e.phase === 'done').length, 4); // 3 layers + config

    const remote = await resolveRemote(ref);
    assert.equal(remote.digest, digest);
    assert.equal(remote.mediaType, img.manifestDescriptor.mediaType);

    const dst = await openStore(await tmpStoreRoot());
    const pulled = await pullImage(dst, ref);
    assert.equal(pulled.ref, ref);
    assert.equal(pulled.target.digest, digest);
    assert.equal(pulled.manifestDescriptor.digest, digest);
    assert.deepEqual(pulled.config, await src.content.readJSON(img.configDigest));
    const manifest = await dst.content.readJSON<Manifest>(digest);
    assert.deepEqual(manifest, await src.content.readJSON<Manifest>(digest));
    for (const l of img.layers) {
      assert.deepEqual(await dst.content.readBytes(l.digest), await src.content.readBytes(l.digest));
    }
    assert.equal((await dst.images.get(ref))?.target.digest, digest);

    // A second pull finds everything in the store.
    const again: TransferEvent[] = [];
    await pullImage(dst, ref, { onProgress: (e) => again.push(e) });
    assert.equal(again.filter((e) => e.phase === 'exists').length, 4);
    assert.equal(again.filter((e) => e.phase === 'start').length, 0);
  });

  it('skopeo inspects what drydock pushed', async () => {
    const src = await openStore(await tmpStoreRoot());
    const ref = `${registry.host}/inspect/me:v1`;
    const img = await makeTestImage(src, ref, { layers: 2 });
    await pushImage(src, ref);
    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]);
    const info = JSON.parse(stdout) as { Digest: string; Layers: string[]; Architecture: string };
    assert.equal(info.Digest, img.manifestDescriptor.digest);
    assert.deepEqual(info.Layers, img.layers.map((l) => l.digest));
  });

  it('pulls an image that skopeo copied into the registry (schema2 converted to OCI)', async () => {
    const src = await openStore(await tmpStoreRoot());
    const ref = `${registry.host}/skopeo/source:v1`;
    await makeTestImage(src, ref, { layers: 1, mediaTypes: 'docker' });
    await pushImage(src, ref);
    const copied = `${registry.host}/skopeo/copied:v2`;
    await run('skopeo', ['copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--format', 'oci', `docker://${ref}`, `docker://${copied}`]);
    const { stdout } = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${copied}`]);
    const raw = JSON.parse(stdout) as Manifest;
    assert.equal(raw.mediaType, 'application/vnd.oci.image.manifest.v1+json');

    const dst = await openStore(await tmpStoreRoot());
    const pulled = await pullImage(dst, copied);
    assert.equal(pulled.manifestDescriptor.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    for (const l of raw.layers) assert.ok(await dst.content.has(l.digest));
    assert.ok(await dst.content.has(raw.config.digest));
  });

  it('pushes by digest, and a tag and digest pull resolve the same', async () => {
    const src = await openStore(await tmpStoreRoot());
    const local = 'local/only:tag';
    const img = await makeTestImage(src, local, { layers: 1 });
    const byDigest = `${registry.host}/bydigest/app@${img.manifestDescriptor.digest}`;
    const { digest } = await pushImage(src, local, byDigest);
    assert.equal(digest, img.manifestDescriptor.digest);
    const dst = await openStore(await tmpStoreRoot());
    const pulled = await pullImage(dst, byDigest);
    assert.equal(pulled.target.digest, digest);
  });
});
