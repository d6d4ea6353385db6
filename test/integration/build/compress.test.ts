/**
 * Layers of intermediate stages are stored uncompressed (only the cache and the snapshotter read
 * them); an image gets gzipped layers, whichever build made them, and so does an exported cache.
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

test('intermediate stages keep uncompressed layers; images get gzip, also from such a cache hit', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile });
  await build({ context: ctx, root, tags: ['final'] });
  assert.deepEqual(await imageLayerTypes('final'), [MediaType.OciLayerGzip, MediaType.OciLayerGzip]);
  let types = await recordTypes();
  assert.equal(types.get('RUN /bin/sh -c seq 1 20000 > /numbers.txt'), MediaType.OciLayer);
  assert.equal(types.get('RUN /bin/sh -c wc -l < /numbers.txt > /count.txt'), MediaType.OciLayer);
  assert.equal(types.get('COPY /count.txt /count.txt'), MediaType.OciLayerGzip);
  // Every record's blob is in the store, whole (the read checks the digest).
  for await (const r of new StepCache(root, store).list()) {
    if (!r.layer) continue;
    let bytes = 0;
    for await (const chunk of store.content.createReadStream(r.layer.descriptor.digest)) bytes += (chunk as Buffer).length;
    assert.equal(bytes, r.layer.descriptor.size, r.createdBy);
  }

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
