import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import type { Store } from '../../../src/store/index.js';
import { storeWith, contextDir, imageFiles, executedSteps, stepIntervals } from './util.js';

let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });

const dockerfile = `
FROM busybox AS a
RUN echo built-a > /a.txt && sleep 2
FROM busybox AS b
RUN echo built-b > /b.txt && sleep 2
FROM busybox AS unused
RUN echo should-not-run && exit 1
FROM busybox AS final
WORKDIR /app
COPY hello.txt .
COPY --from=a /a.txt /from-a.txt
COPY --from=b /b.txt /from-b.txt
RUN cat /from-a.txt /from-b.txt hello.txt > /app/all.txt
`;

test('multi-stage: only needed stages run, independent stages overlap, result has the copies', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile, 'hello.txt': 'hello\n' });
  const r = await build({ context: ctx, root, tags: ['ms:latest'] });
  const ran = executedSteps(r.events);
  assert.ok(!ran.some((s) => s.startsWith('unused')), `unused stage ran: ${ran.join(', ')}`);
  assert.ok(!r.events.some((e) => e.type === 'stage-start' && e.name === 'unused'));
  // the two builder RUNs ran at the same time (their intervals overlap)
  const iv = stepIntervals(r.events);
  const a = iv.get('RUN echo built-a > /a.txt && sleep 2')!;
  const b = iv.get('RUN echo built-b > /b.txt && sleep 2')!;
  assert.ok(a && b, 'both builder steps reported');
  assert.ok(a[0] < b[1] && b[0] < a[1], `intervals do not overlap: a=${a} b=${b}`);

  const fs = await imageFiles(store, 'ms:latest');
  try {
    assert.equal(await readFile(join(fs.dir, 'app/all.txt'), 'utf8'), 'built-a\nbuilt-b\nhello\n');
    assert.equal(fs.config.config?.WorkingDir, '/app');
    assert.equal(fs.config.rootfs.diff_ids.length, 1 + 5);
    // the builder stages' files are not in the final image
    await assert.rejects(stat(join(fs.dir, 'a.txt')));
  } finally { await fs.cleanup(); }
  // size report: both builders left behind, the final stage is the image
  const names = r.report.stages.map((s) => [s.name, s.inImage]);
  assert.deepEqual(names, [['a', false], ['b', false], ['final', true]]);
  assert.equal(r.report.image?.layers, 6);
});

test('--target builds the chosen stage and only what it needs', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile, 'hello.txt': 'hello\n' });
  const r = await build({ context: ctx, root, tags: ['ms:a'], target: 'a' });
  assert.deepEqual(r.report.stages.map((s) => s.name), ['a']);
  const fs = await imageFiles(store, 'ms:a');
  try {
    assert.equal(await readFile(join(fs.dir, 'a.txt'), 'utf8'), 'built-a\n');
  } finally { await fs.cleanup(); }
});

test('COPY --from by stage index, FROM a previous stage, and an image as --from source', async () => {
  const ctx = await contextDir({ Dockerfile: `
FROM busybox
RUN echo zero > /zero.txt
FROM 0 AS nope
FROM busybox AS second
RUN echo two > /two.txt
FROM second
COPY --from=0 /zero.txt /copied-zero.txt
COPY --from=busybox:latest /bin/busybox /bb-copy
RUN cat /two.txt /copied-zero.txt
` });
  // "FROM 0" is an image reference named "0", not a stage: unknown image → but that stage is unused.
  const r = await build({ context: ctx, root, tags: ['ms:idx'] });
  assert.ok(!r.report.stages.some((s) => s.name === 'nope'));
  const fs = await imageFiles(store, 'ms:idx');
  try {
    assert.equal(await readFile(join(fs.dir, 'copied-zero.txt'), 'utf8'), 'zero\n');
    assert.equal(await readFile(join(fs.dir, 'two.txt'), 'utf8'), 'two\n');
    assert.equal((await stat(join(fs.dir, 'bb-copy'))).size, (await stat(join(fs.dir, 'bin/busybox'))).size);
  } finally { await fs.cleanup(); }
});
