/**
 * Where a build's inputs can come from (docker build's conventions), and the copy snapshotter
 * giving the same image as overlay.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import type { Store } from '../../../src/store/index.js';
import { runDrydock } from '../../helpers/cli.js';
import { storeWith, contextDir, imageFiles } from './util.js';

const run = promisify(execFile);
let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });

const dockerfile = 'FROM busybox\nCOPY msg.txt /msg.txt\nRUN cat /msg.txt > /copy.txt\n';

test('a gzipped tar context on stdin', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile, 'msg.txt': 'from a tar\n' });
  const tgz = join(ctx, '..', `${ctx.split('/').pop()}.tgz`);
  await run('tar', ['-C', ctx, '-czf', tgz, '.']);
  const r = await runDrydock(['build', '-t', 'stdin:tar', '-'], { root, input: await readFile(tgz) });
  assert.equal(r.code, 0, r.stderr);
  const fs = await imageFiles(store, 'stdin:tar');
  try { assert.equal(await readFile(join(fs.dir, 'copy.txt'), 'utf8'), 'from a tar\n'); } finally { await fs.cleanup(); }
});

test('a Dockerfile on stdin with a directory context (-f -)', async () => {
  const ctx = await contextDir({ 'msg.txt': 'dir context\n' });
  const r = await runDrydock(['build', '-t', 'stdin:df', '-f', '-', ctx], { root, input: dockerfile });
  assert.equal(r.code, 0, r.stderr);
  const fs = await imageFiles(store, 'stdin:df');
  try { assert.equal(await readFile(join(fs.dir, 'copy.txt'), 'utf8'), 'dir context\n'); } finally { await fs.cleanup(); }
});

test('a Dockerfile alone on stdin has an empty context', async () => {
  const ok = await runDrydock(['build', '-t', 'stdin:only', '-'], { root, input: 'FROM busybox\nRUN echo no context > /n.txt\n' });
  assert.equal(ok.code, 0, ok.stderr);
  const bad = await runDrydock(['build', '-'], { root, input: dockerfile });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /msg\.txt.*not found/);
});

test('-q prints only the image ID; --iidfile and --metadata-file are written', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile, 'msg.txt': 'q\n' });
  const meta = join(ctx, 'meta.json');
  const iid = join(ctx, 'iid');
  const r = await runDrydock(['build', '-q', '--iidfile', iid, '--metadata-file', meta, ctx], { root });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.equal(r.stderr, '');
  assert.equal(await readFile(iid, 'utf8'), r.stdout.trim());
  const m = JSON.parse(await readFile(meta, 'utf8'));
  assert.equal(m['containerimage.config.digest'], r.stdout.trim());
  assert.match(m['containerimage.digest'], /^sha256:/);
});

test('the copy snapshotter builds the same image as overlay', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN mkdir -p /d/e && echo x > /d/e/f && rm /bin/vi\nRUN rm -rf /d && mkdir /d && echo y > /d/g\nCOPY msg.txt /d/\n', 'msg.txt': 'm\n' });
  const other = await storeWith('busybox');
  const overlay = await build({ context: ctx, root, snapshotter: 'overlay', sourceDateEpoch: 1 });
  const copy = await build({ context: ctx, root: other.root, snapshotter: 'copy', sourceDateEpoch: 1 });
  assert.equal(copy.manifestDigest, overlay.manifestDigest);
});
