import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile, truncate, readdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runDrydock } from '../../helpers/cli.js';
import { makeRootfs, tempDir, tool } from './fixtures.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function fixture() {
  const dir = await tempDir('errors');
  dirs.push(dir);
  const store = join(dir, 'store');
  const rootfs = await makeRootfs(dir);
  const r = await runDrydock(['import', rootfs, 'app:1'], { root: store });
  assert.equal(r.code, 0, r.stderr);
  return { dir, store, rootfs };
}

/** One line on stderr, non-zero exit, and the store still passes fsck. */
async function failsCleanly(args: string[], root: string, pattern: RegExp, input?: Buffer): Promise<void> {
  const r = await runDrydock(args, { root, input });
  assert.notEqual(r.code, 0, `expected failure: ${args.join(' ')}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /internal error/);
  const fsck = await runDrydock(['fsck'], { root });
  assert.equal(fsck.code, 0, fsck.stdout);
}

test('unknown images', async () => {
  const { store } = await fixture();
  for (const verb of [['inspect', 'nope'], ['rm', 'nope:2'], ['save', '-o', '/dev/null', 'nope'], ['tag', 'nope', 'x']]) {
    await failsCleanly(verb, store, /No such image: nope/);
  }
  await failsCleanly(['tag', 'app:1', 'Bad/Name'], store, /must be lowercase/);
});

test('not an archive, truncated archive, digest mismatch', async () => {
  const { dir, store } = await fixture();
  await writeFile(join(dir, 'junk'), randomBytes(4096));
  await failsCleanly(['load', '-i', join(dir, 'junk')], store, /not a tar archive/);
  const notImage = join(dir, 'plain.tar');
  execFileSync('tar', ['-cf', notImage, '-C', dir, 'junk']);
  await failsCleanly(['load', '-i', notImage], store, /not a docker or OCI image archive/);

  const good = join(dir, 'good.tar');
  assert.equal((await runDrydock(['save', '-o', good, 'app:1'], { root: store })).code, 0);
  const cut = join(dir, 'cut.tar');
  await writeFile(cut, (await readFile(good)).subarray(0, 600 * 1024));
  const fresh = join(dir, 'fresh');
  await failsCleanly(['load', '-i', cut], fresh, /truncated/);
  assert.equal((await runDrydock(['images', '-q'], { root: fresh })).stdout, '');

  // flip a byte inside the layer blob: its name no longer matches its content
  const x = join(dir, 'x');
  await mkdir(x);
  execFileSync('tar', ['-xf', good, '-C', x]);
  const manifest = JSON.parse(await readFile(join(x, 'manifest.json'), 'utf8'));
  const layer = join(x, manifest[0].Layers[0]);
  const bytes = await readFile(layer);
  bytes[bytes.length >> 1] ^= 0xff;
  await writeFile(layer, bytes);
  const bad = join(dir, 'bad.tar');
  execFileSync('tar', ['-cf', bad, '-C', x, '.']);
  await failsCleanly(['load', '-i', bad], fresh, /digest mismatch|corrupt gzip/);
});

test('disk full while writing: one line, store consistent', async (t) => {
  const { dir, rootfs } = await fixture();
  const mnt = join(dir, 'tmpfs');
  await mkdir(mnt);
  await tool('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
  t.after(() => tool('umount', [mnt]));
  const big = join(dir, 'big');
  await mkdir(big);
  await writeFile(join(big, 'random'), randomBytes(3 << 20));
  await failsCleanly(['import', big, 'big:1'], mnt, /no space left on device/);
  assert.deepEqual(await readdir(join(mnt, 'tmp')), []);
  assert.equal((await runDrydock(['images', '-q'], { root: mnt })).stdout, '');
  // a small image still fits afterwards
  await truncate(join(big, 'random'), 1000);
  const r = await runDrydock(['import', big, 'small:1'], { root: mnt });
  assert.equal(r.code, 0, r.stderr);
  void rootfs;
});
