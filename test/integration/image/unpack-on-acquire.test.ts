/**
 * `drydock pull` and `drydock load` leave an image ready to build on, as docker does: its layers
 * unpacked in the snapshotter (`--no-unpack` keeps them packed until a build needs them).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openStore } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { openSnapshotter } from '../../../src/snapshot/index.js';
import { runDrydock } from '../../helpers/cli.js';
import { fixtureImage, seedRegistry } from '../../helpers/fixtures.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

let registry: RegistryFixture;
let remote: string;
let archive: string;
before(async () => {
  registry = await startRegistry();
  remote = (await seedRegistry(registry, ['busybox'])).busybox;
  const src = await tmpStoreRoot();
  await fixtureImage(await openStore(src), 'busybox', 'busybox:latest');
  archive = join(src, 'busybox.tar');
  await ok(['save', '-o', archive, 'busybox:latest'], src);
});
after(async () => {
  await registry?.stop();
  await removeTmpStoreRoots();
});

async function ok(args: string[], root: string): Promise<string> {
  const r = await runDrydock(args, { root });
  assert.equal(r.code, 0, `drydock ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** For each layer of the image `ref` in `root`: is it unpacked? */
async function unpacked(root: string, ref: string): Promise<boolean[]> {
  const store = await openStore(root);
  const img = await resolveImage(store, (await store.images.get(ref))!.target);
  const snapshotter = await openSnapshotter(root);
  return Promise.all(img.config.rootfs.diff_ids.map((d) => snapshotter.hasLayer(d)));
}

test('load unpacks the loaded image; --no-unpack does not', async () => {
  const root = await tmpStoreRoot();
  await ok(['load', '-i', archive], root);
  const layers = await unpacked(root, 'busybox:latest');
  assert.ok(layers.length > 0 && layers.every(Boolean), `unpacked: ${layers}`);

  const lazy = await tmpStoreRoot();
  await ok(['load', '--no-unpack', '-i', archive], lazy);
  assert.ok((await unpacked(lazy, 'busybox:latest')).every((u) => !u));
  // The first build on it unpacks what it needs, as before.
  const r = await runDrydock(['build', '-q', '-t', 'x', '-'], { root: lazy, input: Buffer.from('FROM busybox\nRUN echo hi > /hi\n') });
  assert.equal(r.code, 0, r.stderr);
  assert.ok((await unpacked(lazy, 'busybox:latest')).every(Boolean));
});

test('pull unpacks the pulled image; --no-unpack does not', async () => {
  const root = await tmpStoreRoot();
  await ok(['pull', remote], root);
  const layers = await unpacked(root, remote);
  assert.ok(layers.length > 0 && layers.every(Boolean), `unpacked: ${layers}`);

  const lazy = await tmpStoreRoot();
  await ok(['pull', '--no-unpack', remote], lazy);
  assert.ok((await unpacked(lazy, remote)).every((u) => !u));
});
