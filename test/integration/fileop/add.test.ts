import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { link, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import tar from 'tar-stream';
import { copyInto, fetchURL, isArchive } from '../../../src/fileop/index.js';
import { describe, makeTree, withRoots, withTemp, T0 } from '../../unit/fileop/trees.js';

function need(tool: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${tool} is required for this test (scripts/setup.sh --test installs it)`);
  }
}

async function makeArchiveTree(dir: string): Promise<void> {
  await makeTree(dir, {
    'top/': { mode: 0o750 },
    'top/file.txt': { content: 'hello', mode: 0o640, uid: 1234, gid: 5678, mtime: T0 },
    'top/link': { link: 'file.txt' },
    'top/.wh.gone': 'whiteout stays a file',
  });
  await link(`${dir}/top/file.txt`, `${dir}/top/hard`);
  await makeTree(dir, { 'top/': { mtime: T0 + 10 } });
}

const compressions: Array<{ name: string; tool?: string; ext: string }> = [
  { name: 'tar', ext: 'tar' },
  { name: 'gzip', tool: 'gzip', ext: 'tar.gz' },
  { name: 'bzip2', tool: 'bzip2', ext: 'tar.bz2' },
  { name: 'xz', tool: 'xz', ext: 'tar.xz' },
  { name: 'zstd', tool: 'zstd', ext: 'tar.zst' },
];

for (const c of compressions) {
  test(`ADD extracts a local ${c.name} archive with owners, modes, links and times from the archive`, () =>
    withRoots(async (src, dst) => {
      need('tar');
      if (c.tool) need(c.tool);
      await withTemp(async (tree) => {
        await makeArchiveTree(tree);
        execFileSync('tar', ['--numeric-owner', '-C', tree, '-cf', `${src}/a.tar`, 'top']);
      });
      // a misleading name: Docker sniffs content, not extensions
      const name = `archive.bin`;
      if (c.tool) execFileSync('sh', ['-c', `${c.tool} -c < a.tar > ${name}`], { cwd: src });
      else execFileSync('cp', ['a.tar', name], { cwd: src });
      await copyInto({ srcRoot: src, sources: [name], dest: '/x', destRoot: dst, isAdd: true });
      const t = await describe(`${dst}/x`);
      assert.deepEqual(Object.keys(t).sort(), ['top', 'top/.wh.gone', 'top/file.txt', 'top/hard', 'top/link']);
      assert.equal(t['top/file.txt']!.content, 'hello');
      assert.equal(t['top/file.txt']!.mode, '0640');
      assert.equal(t['top/file.txt']!.owner, '1234:5678');
      assert.equal(t['top/file.txt']!.mtime, T0);
      assert.equal(t['top/hard']!.ino, t['top/file.txt']!.ino);
      assert.equal(t['top/link']!.target, 'file.txt');
      assert.equal(t['top']!.mode, '0750');
      assert.equal(t['top']!.mtime, T0 + 10);
      assert.equal(t['top/.wh.gone']!.content, 'whiteout stays a file');
    }));
}

test('ADD --chown overrides archive owners; COPY never extracts; a non-archive .tar.gz is copied', () =>
  withRoots(async (src, dst) => {
    need('tar');
    await withTemp(async (tree) => {
      await makeArchiveTree(tree);
      execFileSync('tar', ['--numeric-owner', '-C', tree, '-czf', `${src}/a.tgz`, 'top']);
    });
    await writeFile(`${src}/fake.tar.gz`, 'not an archive');
    await copyInto({ srcRoot: src, sources: ['a.tgz'], dest: '/chowned/', destRoot: dst, isAdd: true, chown: '7:9' });
    await copyInto({ srcRoot: src, sources: ['a.tgz'], dest: '/copied/', destRoot: dst });
    await copyInto({ srcRoot: src, sources: ['fake.tar.gz'], dest: '/fake/', destRoot: dst, isAdd: true });
    const t = await describe(dst);
    assert.equal(t['chowned/top/file.txt']!.owner, '7:9');
    assert.equal(t['copied/a.tgz']!.type, 'file');
    assert.equal(t['fake/fake.tar.gz']!.content, 'not an archive');
    assert.equal(await isArchive(`${src}/a.tgz`), true);
    assert.equal(await isArchive(`${src}/fake.tar.gz`), false);
  }));

test('ADD extracts entries that climb out of the destination at its top, as in a chroot of it (BuildKit chrootarchive.Untar)', () =>
  withRoots(async (src, dst) => {
    const pack = tar.pack();
    pack.entry({ name: 'ok.txt' }, 'ok');
    pack.entry({ name: '../../evil.txt' }, 'evil');
    pack.entry({ name: 'a/../../../hard', type: 'link', linkname: '../../ok.txt' });
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    await writeFile(`${src}/evil.tar`, Buffer.concat(chunks));
    await copyInto({ srcRoot: src, sources: ['evil.tar'], dest: '/sub/dir/', destRoot: dst, isAdd: true });
    const t = await describe(dst);
    assert.deepEqual(Object.keys(t).sort(), ['sub', 'sub/dir', 'sub/dir/evil.txt', 'sub/dir/hard', 'sub/dir/ok.txt']);
    assert.equal(t['sub/dir/evil.txt']!.content, 'evil');
    assert.equal((await stat(`${dst}/sub/dir/hard`)).ino, (await stat(`${dst}/sub/dir/ok.txt`)).ino);
  }));

async function serve(routes: Record<string, { body: string | Buffer; headers?: Record<string, string>; status?: number }>) {
  const server: Server = createServer((req, res) => {
    const r = routes[req.url ?? ''];
    if (!r) {
      res.writeHead(404).end('no');
      return;
    }
    res.writeHead(r.status ?? 200, r.headers ?? {}).end(r.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('ADD <url>: name from the URL path, 0600, Last-Modified mtime, --checksum verified, never extracted', () =>
  withRoots(async (_src, dst) => {
    const body = 'payload';
    const sum = createHash('sha256').update(body).digest('hex');
    const gz = await withTemp(async (tree) => {
      await makeTree(tree, { 'in.txt': 'x' });
      return execFileSync('tar', ['-C', tree, '-czf', '-', 'in.txt']);
    });
    const srv = await serve({
      '/files/app.bin?x=1': { body, headers: { 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' } },
      '/': { body: 'root' },
      '/a.tar.gz': { body: gz },
    });
    try {
      await fetchURL(`${srv.base}/files/app.bin?x=1`, dst, '/dl/');
      const st = await stat(`${dst}/dl/app.bin`);
      assert.equal(await readFile(`${dst}/dl/app.bin`, 'utf8'), body);
      assert.equal(st.mode & 0o7777, 0o600);
      assert.equal(st.mtimeMs, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'));
      assert.equal(st.uid, 0);

      await fetchURL(`${srv.base}/files/app.bin?x=1`, dst, '/named', { checksum: `sha256:${sum}`, chmod: '755', chown: '3:4' });
      const named = await stat(`${dst}/named`);
      assert.equal(named.mode & 0o7777, 0o755);
      assert.equal(named.uid, 3);

      await assert.rejects(fetchURL(`${srv.base}/files/app.bin?x=1`, dst, '/bad', { checksum: `sha256:${'0'.repeat(64)}` }), {
        code: 'DIGEST',
        message: `digest mismatch for ${srv.base}/files/app.bin?x=1: sha256:${sum} (expected: sha256:${'0'.repeat(64)})`,
      });
      await assert.rejects(stat(`${dst}/bad`));
      await assert.rejects(fetchURL(`${srv.base}/missing`, dst, '/m'), /invalid response status 404/);
      await assert.rejects(fetchURL(`${srv.base}/`, dst, '/c', { checksum: 'md5:abc' }), /unsupported digest algorithm/);

      await fetchURL(`${srv.base}/`, dst, '/root/');
      assert.equal(await readFile(`${dst}/root/__unnamed__`, 'utf8'), 'root');
      await fetchURL(`${srv.base}/a.tar.gz`, dst, '/arch/');
      assert.equal(await isArchive(`${dst}/arch/a.tar.gz`), true, 'served bytes are a real archive');
      assert.deepEqual(Object.keys(await describe(`${dst}/arch`)), ['a.tar.gz']);
    } finally {
      await srv.close();
    }
  }));

test('ADD keeps sub-second mtimes from PAX archives', () =>
  withRoots(async (src, dst) => {
    need('tar');
    await withTemp(async (tree) => {
      await makeTree(tree, { 'f': 'f' });
      execFileSync('touch', ['-d', '@1600000000.5', `${tree}/f`]);
      execFileSync('tar', ['--format=posix', '-C', tree, '-cf', `${src}/p.tar`, 'f']);
    });
    await copyInto({ srcRoot: src, sources: ['p.tar'], dest: '/p/', destRoot: dst, isAdd: true });
    assert.equal((await stat(`${dst}/p/f`)).mtimeMs, 1600000000500);
  }));
