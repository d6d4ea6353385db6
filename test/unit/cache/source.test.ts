import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ImportingStepCache, type CacheSource } from '../../../src/cache/source.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { sha256 } from '../../../src/image/digest.js';
import { MediaType, type Descriptor } from '../../../src/image/oci.js';
import type { CacheRecord } from '../../../src/graph/index.js';
import { StepCache } from '../../../src/solver/cache.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { materialize, offeredBlob } from '../../../src/store/lazy.js';

after(removeTmpStoreRoots);

/** A cache held in memory: blobs by digest, and a log of what was fetched. */
function memorySource(blobs: Map<string, Buffer>, records: CacheRecord[], name = 'memory'): CacheSource & { fetched: string[] } {
  const fetched: string[] = [];
  return {
    name, records, fetched,
    async fetch(layer: Descriptor, store: Store) {
      fetched.push(layer.digest);
      const b = blobs.get(layer.digest);
      if (!b) throw new Error(`gone: ${layer.digest}`);
      await store.content.writeStream(Readable.from([b]), { digest: layer.digest, size: layer.size });
    },
    async has(layer: Descriptor) {
      return blobs.has(layer.digest);
    },
  };
}

function record(name: string, blob?: Buffer): CacheRecord {
  const rec: CacheRecord = { key: sha256(`key-${name}`), created: `2024-01-01T00:00:0${name.length}Z`, createdBy: `RUN ${name}` };
  if (blob) rec.layer = { descriptor: { mediaType: MediaType.OciLayerGzip, digest: sha256(blob), size: blob.length }, diffID: sha256(`diff-${name}`) };
  return rec;
}

test('imported records are used on a hit only: the record becomes local, its blob is offered and fetched once, when its bytes are needed', async () => {
  const store = await openStore(await tmpStoreRoot());
  const blobA = Buffer.from('layer a');
  const blobB = Buffer.from('layer b');
  const a = record('a', blobA);
  const b = record('bb', blobB);
  const cfg = record('ccc');
  const src = memorySource(new Map([[sha256(blobA), blobA], [sha256(blobB), blobB]]), [a, b, cfg]);
  const cache = new ImportingStepCache(store, [src]);
  assert.equal(cache.importedRecords, 3);

  const [hit1, hit2] = await Promise.all([cache.get(a.key), cache.get(a.key)]);
  assert.deepEqual(hit1, a);
  assert.deepEqual(hit2, a);
  assert.deepEqual(src.fetched, [], 'a hit downloads nothing');
  assert.ok(offeredBlob(store, a.layer!.descriptor.digest));
  assert.equal(offeredBlob(store, b.layer!.descriptor.digest), undefined, 'only what was asked for is offered');
  await Promise.all([materialize(store, [a.layer!.descriptor.digest]), materialize(store, [a.layer!.descriptor.digest])]);
  assert.deepEqual(src.fetched, [a.layer!.descriptor.digest], 'fetched once, when needed');
  assert.ok(await store.content.has(a.layer!.descriptor.digest));
  assert.deepEqual(await new StepCache(store.root, store).get(a.key), a, 'now a local record');

  assert.deepEqual(await cache.get(cfg.key), cfg, 'config-only records need no blob');
  assert.equal(await cache.get(sha256('unknown')), undefined);
});

test('a local record wins; a blob the source cannot deliver is a miss with a warning', async () => {
  const store = await openStore(await tmpStoreRoot());
  const local = new StepCache(store.root, store);
  const mine = record('mine');
  await local.put(mine);
  const theirs = { ...mine, created: '1999-01-01T00:00:00Z' };
  const lost = record('lost', Buffer.from('never there'));
  const warnings: string[] = [];
  const cache = new ImportingStepCache(store, [memorySource(new Map(), [theirs, lost], 'far')], (m) => warnings.push(m));

  assert.deepEqual(await cache.get(mine.key), mine);
  assert.equal(await cache.get(lost.key), undefined);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^cache import from far: .*gone/);
});

test('with several sources, the first that has a key wins', async () => {
  const store = await openStore(await tmpStoreRoot());
  const one = record('x');
  const two = { ...one, createdBy: 'RUN from the second source' };
  const cache = new ImportingStepCache(store, [memorySource(new Map(), [one]), memorySource(new Map(), [two])]);
  assert.equal((await cache.get(one.key))?.createdBy, 'RUN x');
});
