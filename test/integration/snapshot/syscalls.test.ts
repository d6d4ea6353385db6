/**
 * util/syscalls.ts: mount, umount, a symlink's mtime to the nanosecond and whiteouts, made by
 * system calls in-process (koffi) and by the host tools, with the same results; and overlay
 * mounts whose absolute lowerdirs do not fit the kernel's one-page option limit.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Digest } from '../../../src/image/oci.js';
import { hostCalls, type HostCalls } from '../../../src/util/syscalls.js';
import { openSnapshotter } from '../../../src/snapshot/index.js';
import { mountPoints } from '../../../src/snapshot/store.js';
import { digestN, layerTar, releaseAfterTests } from './helpers.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) {
    for (const m of await mountPoints()) if (m.startsWith(d)) execFileSync('umount', ['-l', m]);
    await rm(d, { recursive: true, force: true });
  }
});

async function tempDir(name: string): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), `drydock-${name}-`));
  dirs.push(d);
  return d;
}

/** lower (one file), upper, work and merged dirs under a new temp dir. */
async function overlayDirs(): Promise<{ dir: string; data: string; merged: string }> {
  const dir = await tempDir('sys');
  for (const d of ['lower', 'upper', 'work', 'merged']) await mkdir(path.join(dir, d));
  await writeFile(path.join(dir, 'lower/f'), 'lower');
  return { dir, merged: path.join(dir, 'merged'), data: `lowerdir=${dir}/lower,upperdir=${dir}/upper,workdir=${dir}/work` };
}

for (const kind of ['ffi', 'tools'] as const) {
  const calls = (): HostCalls => hostCalls(kind);

  test(`${kind}: an overlay mounts, its writes land in the upperdir, and it unmounts`, async () => {
    assert.equal(calls().kind, kind);
    const { dir, data, merged } = await overlayDirs();
    await calls().mount('overlay', merged, data);
    assert.ok((await mountPoints()).has(merged));
    assert.equal(await readFile(path.join(merged, 'f'), 'utf8'), 'lower');
    await writeFile(path.join(merged, 'g'), 'upper');
    await calls().unmount(merged);
    assert.ok(!(await mountPoints()).has(merged));
    assert.deepEqual(await readdir(merged), []);
    assert.equal(await readFile(path.join(dir, 'upper/g'), 'utf8'), 'upper');
  });

  test(`${kind}: a busy mount does not unmount, a detaching unmount does; unmounting a plain dir fails`, async () => {
    const { data, merged } = await overlayDirs();
    await calls().mount('overlay', merged, data);
    const fd = openSync(path.join(merged, 'f'), 'r');
    try {
      await assert.rejects(calls().unmount(merged), kind === 'ffi' ? { code: 'EBUSY', path: merged } : /umount/);
      await calls().unmount(merged, { detach: true });
      assert.ok(!(await mountPoints()).has(merged));
    } finally {
      closeSync(fd);
    }
    await assert.rejects(calls().unmount(merged), kind === 'ffi' ? { code: 'EINVAL' } : /umount/);
  });

  test(`${kind}: a failed mount names the target and the cause`, async () => {
    const { dir, data } = await overlayDirs();
    const missing = path.join(dir, 'no-such-dir');
    await assert.rejects(calls().mount('overlay', missing, data), kind === 'ffi' ? { code: 'ENOENT', path: missing } : new RegExp(missing));
  });

  test(`${kind}: a symlink's own mtime is set to the nanosecond, also before 1970; its target's is not touched`, async () => {
    const dir = await tempDir('mtime');
    await writeFile(path.join(dir, 'target'), 't');
    await symlink('target', path.join(dir, 'link'));
    const before = (await stat(path.join(dir, 'target'), { bigint: true })).mtimeNs;
    for (const ns of [1_700_000_000_123_456_789n, -1_500_000_001n, 0n]) {
      await calls().setMtimeNs(path.join(dir, 'link'), ns);
      assert.equal((await lstat(path.join(dir, 'link'), { bigint: true })).mtimeNs, ns);
    }
    assert.equal((await stat(path.join(dir, 'target'), { bigint: true })).mtimeNs, before);
  });

  test(`${kind}: whiteouts are character devices 0/0 with mode 0666 less the umask`, async () => {
    const dir = await tempDir('wh');
    const paths = ['a', 'b c', 'd'].map((n) => path.join(dir, n));
    await calls().mknodWhiteouts(paths);
    for (const p of paths) {
      const st = await lstat(p);
      assert.ok(st.isCharacterDevice(), p);
      assert.equal(st.rdev, 0);
      assert.equal(st.mode & 0o777, 0o666 & ~process.umask());
    }
    await assert.rejects(calls().mknodWhiteouts([paths[0]!]), kind === 'ffi' ? { code: 'EEXIST' } : /mknod/);
  });
}

const live = releaseAfterTests();

test('with more layers than absolute lowerdirs fit in a page, the overlay mounts with relative ones', async () => {
  // A long store path: 40 layers' absolute lowerdirs are ~7 KiB, their relative `l/<id>` ones <1 KiB.
  const root = path.join(await tempDir('many'), 'r'.repeat(150));
  const s = await openSnapshotter(root, { driver: 'overlay' });
  const layers: Digest[] = [];
  for (let i = 1; i <= 40; i++) {
    const content = await tempDir('layer');
    await writeFile(path.join(content, `f${i}`), String(i));
    layers.push(digestN(i));
    await s.ensureLayer(digestN(i), () => layerTar(content));
  }
  const snap = live(await s.prepare(layers));
  assert.deepEqual((await readdir(snap.rootfs)).sort(), layers.map((_, i) => `f${i + 1}`).sort());
  await writeFile(path.join(snap.rootfs, 'new'), 'n');
  await snap.commit(digestN(41));
  const view = live(await s.view([...layers, digestN(41)]));
  assert.equal(await readFile(path.join(view.path, 'new'), 'utf8'), 'n');
  assert.equal(await readFile(path.join(view.path, 'f1'), 'utf8'), '1');
});
