import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openSnapshotter, type SnapshotDriver, type Snapshotter } from '../../../src/snapshot/index.js';
import { fillBusyboxRootfs, requireTool } from '../exec/busybox.js';
import { releaseAfterTests, bytesOf, digestN, layerTar, readEntries, sh, type Entry } from './helpers.js';

const EPOCH = 1000;
const BASE = digestN(1);
const LONG = `long/${'x'.repeat(60)}/${'y'.repeat(60)}/file-é`;
let baseDir: string;

// Released after the file's tests too, so a failed assertion leaves no overlay mounted.
const live = releaseAfterTests();

before(async () => {
  for (const t of ['getfattr', 'setfattr', 'tar', 'mount']) requireTool(t);
  baseDir = await mkdtemp(path.join(os.tmpdir(), 'drydock-base-'));
  await fillBusyboxRootfs(baseDir);
  sh(baseDir, 'mkdir -p d/sub gone; echo a > d/a; ln d/a d/a2; echo b > d/sub/b; echo x > gone/x; echo m > mod; echo c > chm; echo v > xa');
});

async function open(driver: SnapshotDriver): Promise<Snapshotter> {
  const root = await mkdtemp(path.join(os.tmpdir(), `drydock-snap-${driver}-`));
  const s = await openSnapshotter(root, { driver });
  assert.equal(s.driver, driver);
  await s.ensureLayer(BASE, () => layerTar(baseDir));
  return s;
}

// The changes every test makes: add, modify, delete, rm -rf + recreate, chmod only, xattr only,
// hard link, symlink, device, chown, long non-ASCII name.
const CHANGES = [
  'echo new > newfile', 'echo more >> mod', 'chmod 600 chm', 'rm -rf gone', 'rm -rf d/sub', 'mkdir d/sub',
  'echo c > d/sub/c', 'rm bin/ls', 'ln -s /x sym', 'setfattr -n user.k -v v newfile', 'setfattr -n security.capability -v 0x0100000200200000000000000000000000000000 xa',
  'ln newfile hl', 'mknod null c 1 3', 'echo o > own', 'chown 1000:50 own', `mkdir -p ${path.dirname(LONG)}`, `echo l > '${LONG}'`,
].join('; ');

function f(name: string, extra: Partial<Entry> = {}): Entry {
  return { name, type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: EPOCH, ...extra };
}
function dir(name: string, extra: Partial<Entry> = {}): Entry {
  return { name, type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: EPOCH, ...extra };
}
const marker = (name: string): Entry => ({ name, type: 'file', mode: 0, uid: 0, gid: 0, mtime: 0 });

const EXPECTED: Entry[] = [
  dir('bin/'),
  marker('bin/.wh.ls'),
  f('chm', { mode: 0o600, content: 'c\n' }),
  dir('d/'),
  dir('d/sub/'),
  // the opaque marker carries its directory's mode, owner and time (as BuildKit's layers)
  { ...marker('d/sub/.wh..wh..opq'), mode: 0o755, mtime: EPOCH },
  f('d/sub/c', { content: 'c\n' }),
  marker('.wh.gone'),
  // user.* xattrs stay on the snapshot, not in the layer (only security.capability goes in, as Docker's writers)
  f('hl', { content: 'new\n' }),
  dir('long/'),
  dir(`long/${'x'.repeat(60)}/`),
  dir(`long/${'x'.repeat(60)}/${'y'.repeat(60)}/`),
  f(LONG, { content: 'l\n' }),
  f('mod', { content: 'm\nmore\n' }),
  { ...f('newfile', { type: 'link', linkname: 'hl' }) },
  { name: 'null', type: 'character-device', mode: 0o644, uid: 0, gid: 0, mtime: EPOCH, dev: [1, 3] },
  f('own', { uid: 1000, gid: 50, content: 'o\n' }),
  { name: 'sym', type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtime: EPOCH, linkname: '/x' },
  f('xa', { content: 'v\n', xattrs: { 'security.capability': Buffer.from('0100000200200000000000000000000000000000', 'hex').toString('latin1') } }),
];

for (const driver of ['overlay', 'fuse-overlayfs', 'copy'] as const) {
  test(`${driver}: add, modify, delete, opaque, chmod, xattr, links, device → exact diff entries`, async () => {
    const s = await open(driver);
    const a = live(await s.prepare([BASE]));
    sh(a.rootfs, CHANGES);
    const entries = await readEntries(a.diff({ sourceDateEpoch: EPOCH }));
    // umask may differ: the mknod'd node's mode comes from it, so take it as it is
    const nul = entries.find((e) => e.name === 'null');
    const expected = EXPECTED.map((e) => (e.name === 'null' && nul ? { ...e, mode: nul.mode } : e));
    assert.deepEqual(entries, expected);
    await a.release();
  });

  test(`${driver}: nothing changed → an empty layer`, async () => {
    const s = await open(driver);
    const a = live(await s.prepare([BASE]));
    sh(a.rootfs, 'cat mod > /dev/null; ls d');
    assert.deepEqual(await readEntries(a.diff()), []);
    assert.equal((await bytesOf(a.diff())).length, 1024);
    await a.release();
  });

  test(`${driver}: commit, then prepare on top sees the changes; whiteouts hide lower files`, async () => {
    const s = await open(driver);
    const a = live(await s.prepare([BASE]));
    sh(a.rootfs, CHANGES);
    const top = digestN(2);
    await a.commit(top);
    await a.release();
    assert.equal(await s.hasLayer(top), true);
    const b = live(await s.prepare([BASE, top]));
    assert.equal(await readFile(path.join(b.rootfs, 'mod'), 'utf8'), 'm\nmore\n');
    assert.equal(existsSync(path.join(b.rootfs, 'gone')), false);
    assert.equal(existsSync(path.join(b.rootfs, 'bin/ls')), false);
    assert.equal(existsSync(path.join(b.rootfs, 'bin/sh')), true);
    assert.deepEqual(await readdir(path.join(b.rootfs, 'd/sub')), ['c']);
    assert.deepEqual((await readdir(path.join(b.rootfs, 'd'))).sort(), ['a', 'a2', 'sub']);
    assert.equal(await readFile(path.join(b.rootfs, LONG), 'utf8'), 'l\n');
    // Nothing changed on top of the committed layer: the diff is empty, so the commit left nothing behind.
    assert.deepEqual(await readEntries(b.diff()), []);
    await b.release();
    const v = live(await s.view([BASE, top]));
    assert.equal(existsSync(path.join(v.path, 'gone/x')), false);
    assert.equal(await readFile(path.join(v.path, 'hl'), 'utf8'), 'new\n');
    await v.release();
    assert.equal(existsSync(v.path), false);
  });

  test(`${driver}: OCI whiteouts and opaque markers in a pulled layer`, async () => {
    const s = await open(driver);
    const layer = await mkdtemp(path.join(os.tmpdir(), 'drydock-wh-'));
    sh(layer, 'mkdir -p d/sub; touch .wh.mod d/.wh.a d/sub/.wh..wh..opq; echo fresh > d/sub/new');
    const l2 = digestN(3);
    await s.ensureLayer(l2, () => layerTar(layer));
    const v = live(await s.view([BASE, l2]));
    assert.equal(existsSync(path.join(v.path, 'mod')), false);
    assert.deepEqual((await readdir(path.join(v.path, 'd'))).sort(), ['a2', 'sub']);
    assert.deepEqual(await readdir(path.join(v.path, 'd/sub')), ['new']);
    await v.release();
    // And a change on top of it only shows what changed on top.
    const a = live(await s.prepare([BASE, l2]));
    sh(a.rootfs, 'echo again > mod');
    assert.deepEqual((await readEntries(a.diff())).map((e) => e.name), ['mod']);
    await a.release();
  });

  test(`${driver}: ensureLayer is idempotent and safe when called concurrently`, async () => {
    const s = await open(driver);
    const id = digestN(4);
    let opened = 0;
    const openTar = () => {
      opened++;
      return layerTar(baseDir);
    };
    await Promise.all([s.ensureLayer(id, openTar), s.ensureLayer(id, openTar), s.ensureLayer(id, openTar)]);
    await s.ensureLayer(id, openTar);
    assert.equal(opened, 1);
    assert.equal(await s.hasLayer(id), true);
    await s.prune(new Set([BASE]));
    assert.equal(await s.hasLayer(id), false);
    assert.equal(await s.hasLayer(BASE), true);
  });
}

test('every driver gives the same bytes for the same changes, and the same changes give the same bytes', async () => {
  const digests: string[] = [];
  for (const driver of ['overlay', 'copy', 'fuse-overlayfs', 'overlay', 'copy', 'fuse-overlayfs'] as const) {
    const s = await open(driver);
    const a = live(await s.prepare([BASE]));
    sh(a.rootfs, CHANGES);
    const { createHash } = await import('node:crypto');
    digests.push(createHash('sha256').update(await bytesOf(a.diff({ sourceDateEpoch: EPOCH }))).digest('hex'));
    await a.release();
  }
  assert.equal(new Set(digests).size, 1, digests.join(' '));
});

test('overlay: a layer committed without its diff gives, later, the tar diff() gave; prune keeps its parents and its alias', async () => {
  const s = await open('overlay');
  const { createHash } = await import('node:crypto');
  const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}` as const;
  // The same changes, once diffed before the commit, once committed without a diff.
  const eager = live(await s.prepare([BASE]));
  sh(eager.rootfs, CHANGES);
  const expected = await bytesOf(eager.diff({ sourceDateEpoch: EPOCH }));
  await eager.release();
  const a = live(await s.prepare([BASE]));
  sh(a.rootfs, CHANGES);
  const L1 = digestN(11);
  const { size } = await a.commitUndiffed!(L1, { sourceDateEpoch: EPOCH });
  await a.release();
  // Content bytes: newfile 4 (hl is the same inode: counted once), mod 7, chm, d/sub/c, xa, own and the long name 2 each.
  assert.equal(size, 21);
  assert.equal(sha(await bytesOf(s.layerTar(L1))), sha(expected));
  // A second such layer on top: its tar is its own changes against both below.
  const b = live(await s.prepare([BASE, L1]));
  sh(b.rootfs, 'echo again > mod; rm newfile');
  const L2 = digestN(12);
  await b.commitUndiffed!(L2, {});
  await b.release();
  assert.deepEqual((await readEntries(s.layerTar(L2))).map((e) => e.name), ['mod', '.wh.newfile']);
  // Named by its tar's digest too; keeping that name keeps the layer, and each kept layer keeps its parents.
  const real = sha(await bytesOf(s.layerTar(L2)));
  await s.alias(real, L2);
  assert.equal(await s.hasLayer(real), true);
  await s.prune(new Set([real]));
  for (const id of [BASE, L1, L2, real]) assert.equal(await s.hasLayer(id), true, id);
  assert.equal(sha(await bytesOf(s.layerTar(real))), real);
  const v = live(await s.view([BASE, L1, real]));
  assert.equal(await readFile(path.join(v.path, 'mod'), 'utf8'), 'again\n');
  assert.equal(existsSync(path.join(v.path, 'newfile')), false);
  await v.release();
  await s.prune(new Set([BASE]));
  for (const id of [L1, L2, real]) assert.equal(await s.hasLayer(id), false, id);
});

test('a killed process leaves no mount or half-unpacked layer behind the next open', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'drydock-crash-'));
  const s = await openSnapshotter(root, { driver: 'overlay' });
  await s.ensureLayer(BASE, () => layerTar(baseDir));
  const a = live(await s.prepare([BASE]));
  // Pretend its owner died: a pid that cannot be alive.
  const activeDir = path.dirname(a.rootfs);
  await writeFile(path.join(activeDir, 'owner.json'), JSON.stringify({ pid: 2 ** 22 + 1, layers: [BASE] }));
  const tmp = path.join(root, 'snapshots/tmp', `${2 ** 22 + 1}-abc`);
  await mkdir(path.join(tmp, 'fs'), { recursive: true });
  await openSnapshotter(root, { driver: 'overlay' });
  assert.equal(existsSync(activeDir), false);
  assert.equal(existsSync(tmp), false);
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  assert.equal(mounts.includes(a.rootfs), false);
  await rm(root, { recursive: true, force: true });
});

test('auto picks overlay on this host', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'drydock-auto-'));
  assert.equal((await openSnapshotter(root)).driver, 'overlay');
});

test('a step snapshot is mounted volatile (no syncfs on unmount), a view is read-only overlay', async () => {
  const s = await open('overlay');
  const options = async (mnt: string) => {
    const line = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').find((l) => l.split(' ')[4] === mnt);
    assert.ok(line, `${mnt} is not mounted`);
    // Newer kernels show it as fsync=volatile.
    return line.split(' - ')[1]!.split(' ')[2]!.split(',').map((o) => (o === 'fsync=volatile' ? 'volatile' : o));
  };
  const a = live(await s.prepare([BASE]));
  assert.ok((await options(a.rootfs)).includes('volatile'));
  const v = await s.view([BASE]);
  try {
    assert.ok(!(await options(v.path)).includes('volatile'));
  } finally {
    await v.release();
  }
});
