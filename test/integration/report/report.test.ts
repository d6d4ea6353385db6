/**
 * The size report on a real multi-stage build: exact layer sizes, wasted bytes for an overwritten
 * and a deleted file, efficiency, and what the builder stage left behind.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/index.js';
import { SNAPSHOT_LAYER } from '../../../src/graph/index.js';
import { report, loadBuildRecord, type ReportResult } from '../../../src/report/index.js';
import { tmpStoreRoot, removeTmpStoreRoots } from '../../helpers/store.js';
import { fixtureImage } from '../../helpers/fixtures.js';
import { runDrydock } from '../../helpers/cli.js';

const CACHE = 5 * 1024 * 1024;
export const DOCKERFILE = `
FROM busybox AS builder
RUN mkdir /build-cache && head -c ${CACHE} /dev/zero > /build-cache/blob && echo hello > /app.txt
FROM busybox
COPY --from=builder /app.txt /app.txt
RUN head -c 100000 /dev/zero > /data && head -c 3000 /dev/zero > /tmp/junk
RUN head -c 250000 /dev/zero > /data && rm /tmp/junk
`;

let root: string;
let dir: string;
let fromBuild: ReportResult;

before(async () => {
  root = await tmpStoreRoot();
  await fixtureImage(await openStore(root), 'busybox', 'busybox:latest');
  dir = await mkdtemp(join(tmpdir(), 'drydock-report-'));
  await mkdir(join(dir, 'ctx'));
  await writeFile(join(dir, 'ctx', 'Dockerfile'), DOCKERFILE);
  const r = await runDrydock(['build', '--progress', 'plain', '-t', 'rep:1', '--report', join(dir, 'report.json'), join(dir, 'ctx')], { root });
  assert.equal(r.code, 0, r.stderr);
  fromBuild = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as ReportResult;
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

test('layers: sizes and the instruction that made each', () => {
  const layers = fromBuild.layers;
  const n = layers.length;
  assert.ok(n >= 4);
  assert.deepEqual(layers.slice(n - 3).map((l) => l.size), [6, 103_000, 250_000]);
  assert.match(layers[n - 3]!.createdBy, /COPY .*\/app\.txt/);
  assert.match(layers[n - 2]!.createdBy, /^RUN .*head -c 100000/);
  assert.match(layers[n - 1]!.createdBy, /^RUN .*rm \/tmp\/junk/);
  assert.ok(layers.every((l) => l.compressedSize > 0 && l.digest.startsWith('sha256:')));
  const base = layers.slice(0, n - 3).reduce((a, l) => a + l.size, 0);
  assert.equal(fromBuild.image.size, base + 6 + 250_000);
  assert.equal(fromBuild.image.layersSize, base + 6 + 103_000 + 250_000);
  assert.equal(fromBuild.image.ref, 'rep:1');
  assert.deepEqual(fromBuild.largestFiles.find((f) => f.path === '/data'), { path: '/data', size: 250_000 });
  assert.ok(fromBuild.largestDirs.some((d) => d.path === '/bin'));
});

test("wasted bytes: an overwritten file and a deleted file, as dive counts them", () => {
  const { waste, layers } = fromBuild;
  // /data: 100000 + 250000 (both copies); /tmp/junk: 3000 + its whiteout (0)
  assert.deepEqual(waste.paths, [{ path: '/data', size: 350_000, count: 2 }, { path: '/tmp/junk', size: 3000, count: 2 }]);
  assert.equal(waste.bytes, 353_000);
  const base = layers.slice(0, layers.length - 3).reduce((a, l) => a + l.size, 0);
  assert.equal(waste.efficiency, (base + 6 + 100_000 + 0) / (base + 6 + 350_000 + 3000));
  const user = layers.slice(1).reduce((a, l) => a + l.size, 0);
  assert.equal(waste.userFraction, 353_000 / user);
});

test('stages: the builder left its build cache behind, nothing else', () => {
  const [builder, final] = fromBuild.stages;
  assert.equal(builder!.name, 'builder');
  assert.equal(builder!.inImage, false);
  assert.equal(builder!.leftBehind, CACHE);
  assert.deepEqual(builder!.leftBehindDirs, [{ path: '/build-cache', size: CACHE }]);
  const base = fromBuild.image.size - 6 - 250_000;
  assert.equal(builder!.size, base + CACHE + 6);
  assert.equal(final!.name, 'stage-1');
  assert.equal(final!.inImage, true);
  assert.equal(final!.size, fromBuild.image.size);
});

test('drydock report IMAGE later gives the same report, stages included', async () => {
  const r = await runDrydock(['report', 'rep:1', '--format', 'json'], { root });
  assert.equal(r.code, 0, r.stderr);
  const later = JSON.parse(r.stdout) as ReportResult;
  assert.deepEqual(later, fromBuild);
  // and through the API, by image id
  const api = await report({ image: fromBuild.image.id!, root });
  assert.deepEqual(api.stages, fromBuild.stages);
  assert.equal(api.image.ref, 'rep:1');
});

test('text report and -o FILE', async () => {
  const r = await runDrydock(['report', 'rep:1'], { root });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^Image rep:1 [0-9a-f]{12}$/);
  assert.ok(lines.includes('Wasted space: 353 kB in 2 paths written or removed by more than one layer'), r.stdout);
  assert.ok(lines.some((l) => /^ {2}builder {2}\s+\S+ MB {2}not in image; left behind 5\.24 MB$/.test(l)), r.stdout);
  assert.ok(lines.some((l) => /^\s+5\.24 MB {2}\/build-cache$/.test(l)), r.stdout);

  const out = join(dir, 'r.html');
  const h = await runDrydock(['report', 'rep:1', '-o', out], { root });
  assert.equal(h.code, 0, h.stderr);
  assert.match(await readFile(out, 'utf8'), /^<!DOCTYPE html>/);
});

test('an image pulled or imported, not built here, has no stages; an unknown image is an error', async () => {
  const busybox = await report({ image: 'busybox', root });
  assert.deepEqual(busybox.stages, []);
  assert.equal(busybox.waste.bytes, 0);
  assert.equal(busybox.waste.efficiency, 1);
  const r = await runDrydock(['report', 'nope:1'], { root });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'error: No such image: nope:1\n');
});

test('a stage whose layers were pruned since the build is listed as unavailable', async () => {
  const store = await openStore(root);
  const rec = await loadBuildRecord(store, fromBuild.image.id!);
  const inImage = new Set(fromBuild.layers.map((l) => l.digest));
  const builderOnly = rec!.stages.find((s) => s.name === 'builder')!.layers.filter((l) => !inImage.has(l.digest));
  assert.equal(builderOnly.length, 1);
  // The builder stage was intermediate: its layer is a snapshot, with no blob.
  assert.equal(builderOnly[0]!.mediaType, SNAPSHOT_LAYER);
  await rm(join(root, 'snapshots', 'layers', builderOnly[0]!.digest.slice('sha256:'.length)), { recursive: true });
  const r = await report({ image: 'rep:1', root });
  assert.equal(r.stages[0]!.unavailable, `layer ${builderOnly[0]!.digest} is not in the store (pruned?)`);
  assert.equal(r.stages[0]!.leftBehind, 0);
  assert.deepEqual(r.waste, fromBuild.waste);
});
