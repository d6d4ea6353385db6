import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cacheArtifact, readRecords, CACHE_ARTIFACT_TYPE, CACHE_CONFIG_MEDIA_TYPE, INLINE_CACHE_FIELD } from '../../../src/cache/format.js';
import { inlineRecords, withInlineCache } from '../../../src/cache/inline.js';
import type { CacheRecord } from '../../../src/graph/index.js';
import { MediaType, type Digest, type ImageConfig, type Index, type Manifest } from '../../../src/image/oci.js';
import { DrydockError } from '../../../src/util/errors.js';

const d = (s: string): Digest => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const layer = (s: string, size = 10) => ({ descriptor: { mediaType: MediaType.OciLayerGzip, digest: d(`blob-${s}`), size }, diffID: d(`diff-${s}`), size: size * 3 });

const records: CacheRecord[] = [
  { key: d('k1'), created: '2024-01-01T00:00:00Z', createdBy: 'RUN a', layer: layer('a') },
  { key: d('k2'), created: '2024-01-01T00:00:01Z', createdBy: 'ENV X=1' },
  { key: d('k3'), created: '2024-01-01T00:00:02Z', createdBy: 'COPY b /b', layer: layer('b') },
  // Two steps can produce the same blob: it is stored once.
  { key: d('k4'), created: '2024-01-01T00:00:03Z', createdBy: 'RUN true', layer: layer('a') },
];
const platform = { os: 'linux', architecture: 'amd64' };

test('the artifact: a manifest over each layer blob once, a config with every record, an index naming the platform', () => {
  const art = cacheArtifact(records, platform);
  const manifest = JSON.parse(art.manifest.toString()) as Manifest;
  assert.equal(manifest.artifactType, CACHE_ARTIFACT_TYPE);
  assert.equal(manifest.config.mediaType, CACHE_CONFIG_MEDIA_TYPE);
  assert.equal(manifest.config.digest, `sha256:${createHash('sha256').update(art.config).digest('hex')}`);
  assert.deepEqual(manifest.layers.map((l) => l.digest), [d('blob-a'), d('blob-b')]);
  const index = JSON.parse(art.index({ mediaType: MediaType.OciManifest, digest: d('m'), size: 5 }).toString()) as Index;
  assert.deepEqual(index.manifests[0], { mediaType: MediaType.OciManifest, digest: d('m'), size: 5, artifactType: CACHE_ARTIFACT_TYPE, platform });

  const byDigest = new Map(manifest.layers.map((l) => [l.digest, l]));
  const back = readRecords(JSON.parse(art.config.toString()), (l) => byDigest.get(l.digest!), 'test');
  assert.deepEqual(back, records);
});

test('reading refuses what is not a drydock cache, malformed records and missing layers', () => {
  const refuse = (raw: unknown, msg: RegExp) => assert.throws(() => readRecords(raw, () => undefined, 'here'), (e: unknown) => e instanceof DrydockError && msg.test(e.message));
  refuse({ layers: [] }, /not a drydock cache/);
  refuse({ version: 2, records: [] }, /not a drydock cache/);
  refuse({ version: 1, records: [{ key: 'sha256:zz', created: '', createdBy: '' }] }, /malformed cache record/);
  refuse({ version: 1, records: [{ key: d('k'), created: 'x', createdBy: 'RUN', layer: { digest: d('nope'), diffID: d('x') } }] }, /names a layer the cache does not hold/);
});

test('inline: records ride in the image config and come back with layers found by diffID', () => {
  const own = [records[0]!, records[1]!, records[2]!];
  const config: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [d('base'), d('diff-a'), d('diff-b')] } };
  const withCache = withInlineCache(config, [...own, { key: d('other'), created: 'x', createdBy: 'RUN other', layer: layer('elsewhere') }]);
  assert.equal(withCache[INLINE_CACHE_FIELD]!.records.length, 3, 'a record whose layer is not in the image is left out');
  assert.equal(withCache[INLINE_CACHE_FIELD]!.records[0]!.layer!.digest, undefined);

  // Pushed with another compression: the blobs differ, the diffIDs do not.
  const manifest: Manifest = {
    schemaVersion: 2,
    config: { mediaType: MediaType.OciConfig, digest: d('cfg'), size: 1 },
    layers: ['base', 'a', 'b'].map((s) => ({ mediaType: MediaType.OciLayerZstd, digest: d(`zstd-${s}`), size: 7 })),
  };
  const back = inlineRecords(JSON.parse(JSON.stringify(withCache)), manifest, 'img');
  assert.deepEqual(back.map((r) => r.layer?.descriptor.digest), [d('zstd-a'), undefined, d('zstd-b')]);
  assert.deepEqual(back.map((r) => r.key), own.map((r) => r.key));

  assert.throws(() => inlineRecords(config, manifest, 'img'), /has no inline cache/);
});
