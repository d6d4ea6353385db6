/**
 * A full disk (issue 15, part 6): a RUN that fills it, and ENOSPC while committing a layer,
 * pulling, loading, exporting an image and exporting the cache. Each fails with one line (naming
 * the Dockerfile line when a step was running), leaves nothing half-written (fsck: no stale temp
 * files, every reference whole), and the next build works once space is freed. The store is a
 * small tmpfs, so "full" costs a few megabytes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDrydock, type RunResult } from '../../helpers/cli.js';
import { fixtureImage, seedRegistry } from '../../helpers/fixtures.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { openStore } from '../../../src/store/index.js';

let mnt: string;
let registry: RegistryFixture;
let busyboxRef: string;

before(async () => {
  mnt = await mkdtemp(join(tmpdir(), 'drydock-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mnt]);
  registry = await startRegistry();
  busyboxRef = (await seedRegistry(registry, ['busybox'])).busybox;
});
after(async () => {
  await registry?.stop();
  if (mnt) {
    execFileSync('umount', ['-l', mnt]);
    await rm(mnt, { recursive: true, force: true });
  }
});

/** A store with busybox on the tmpfs, and a context for the Dockerfile given. */
async function setup(name: string, dockerfile: string): Promise<{ root: string; ctx: string }> {
  const root = join(mnt, name, 'store');
  await fixtureImage(await openStore(root), 'busybox', 'busybox:latest');
  const ctx = join(mnt, name, 'ctx');
  await mkdir(ctx, { recursive: true });
  await writeFile(join(ctx, 'Dockerfile'), dockerfile);
  return { root, ctx };
}

/** Fills the tmpfs but for `leave` bytes; returns a function that frees the space again. */
async function fill(leave: number): Promise<() => Promise<void>> {
  const file = join(mnt, 'filler');
  const free = Number(execFileSync('df', ['-B1', '--output=avail', mnt]).toString().split('\n')[1]);
  execFileSync('fallocate', ['-l', String(Math.max(0, free - leave)), file]);
  return () => rm(file, { force: true });
}

function oneLine(r: RunResult, pattern: RegExp): void {
  assert.notEqual(r.code, 0, 'the command should have failed');
  const lines = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('#') && !l.startsWith('{'));
  assert.equal(lines.length, 1, `one line of error:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /internal error|^\s+at /m);
}

async function fsckClean(root: string): Promise<void> {
  const r = await runDrydock(['fsck'], { root });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /stale|dangling|corrupt/, r.stdout + r.stderr);
  assert.deepEqual(await readdir(join(root, 'tmp')).catch(() => []), [], 'nothing left in the store tmp/');
}

test('a RUN that fills the disk fails its step on one line; the store is clean and the next build works', async () => {
  const { root, ctx } = await setup('run', 'FROM busybox\nRUN echo a > /a\nRUN dd if=/dev/zero of=/big bs=1M count=200\n');
  const r = await runDrydock(['build', '--progress=plain', ctx], { root });
  oneLine(r, /^error: Dockerfile:3: process .*dd if=\/dev\/zero.* did not complete successfully/);
  assert.match(r.stderr, /No space left on device/);
  await fsckClean(root);
  await writeFile(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo a > /a\nRUN dd if=/dev/zero of=/big bs=1M count=4\n');
  const again = await runDrydock(['build', '-q', ctx], { root });
  assert.equal(again.code, 0, again.stderr);
  await rm(join(mnt, 'run'), { recursive: true });
});

test('ENOSPC while committing a layer: one line naming the step, nothing half-written', async () => {
  // 30 MB of random bytes fit in the snapshot, not again as the layer blob beside it.
  const { root, ctx } = await setup('commit', 'FROM busybox\nRUN head -c 30000000 /dev/urandom > /big\n');
  const r = await runDrydock(['build', '--progress=plain', ctx], { root });
  oneLine(r, /^error: Dockerfile:2: no space left on device/);
  await fsckClean(root);
  await writeFile(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN head -c 3000000 /dev/urandom > /big\n');
  const again = await runDrydock(['build', '-q', ctx], { root });
  assert.equal(again.code, 0, again.stderr);
  await rm(join(mnt, 'commit'), { recursive: true });
});

test('ENOSPC while exporting an image, the cache and a saved archive: one line, no partial file, store clean', async () => {
  const { root, ctx } = await setup('export', 'FROM busybox\nRUN head -c 6000000 /dev/urandom > /big\n');
  const built = await runDrydock(['build', '-q', '-t', 'big:1', ctx], { root });
  assert.equal(built.code, 0, built.stderr);
  const out = join(mnt, 'export', 'out');
  await mkdir(out);
  const free = await fill(2_000_000);
  try {
    oneLine(await runDrydock(['build', '-q', '-o', `type=docker,dest=${join(out, 'img.tar')}`, ctx], { root }), /no space left on device/i);
    oneLine(await runDrydock(['build', '-q', '--cache-to', `type=local,dest=${join(out, 'cache')},mode=max`, ctx], { root }), /no space left on device/i);
    oneLine(await runDrydock(['save', '-o', join(out, 'saved.tar'), 'big:1'], { root }), /no space left on device/i);
    assert.deepEqual(await readdir(out), [], 'no partial output left');
    await fsckClean(root); // fsck runs on a full disk too
  } finally {
    await free();
  }
  const again = await runDrydock(['build', '-q', '-o', `type=docker,dest=${join(out, 'img.tar')}`, ctx], { root });
  assert.equal(again.code, 0, again.stderr);
  await rm(join(mnt, 'export'), { recursive: true });
});

test('ENOSPC while loading and while pulling: one line, store clean, and both work once there is room', async () => {
  const src = await setup('load-src', 'FROM busybox\nRUN head -c 6000000 /dev/urandom > /big\n');
  assert.equal((await runDrydock(['build', '-q', '-t', 'big:1', src.ctx], { root: src.root })).code, 0);
  const archive = join(mnt, 'load-src', 'big.tar');
  assert.equal((await runDrydock(['save', '-o', archive, 'big:1'], { root: src.root })).code, 0);
  await rm(src.root, { recursive: true });
  const root = join(mnt, 'load', 'store');
  await mkdir(root, { recursive: true });
  const free = await fill(3_000_000);
  try {
    oneLine(await runDrydock(['load', '-i', archive], { root }), /no space left on device/i);
    await fsckClean(root);
    oneLine(await runDrydock(['pull', busyboxRef], { root }), /no space left on device/i);
    await fsckClean(root);
  } finally {
    await free();
  }
  const loaded = await runDrydock(['load', '-i', archive], { root });
  assert.equal(loaded.code, 0, loaded.stderr);
  const pulled = await runDrydock(['pull', busyboxRef], { root });
  assert.equal(pulled.code, 0, pulled.stderr);
  await fsckClean(root);
  await rm(join(mnt, 'load'), { recursive: true });
  await rm(join(mnt, 'load-src'), { recursive: true });
});
