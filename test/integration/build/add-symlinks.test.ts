/**
 * ADD of archives whose symlinks climb above the destination: Docker/BuildKit extract with the
 * destination as the chroot (chrootarchive.Untar), so a symlink is written as its text and `..`
 * cannot leave the destination; entries written through such a link land inside it (issue 14, item 2).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
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
