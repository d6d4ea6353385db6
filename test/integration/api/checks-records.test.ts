/**
 * `build()` is the whole build, not the CLI's part of it: `# check=error=true` stops an API build
 * before anything runs, and an API build leaves the build record that `drydock report IMAGE`
 * reads (and writes the report itself with `report`).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, isDrydockError, type BuildEvent } from '../../../src/index.js';
import { openStore } from '../../../src/store/index.js';
import { loadBuildRecord } from '../../../src/report/index.js';
import { runDrydock } from '../../helpers/cli.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { contextDir, storeWith } from '../build/util.js';

let root: string;
before(async () => { ({ root } = await storeWith('busybox')); });
after(() => removeTmpStoreRoots());

test('build(): # check=error=true and a violated rule reject before anything runs', async () => {
  const context = await contextDir({ Dockerfile: '# check=error=true\nFROM busybox\nRUN echo ran > /ran\nCMD cat /ran\n' });
  const events: BuildEvent[] = [];
  await assert.rejects(build({ context, root, tags: ['strict-api:1'], onEvent: (e) => events.push(e) }), (e: unknown) => {
    assert.ok(isDrydockError(e));
    assert.equal(e.message, 'lint violation found for rules: JSONArgsRecommended');
    assert.equal(e.details?.length, 1);
    assert.match(e.details![0]!, /Dockerfile:4: error: JSONArgsRecommended: JSON arguments recommended for CMD/);
    return true;
  });
  assert.ok(!events.some((e) => e.type === 'step-start'), 'no step ran');
  assert.equal(await (await openStore(root)).images.get('strict-api:1'), undefined);

  // the same rule through the build arg, and a clean Dockerfile builds
  const plain = await contextDir({ Dockerfile: 'FROM busybox\nCMD cat /x\n' });
  await assert.rejects(build({ context: plain, root, buildArgs: { BUILDKIT_DOCKERFILE_CHECK: 'error=true' } }), /lint violation found for rules: JSONArgsRecommended/);
  const clean = await contextDir({ Dockerfile: '# check=error=true\nFROM busybox\nCMD ["cat", "/x"]\n' });
  const ok = await build({ context: clean, root });
  assert.match(ok.imageId, /^sha256:/);
});

test('build(): the build record is written, so `drydock report IMAGE` shows what the builder stage left', async () => {
  const context = await contextDir({ Dockerfile: [
    'FROM busybox AS builder',
    'RUN mkdir /cache && head -c 300000 /dev/zero > /cache/blob && echo app > /app',
    'FROM busybox',
    'COPY --from=builder /app /app',
    '',
  ].join('\n') });
  const result = await build({ context, root, tags: ['recorded-api:1'] });
  const rec = await loadBuildRecord(await openStore(root), result.imageId);
  assert.ok(rec, 'the record exists');
  assert.deepEqual(rec.stages.map((s) => [s.name, s.inImage]), [['builder', false], ['stage-1', true]]);

  const r = await runDrydock(['report', 'recorded-api:1', '--format', 'json'], { root });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { stages: Array<{ name: string; inImage: boolean; leftBehind: number }> };
  const builder = report.stages.find((s) => s.name === 'builder');
  assert.ok(builder, r.stdout);
  assert.equal(builder.inImage, false);
  assert.equal(builder.leftBehind, 300_000);
});

test('build({ report }): the size report is written with the build', async () => {
  const context = await contextDir({ Dockerfile: 'FROM busybox\nRUN head -c 12345 /dev/zero > /data\n' });
  const file = join(context, 'size.json');
  const result = await build({ context, root, report: file });
  const written = JSON.parse(await readFile(file, 'utf8')) as { image: { id: string }; largestFiles: Array<{ path: string; size: number }> };
  assert.equal(written.image.id, result.imageId);
  assert.ok(written.largestFiles.some((f) => f.path === '/data' && f.size === 12345));
});
