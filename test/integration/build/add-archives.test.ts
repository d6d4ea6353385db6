/**
 * ADD of local archives, through the one extractor (src/archive): symlinks that climb above the
 * destination (Docker/BuildKit extract with the destination as the chroot, chrootarchive.Untar,
 * so a symlink is written as its text and `..` cannot leave the destination; entries written
 * through such a link land inside it: issue 14, item 2), xattrs such as security.capability
 * (kept, as moby does), and sparse files in GNU's and PAX's formats (issue 15, part 1).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream } from 'node:fs';
import { extractTar } from '../../../src/archive/index.js';
import { execFileSync } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { readFile, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { runDrydock } from '../../helpers/cli.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { contextDir, imageFiles, storeWith } from './util.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

type Entry = { name: string; type: 'file' | 'symlink' | 'directory'; linkname?: string; content?: string };

async function writeTar(file: string, entries: Entry[]): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, createWriteStream(file));
  for (const e of entries) {
    pack.entry({ name: e.name, type: e.type, linkname: e.linkname, mode: e.type === 'directory' ? 0o755 : 0o644, mtime: new Date(0) }, e.content ?? '');
  }
  pack.finalize();
  await done;
}

test('ADD keeps archive symlinks that climb above the destination, and writes through them stay inside it', async () => {
  const { root, store } = await storeWith('busybox');
  const ctx = await contextDir({
    Dockerfile: 'FROM busybox\nADD top.tar /\nADD pkg.tar /opt/\nRUN readlink /symlink > /seen && cat /opt/pkg/up | head -1 > /via-link\n',
  });
  dirs.push(ctx);
  await writeTar(join(ctx, 'top.tar'), [
    { name: 'symlink', type: 'symlink', linkname: '../tmp/target' },
    { name: 'tmp/target', type: 'file', content: 'target\n' },
  ]);
  await writeTar(join(ctx, 'pkg.tar'), [
    { name: 'pkg/', type: 'directory' },
    { name: 'pkg/up', type: 'symlink', linkname: '../../../etc/passwd' },
    { name: 'pkg/escape', type: 'symlink', linkname: '../../..' },
    // written through pkg/escape: the chroot is /opt, so this is /opt/owned, never /owned
    { name: 'pkg/escape/owned', type: 'file', content: 'inside\n' },
  ]);
  const r = await runDrydock(['build', '-q', '-t', 'add-links:1', ctx], { root });
  assert.equal(r.code, 0, r.stderr);
  const img = await imageFiles(store, 'add-links:1');
  try {
    assert.equal(await readlink(join(img.dir, 'symlink')), '../tmp/target');
    assert.equal(await readlink(join(img.dir, 'opt/pkg/up')), '../../../etc/passwd');
    assert.equal(await readlink(join(img.dir, 'opt/pkg/escape')), '../../..');
    assert.equal(await readFile(join(img.dir, 'opt/owned'), 'utf8'), 'inside\n');
    await assert.rejects(readFile(join(img.dir, 'owned')), { code: 'ENOENT' });
    // In the container the links resolve like any others: /opt/pkg/up is /etc/passwd.
    assert.equal(await readFile(join(img.dir, 'seen'), 'utf8'), '../tmp/target\n');
    assert.equal(await readFile(join(img.dir, 'via-link'), 'utf8'), 'root:x:0:0:root:/root:/bin/sh\n');
  } finally {
    await img.cleanup();
  }
});

test('ADD extracts the xattrs of archive entries; the layer keeps security.capability, as Docker\'s layer writers', async () => {
  const { root, store } = await storeWith('busybox');
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nADD caps.tar /opt/\n' });
  dirs.push(ctx);
  const tree = join(ctx, 'tree');
  await mkdir(join(tree, 'bin'), { recursive: true });
  await writeFile(join(tree, 'bin/pinger'), 'cap\n', { mode: 0o755 });
  // cap_net_raw+ep (VFS_CAP_REVISION_2): a binary value, which a UTF-8 PAX reader would mangle
  execFileSync('setfattr', ['-n', 'security.capability', '-v', '0x0100000200200000000000000000000000000000', join(tree, 'bin/pinger')]);
  execFileSync('setfattr', ['-n', 'user.origin', '-v', 'archive', join(tree, 'bin/pinger')]);
  execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--numeric-owner', '-C', tree, '-cf', join(ctx, 'caps.tar'), 'bin']);
  const r = await runDrydock(['build', '-q', '-t', 'add-caps:1', ctx], { root });
  assert.equal(r.code, 0, r.stderr);
  const img = await imageFiles(store, 'add-caps:1');
  try {
    const dump = execFileSync('getfattr', ['-d', '-m', '-', '-e', 'hex', join(img.dir, 'opt/bin/pinger')]).toString();
    assert.match(dump, /security\.capability=0x0100000200200000000000000000000000000000/);
    // containerd's and moby's layer writers record security.capability alone (conformance case copy-xattrs-context)
    assert.doesNotMatch(dump, /user\.origin/);
  } finally {
    await img.cleanup();
  }
  // The extractor itself keeps every xattr of the archive (what a later RUN of the stage sees).
  const out = join(ctx, 'extracted');
  await extractTar(createReadStream(join(ctx, 'caps.tar')), out);
  const all = execFileSync('getfattr', ['-d', '-m', '-', '-e', 'hex', join(out, 'bin/pinger')]).toString();
  assert.match(all, /security\.capability=0x0100000200200000000000000000000000000000/);
  assert.match(all, /user\.origin=0x61726368697665/);
});

for (const format of ['gnu', 'posix'] as const) {
  test(`ADD extracts a sparse file from a ${format} archive with its holes and content`, async () => {
    const { root, store } = await storeWith('busybox');
    const ctx = await contextDir({ Dockerfile: 'FROM busybox\nADD sparse.tar /s/\nRUN od -An -c -j 5242880 -N 5 /s/disk.img > /s/middle && wc -c < /s/disk.img > /s/size\n' });
    dirs.push(ctx);
    const tree = join(ctx, 'tree');
    await mkdir(tree);
    // 64 MiB: data at the start, at 5 MiB and at the end; holes between.
    execFileSync('sh', ['-c', 'printf head > disk.img && printf hello | dd of=disk.img bs=1 seek=5242880 conv=notrunc 2>/dev/null && truncate -s 67108860 disk.img && printf tail >> disk.img'], { cwd: tree });
    execFileSync('tar', [`--format=${format}`, '--sparse', '-C', tree, '-cf', join(ctx, 'sparse.tar'), 'disk.img']);
    const listing = execFileSync('tar', ['-tvf', join(ctx, 'sparse.tar')]).toString();
    assert.match(listing, /disk\.img/);
    const r = await runDrydock(['build', '-q', '-t', `add-sparse:${format}`, ctx], { root });
    assert.equal(r.code, 0, r.stderr);
    const img = await imageFiles(store, `add-sparse:${format}`);
    try {
      const p = join(img.dir, 's/disk.img');
      const st = await stat(p);
      assert.equal(st.size, 67108864);
      assert.equal((await readFile(join(img.dir, 's/size'), 'utf8')).trim(), '67108864');
      assert.match(await readFile(join(img.dir, 's/middle'), 'utf8'), /h\s+e\s+l\s+l\s+o/);
      const fd = await readFile(p);
      assert.equal(fd.subarray(0, 4).toString(), 'head');
      assert.equal(fd.subarray(-4).toString(), 'tail');
      assert.ok(fd.subarray(4, 5242880).every((b) => b === 0));
    } finally {
      await img.cleanup();
    }
  });
}
