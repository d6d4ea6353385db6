import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { openStore } from '../../../src/store/index.js';
import { sha256 } from '../../../src/image/digest.js';
import { DrydockError } from '../../../src/util/errors.js';
import { MediaType } from '../../../src/image/oci.js';

async function tempStore() {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-store-'));
  return { store: await openStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

test('content store round-trips bytes, JSON and streams', async (t) => {
  const { store, cleanup } = await tempStore();
  t.after(cleanup);
  const a = await store.content.writeBytes('hello');
  assert.equal(a.digest, sha256('hello'));
  assert.equal(a.size, 5);
  assert.equal(await store.content.has(a.digest), true);
  assert.equal((await store.content.readBytes(a.digest)).toString(), 'hello');
  const j = await store.content.writeJSON({ b: 1, a: [1, 2] });
  assert.equal(j.bytes.toString(), '{"b":1,"a":[1,2]}');
  assert.deepEqual(await store.content.readJSON(j.digest), { b: 1, a: [1, 2] });
  const s = await store.content.writeStream(Readable.from([Buffer.from('str'), Buffer.from('eam')]), { digest: sha256('stream'), size: 6 });
  assert.equal(await text(store.content.createReadStream(s.digest)), 'stream');
  const listed = [];
  for await (const d of store.content.list()) listed.push(d);
  assert.deepEqual(listed.sort(), [a.digest, j.digest, s.digest].sort());
  assert.deepEqual(await readdir(store.tmpDir), []);
});

test('content store rejects a digest mismatch and leaves no blob or temp', async (t) => {
  const { store, cleanup } = await tempStore();
  t.after(cleanup);
  await assert.rejects(store.content.writeStream(Readable.from([Buffer.from('abc')]), { digest: sha256('abd') }),
    (e: unknown) => e instanceof DrydockError && e.code === 'DIGEST');
  await assert.rejects(store.content.writeStream(Readable.from([Buffer.from('abc')]), { size: 4 }),
    (e: unknown) => e instanceof DrydockError && e.code === 'DIGEST');
  assert.equal(await store.content.has(sha256('abc')), false);
  assert.deepEqual(await readdir(store.tmpDir), []);
});

test('reads detect corrupt blobs', async (t) => {
  const { store, cleanup } = await tempStore();
  t.after(cleanup);
  const { digest } = await store.content.writeBytes('original');
  await writeFile(store.content.path(digest), 'tampered');
  await assert.rejects(store.content.readBytes(digest), (e: unknown) => e instanceof DrydockError && e.code === 'DIGEST');
  await assert.rejects(text(store.content.createReadStream(digest)), (e: unknown) => e instanceof DrydockError && e.code === 'DIGEST');
  await assert.rejects(store.content.readBytes(sha256('nope')), (e: unknown) => e instanceof DrydockError && e.code === 'NOT_FOUND');
});

test('image store: put, get by any reference form, list, delete', async (t) => {
  const { store, cleanup } = await tempStore();
  t.after(cleanup);
  const target = { mediaType: MediaType.OciManifest, digest: sha256('m'), size: 1 };
  await store.images.put('busybox', target);
  await store.images.put('localhost:5000/x:t', target);
  assert.equal((await store.images.get('docker.io/library/busybox:latest'))?.ref, 'docker.io/library/busybox:latest');
  assert.equal((await store.images.get('busybox:latest'))?.target.digest, target.digest);
  assert.equal((await store.images.get(`busybox@${target.digest}`))?.ref, 'docker.io/library/busybox:latest');
  assert.equal(await store.images.get('busybox:other'), undefined);
  assert.deepEqual((await store.images.list()).map((r) => r.ref), ['docker.io/library/busybox:latest', 'localhost:5000/x:t']);
  assert.equal(await store.images.delete('busybox'), true);
  assert.equal(await store.images.delete('busybox'), false);
  assert.equal((await store.images.list()).length, 1);
});

test('leases are validated and listed as roots', async (t) => {
  const { store, cleanup } = await tempStore();
  t.after(cleanup);
  const d = sha256('x');
  await store.lease('build-cache', [d]);
  assert.ok((await store.leases.roots()).has(d));
  await store.unlease('build-cache');
  assert.ok(!(await store.leases.roots()).has(d));
  await assert.rejects(store.lease('../evil', [d]), (e: unknown) => e instanceof DrydockError && e.code === 'USAGE');
  // blobs this process wrote are in its process lease until it exits
  const w = await store.content.writeBytes('leased');
  assert.ok((await store.leases.roots()).has(w.digest));
});
