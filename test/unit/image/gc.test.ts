import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, collectGarbage, diskUsage, fsck, removeImages } from '../../../src/store/index.js';
import { makeTestImage } from '../../helpers/images.js';
import { DrydockError } from '../../../src/util/errors.js';

async function fresh() {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-gc-'));
  const store = await openStore(dir);
  // Blobs written by this test process are leased to it; drop that to see GC as a later process would.
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

test('prune removes only unreferenced blobs and honours leases', async (t) => {
  const { store, cleanup } = await fresh();
  t.after(cleanup);
  const a = await makeTestImage(store, 'a:1', { seed: 'a' });
  const orphan = await store.content.writeBytes('orphan');
  const leased = await store.content.writeBytes('leased');
  await store.lease('cache-test', [leased.digest]);
  await store.leases.releaseProcessLease();
  const res = await collectGarbage(store);
  assert.deepEqual(res.removed, [orphan.digest]);
  assert.equal(await store.content.has(leased.digest), true);
  assert.equal(await store.content.has(a.configDigest), true);
  await store.unlease('cache-test');
  assert.deepEqual((await collectGarbage(store)).removed, [leased.digest]);
});

test('a process lease protects blobs written but not yet referenced', async (t) => {
  const { store, cleanup } = await fresh();
  t.after(cleanup);
  const w = await store.content.writeBytes('in flight');
  assert.deepEqual((await collectGarbage(store)).removed, []);
  assert.equal(await store.content.has(w.digest), true);
});

test('rm untags and frees only what no other image uses; du counts shared blobs once', async (t) => {
  const { store, cleanup } = await fresh();
  t.after(cleanup);
  const a = await makeTestImage(store, 'a:1', { seed: 'shared' });
  const b = await makeTestImage(store, 'b:1', { seed: 'shared', cmd: ['other'] }); // same layers, other config
  await store.images.put('a:2', a.manifestDescriptor);
  await store.leases.releaseProcessLease();
  const du = await diskUsage(store);
  assert.equal(du.images.length, 2);
  const layerBytes = a.layers.reduce((n, l) => n + l.size, 0);
  for (const i of du.images) assert.equal(i.shared, layerBytes);
  assert.equal(du.totalBytes, du.images[0]!.size + du.images[1]!.unique);
  await assert.rejects(removeImages(store, ['nope:1']), (e: unknown) => e instanceof DrydockError && e.code === 'NOT_FOUND');
  const r1 = await removeImages(store, ['a:1']);
  assert.deepEqual(r1.untagged, ['docker.io/library/a:1']);
  assert.deepEqual(r1.deleted, []); // a:2 still names it
  const r2 = await removeImages(store, [a.configDigest.slice(7, 19)]);
  assert.deepEqual(r2.untagged, ['docker.io/library/a:2']);
  assert.ok(r2.deleted.includes(a.configDigest));
  for (const l of b.layers) assert.equal(await store.content.has(l.digest), true);
});

test('fsck finds corrupt blobs and dangling references, and repairs them', async (t) => {
  const { store, cleanup } = await fresh();
  t.after(cleanup);
  const a = await makeTestImage(store, 'a:1');
  await makeTestImage(store, 'b:1');
  assert.equal((await fsck(store)).ok, true);
  await writeFile(store.content.path(a.layers[0]!.digest), 'bitrot');
  const r = await fsck(store);
  assert.equal(r.ok, false);
  assert.deepEqual(r.corruptBlobs, [a.layers[0]!.digest]);
  assert.deepEqual(r.danglingRefs.map((x) => x.ref), ['docker.io/library/a:1']);
  const fixed = await fsck(store, { repair: true });
  assert.equal(fixed.repaired, true);
  assert.equal((await fsck(store)).ok, true);
  assert.equal(await store.images.get('a:1'), undefined);
  assert.ok(await store.images.get('b:1'));
});

test('the process leases of many stores share one exit listener, and each lease file goes with its release', async (t) => {
  const before = process.listenerCount('exit');
  const stores = [];
  for (let i = 0; i < 12; i++) {
    const s = await fresh();
    t.after(s.cleanup);
    await s.store.content.writeBytes(`blob ${i}`);
    stores.push(s.store);
  }
  assert.ok(process.listenerCount('exit') <= before + 1, `${process.listenerCount('exit') - before} exit listeners added`);
  for (const store of stores) {
    const dir = join(store.root, 'leases');
    const procFiles = async () => (await readdir(dir)).filter((n) => n.startsWith('.proc-'));
    assert.equal((await procFiles()).length, 1);
    await store.leases.releaseProcessLease();
    assert.deepEqual(await procFiles(), []);
  }
});
