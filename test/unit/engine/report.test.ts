import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizeReport, formatSizeReport } from '../../../src/build/summary.js';
import { formatBytes } from '../../../src/util/units.js';
import { parseOutputSpec, parseKeyValue } from '../../../src/build/options.js';
import { plainRenderer } from '../../../src/cli/progress/plain.js';
import { looksLikeArchive } from '../../../src/cli/stdin.js';

test('formatBytes uses SI units like docker', () => {
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1_980_000), '1.98 MB');
  assert.equal(formatBytes(646_200_000), '646 MB');
  assert.equal(formatBytes(8_400_000), '8.40 MB');
});

test('size report compares the image with the largest stage left behind', () => {
  const r = sizeReport([
    { index: 0, name: 'builder', size: 646_000_000, layers: 9, inImage: false, cachedSteps: 0, steps: 4 },
    { index: 1, name: 'stage-1', size: 8_400_000, layers: 2, inImage: true, cachedSteps: 0, steps: 1 },
  ], { id: 'sha256:x', manifestDigest: 'sha256:y', size: 8_400_000, layers: 2, refs: [] });
  assert.deepEqual(r.largestLeftBehind, { name: 'builder', size: 646_000_000, reductionPercent: 98.7 });
  const text = formatSizeReport(r);
  assert.match(text, /builder\s+646 MB\s+not in image/);
  assert.match(text, /final image 8\.40 MB, 2 layers — 98\.7% smaller than the builder stage \(646 MB\)/);
});

test('a multi-platform report gives each platform its own final line, against its own stages', () => {
  const s = (index: number, platform: string, name: string, size: number, inImage: boolean) =>
    ({ index, name: `${platform} ${name}`, platform, size, layers: inImage ? 2 : 9, inImage, cachedSteps: 0, steps: 1 });
  const r = sizeReport([
    s(0, 'linux/amd64', 'build', 607_000_000, false), s(1, 'linux/amd64', 'stage-1', 3_290_000, true),
    s(2, 'linux/arm64', 'build', 600_000_000, false), s(3, 'linux/arm64', 'stage-1', 3_220_000, true),
  ], { id: 'sha256:x', manifestDigest: 'sha256:y', size: 3_290_000, layers: 2, refs: [] });
  const text = formatSizeReport(r).split('\n');
  assert.equal(text.filter((l) => l.startsWith('final image')).length, 2);
  assert.ok(text.includes('final image linux/amd64 3.29 MB, 2 layers — 99.5% smaller than the linux/amd64 build stage (607 MB)'), text.join('\n'));
  assert.ok(text.includes('final image linux/arm64 3.22 MB, 2 layers — 99.5% smaller than the linux/arm64 build stage (600 MB)'), text.join('\n'));
});

test('single-stage report has no comparison', () => {
  const r = sizeReport([{ index: 0, name: 'stage-0', size: 5, layers: 1, inImage: true, cachedSteps: 0, steps: 1 }],
    { id: 'sha256:x', manifestDigest: 'sha256:y', size: 5, layers: 1, refs: [] });
  assert.equal(r.largestLeftBehind, undefined);
  assert.doesNotMatch(formatSizeReport(r), /smaller/);
});

test('output specs parse like buildx', () => {
  assert.deepEqual(parseOutputSpec('type=local,dest=out'), { type: 'local', dest: 'out', name: undefined, attrs: {} });
  assert.deepEqual(parseOutputSpec('type=oci,dest=a.tar,compression=zstd'), { type: 'oci', dest: 'a.tar', name: undefined, attrs: { compression: 'zstd' } });
  assert.deepEqual(parseOutputSpec('outdir'), { type: 'local', dest: 'outdir', attrs: {} });
  assert.deepEqual(parseOutputSpec('-'), { type: 'tar', dest: '-', attrs: {} });
  assert.throws(() => parseOutputSpec('type=bogus,dest=x'), /type must be one of/);
  assert.throws(() => parseOutputSpec('type=local'), /needs dest=PATH/);
});

test('build-arg without value comes from the environment', () => {
  assert.deepEqual(parseKeyValue('A=1=2', 'build-arg'), ['A', '1=2']);
  assert.deepEqual(parseKeyValue('HOME_X', 'build-arg', { HOME_X: 'h' }), ['HOME_X', 'h']);
  assert.deepEqual(parseKeyValue('NOPE', 'build-arg', {}), ['NOPE', undefined]);
  assert.throws(() => parseKeyValue('=v', 'build-arg'), /empty name/);
});

test('plain progress prints BuildKit-style lines and splits output into lines', () => {
  let out = '';
  const r = plainRenderer((s) => { out += s; });
  r({ type: 'build-start', time: 0, target: 'final', stages: [{ index: 0, name: 'builder', base: 'x' }] });
  r({ type: 'step-start', time: 1000, stage: 0, step: '0.2', index: 2, total: 3, instruction: 'RUN echo hi' });
  r({ type: 'step-log', time: 1500, stage: 0, step: '0.2', stream: 'stdout', data: 'hi\npart' });
  r({ type: 'step-log', time: 1600, stage: 0, step: '0.2', stream: 'stdout', data: 'ial\n' });
  r({ type: 'step-done', time: 2200, stage: 0, step: '0.2', cached: false, duration: 1200 });
  r({ type: 'step-start', time: 3000, stage: 0, step: '0.3', index: 3, total: 3, instruction: 'COPY a b' });
  r({ type: 'step-cached', time: 3000, stage: 0, step: '0.3' });
  r({ type: 'step-done', time: 3000, stage: 0, step: '0.3', cached: true, duration: 0 });
  assert.equal(out, '#1 [builder 2/3] RUN echo hi\n#1 0.500 hi\n#1 0.600 partial\n#1 DONE 1.2s\n#2 [builder 3/3] COPY a b\n#2 CACHED\n');
});

test('stdin sniffing tells a tar or compressed context from a Dockerfile', () => {
  const tarHead = Buffer.alloc(512);
  tarHead.write('ustar', 257, 'latin1');
  assert.equal(looksLikeArchive(tarHead), true);
  assert.equal(looksLikeArchive(Buffer.from([0x1f, 0x8b, 8, 0])), true);
  assert.equal(looksLikeArchive(Buffer.from('FROM busybox\nRUN true\n')), false);
});
