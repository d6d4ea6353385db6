/**
 * Layers of intermediate stages are kept as snapshots only (no tar, no blob: only the cache and
 * the snapshotter read them); an image gets gzipped layers, whichever build made them, and so does
 * an exported cache. A snapshot layer made into a blob later is byte for byte the layer a build
 * that shipped it would have made.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import { StepCache } from '../../../src/solver/cache.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { MediaType } from '../../../src/image/oci.js';
import { SNAPSHOT_LAYER } from '../../../src/graph/index.js';
import { hasUnpackedLayer } from '../../../src/snapshot/index.js';
import { pruneSnapshots } from '../../../src/solver/prune.js';
import type { Store } from '../../../src/store/index.js';
import { storeWith, contextDir, imageFiles, executedSteps } from './util.js';

let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });

const dockerfile = `
FROM busybox AS builder
RUN seq 1 20000 > /numbers.txt
FROM builder AS tested
RUN wc -l < /numbers.txt > /count.txt
FROM busybox
COPY --from=tested /count.txt /count.txt
`;

async function recordTypes(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const r of new StepCache(root, store).list()) if (r.layer) out.set(r.createdBy.replace(/ # buildkit$/, ''), r.layer.descriptor.mediaType);
  return out;
}

async function imageLayerTypes(ref: string): Promise<string[]> {
  const img = await resolveImage(store, (await store.images.get(ref))!.target);
  return img.manifest.layers.map((l) => l.mediaType);
}

test('intermediate stages keep snapshot layers; images get gzip, also from such a cache hit', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile });
  const first = await build({ context: ctx, root, tags: ['final'] });
  assert.deepEqual(await imageLayerTypes('final'), [MediaType.OciLayerGzip, MediaType.OciLayerGzip]);
  let types = await recordTypes();
  assert.equal(types.get('RUN /bin/sh -c seq 1 20000 > /numbers.txt'), SNAPSHOT_LAYER);
  assert.equal(types.get('RUN /bin/sh -c wc -l < /numbers.txt > /count.txt'), SNAPSHOT_LAYER);
  assert.equal(types.get('COPY /count.txt /count.txt'), MediaType.OciLayerGzip);
  // A snapshot layer has no blob, its snapshot is unpacked; every other record's blob is in the store, whole (the read checks the digest).
  for await (const r of new StepCache(root, store).list()) {
    if (!r.layer) continue;
    if (r.layer.descriptor.mediaType === SNAPSHOT_LAYER) {
      assert.equal(await store.content.has(r.layer.descriptor.digest), false, r.createdBy);
      assert.ok(await hasUnpackedLayer(root, r.layer.diffID), r.createdBy);
      continue;
    }
    let bytes = 0;
    for await (const chunk of store.content.createReadStream(r.layer.descriptor.digest)) bytes += (chunk as Buffer).length;
    assert.equal(bytes, r.layer.descriptor.size, r.createdBy);
  }
  // The size report still knows the builder stage's size: 20,000 numbers, 108,894 bytes.
  const builder = first.report.stages.find((st) => st.name === 'builder')!;
  assert.ok(builder.size >= 108_894, String(builder.size));
  // Pruning snapshots keeps what the records name.
  await pruneSnapshots(store);
  const rebuilt = await build({ context: ctx, root, tags: ['final'] });
  assert.deepEqual(executedSteps(rebuilt.events), []);

  // The intermediate stage as the target: nothing reruns, and its image is gzipped all through.
  const tested = await build({ context: ctx, root, tags: ['tested'], target: 'tested' });
  assert.deepEqual(executedSteps(tested.events), []);
  assert.deepEqual(await imageLayerTypes('tested'), [MediaType.OciLayerGzip, MediaType.OciLayerGzip, MediaType.OciLayerGzip]);
  const files = await imageFiles(store, 'tested');
  try {
    assert.equal((await readFile(join(files.dir, 'count.txt'), 'utf8')).trim(), '20000');
    assert.equal((await readFile(join(files.dir, 'numbers.txt'), 'utf8')).split('\n')[19999], '20000');
  } finally {
    await files.cleanup();
  }
  // The records now name the gzipped blobs, so the next build finds them compressed.
  types = await recordTypes();
  assert.equal(types.get('RUN /bin/sh -c seq 1 20000 > /numbers.txt'), MediaType.OciLayerGzip);
  const again = await build({ context: ctx, root, tags: ['tested2'], target: 'tested' });
  assert.equal(again.manifestDigest, tested.manifestDigest);
});

test('a cache exported with mode=max carries gzipped layers of every stage', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile.replace('seq 1 20000', 'seq 1 30000') });
  const dir = await mkdtemp(join(tmpdir(), 'drydock-cache-'));
  await build({ context: ctx, root, tags: ['final3'], cacheTo: [{ type: 'local', dir, mode: 'max' }] });
  const blob = async (d: string) => JSON.parse(await readFile(join(dir, 'blobs/sha256', d.slice(7)), 'utf8'));
  const index = await blob(JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')).manifests[0].digest);
  const manifest = await blob(index.manifests[0].digest);
  const layers = (manifest.layers as Array<{ mediaType: string }>).map((l) => l.mediaType);
  // builder's and tested's layers (the final COPY's layer is byte-identical to tested's: one blob)
  assert.equal(layers.length, 2);
  assert.ok(layers.every((t) => t === MediaType.OciLayerGzip), layers.join(', '));
});

test('a snapshot layer stored later is the very layer a build that shipped it makes', async () => {
  const files = {
    Dockerfile: `
FROM busybox AS builder
WORKDIR /work/sub
COPY a.txt ./
RUN echo made > made.txt && ln made.txt hard.txt && ln -s made.txt soft.txt && chmod 0751 made.txt \\
 && rm -rf /home && mkdir -p /home/new && rm /bin/true && mkdir -p /var/empty/x
FROM busybox
COPY --from=builder /work/sub/made.txt /made.txt
`,
    'a.txt': 'a file from the context\n',
  };
  const ctx = await contextDir(files);
  const sourceDateEpoch = 1700000000;
  // Here the builder stage is intermediate (snapshot layers), then the target (its layers stored from the snapshots)...
  await build({ context: ctx, root, tags: ['shipped-final'], sourceDateEpoch });
  const later = await build({ context: ctx, root, tags: ['shipped-later'], target: 'builder', sourceDateEpoch });
  assert.deepEqual(executedSteps(later.events), []);
  // ...there it is the target from the start (layers gzipped as they are made).
  const other = await storeWith('busybox');
  const direct = await build({ context: ctx, root: other.root, tags: ['shipped-direct'], target: 'builder', sourceDateEpoch });
  const diffIDs = async (s: Store, ref: string) => (await resolveImage(s, (await s.images.get(ref))!.target)).config.rootfs.diff_ids;
  assert.deepEqual(await diffIDs(store, 'shipped-later'), await diffIDs(other.store, 'shipped-direct'));
  assert.equal(later.imageId, direct.imageId);
  const img = await imageFiles(store, 'shipped-later');
  try {
    assert.equal(await readFile(join(img.dir, 'work/sub/hard.txt'), 'utf8'), 'made\n');
    assert.equal(await readFile(join(img.dir, 'work/sub/a.txt'), 'utf8'), 'a file from the context\n');
  } finally {
    await img.cleanup();
  }
});
