/** The foreign-platform busybox fixtures: each platform's binary is that architecture's, and the index pushes whole. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openStore } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { endpointsFor } from '../../../src/registry/endpoint.js';
import type { Index } from '../../../src/image/oci.js';
import { busyboxIndex, elfMachine, fixturePlatform, pushBusyboxIndex } from '../../helpers/platform-fixtures.js';
import { startRegistry } from '../../helpers/registry.js';
import { imageFiles } from '../build/util.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

after(removeTmpStoreRoots);

test('busyboxIndex: one manifest per platform, each with its own architecture binary', async () => {
  const store = await openStore(await tmpStoreRoot());
  const d = await busyboxIndex(store, ['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
  const index = await store.content.readJSON<Index>(d.digest);
  assert.deepEqual(index.manifests.map((m) => m.platform), [fixturePlatform('linux/amd64'), fixturePlatform('linux/arm64'), fixturePlatform('linux/arm/v7')]);
  for (const [p, machine] of [['linux/arm64', 183], ['linux/arm/v7', 40], ['linux/amd64', 62]] as const) {
    await store.images.put(`bb:${p.replace(/\//g, '-')}`, index.manifests.find((m) => m.platform!.architecture === fixturePlatform(p).architecture)!);
    const img = await imageFiles(store, `bb:${p.replace(/\//g, '-')}`);
    try {
      assert.equal(img.config.architecture, fixturePlatform(p).architecture);
      assert.equal(img.config.variant, fixturePlatform(p).variant);
      assert.equal(await elfMachine(join(img.dir, 'bin/busybox')), machine, p);
    } finally {
      await img.cleanup();
    }
  }
  // resolve picks by platform
  assert.equal((await resolveImage(store, d, fixturePlatform('linux/arm64'))).config.architecture, 'arm64');
});

test('pushBusyboxIndex: the registry serves the index and every platform manifest', async () => {
  const registry = await startRegistry();
  try {
    const pushed = await pushBusyboxIndex(registry, ['linux/amd64', 'linux/arm64']);
    const client = new RegistryClient(endpointsFor(registry.host, {})[0]!);
    const top = await client.getManifest('library/busybox', 'latest');
    assert.equal(top.descriptor.digest, pushed.digest);
    const index = JSON.parse(top.bytes.toString()) as Index;
    assert.equal(index.manifests.length, 2);
    for (const m of index.manifests) assert.equal((await client.getManifest('library/busybox', m.digest)).descriptor.digest, m.digest);
  } finally {
    await registry.stop();
  }
});
