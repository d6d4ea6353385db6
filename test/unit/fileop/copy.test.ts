import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readFile, stat } from 'node:fs/promises';
import { copyInto, type CopyOptions } from '../../../src/fileop/index.js';
import { createIgnoreMatcher } from '../../../src/context/index.js';
import { describe, makeTree, withRoots, T0 } from './trees.js';

const cp = (src: string, dst: string, o: Partial<CopyOptions> & { sources: string[]; dest: string }) =>
  copyInto({ srcRoot: src, destRoot: dst, ...o });

test('a file keeps mode and mtime, gets 0:0, lands inside a dest ending in /', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'a.sh': { content: 'echo', mode: 0o751, uid: 1000, gid: 1000, mtime: T0 } });
    await cp(src, dst, { sources: ['a.sh'], dest: '/opt/bin/' });
    const t = await describe(dst);
    assert.deepEqual(
      { ...t['opt/bin/a.sh'], ino: 0 },
      { type: 'file', mode: '0751', owner: '0:0', mtime: T0, content: 'echo', ino: 0 },
    );
    assert.equal(t['opt']!.mode, '0755');
    assert.equal(t['opt/bin']!.owner, '0:0');
  }));

test('a file to a dest without / becomes that file; an existing directory receives it', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'a.txt': 'A' });
    await makeTree(dst, { 'existing/': {} });
    await cp(src, dst, { sources: ['a.txt'], dest: '/new/name' });
    await cp(src, dst, { sources: ['a.txt'], dest: '/existing' });
    const t = await describe(dst);
    assert.equal(t['new/name']!.content, 'A');
    assert.equal(t['existing/a.txt']!.content, 'A');
  }));

test('a directory source copies its contents; a new dest dir is 0755 root with the source times', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, {
      'dir/sub/f': { content: 'f', mode: 0o600 },
      'dir/g': 'g',
    });
    await makeTree(src, { 'dir/sub/': { mode: 0o700, mtime: T0 }, 'dir/': { mode: 0o750, mtime: T0 + 5 } });
    await cp(src, dst, { sources: ['dir'], dest: '/out' });
    const t = await describe(dst);
    assert.deepEqual(Object.keys(t).sort(), ['out', 'out/g', 'out/sub', 'out/sub/f']);
    assert.equal(t['out']!.mode, '0755');
    assert.equal(t['out']!.mtime, T0 + 5);
    assert.equal(t['out/sub']!.mode, '0700');
    assert.equal(t['out/sub']!.mtime, T0);
    assert.equal(t['out/sub/f']!.mode, '0600');
  }));

test('an existing dest directory keeps its owner and mode; new entries are 0:0', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'd/new/x': 'x', 'd/existingsub/y': 'y' });
    await makeTree(dst, { 'e/': { mode: 0o700, uid: 500, gid: 600 }, 'e/keep/': { uid: 501, gid: 601 } });
    await cp(src, dst, { sources: ['d/.'], dest: '/e' });
    const t = await describe(dst);
    assert.equal((await stat(`${dst}/e`)).uid, 500);
    assert.equal((await stat(`${dst}/e`)).mode & 0o7777, 0o700);
    assert.equal(t['e/keep']!.owner, '501:601');
    assert.equal(t['e/new']!.owner, '0:0');
    assert.equal(t['e/new/x']!.content, 'x');
  }));

test('several sources or a multi-match wildcard onto a dest without /: each overwrites it in turn (BuildKit)', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
    await cp(src, dst, { sources: ['a.txt', 'b.txt'], dest: '/x' });
    await cp(src, dst, { sources: ['*.txt'], dest: '/y' });
    await cp(src, dst, { sources: ['a.txt', 'b.txt'], dest: '/z/' });
    const t = await describe(dst);
    assert.equal(t['x']!.content, 'b');
    assert.equal(t['y']!.content, 'c');
    assert.deepEqual(Object.keys(t).filter((k) => k.startsWith('z')).sort(), ['z', 'z/a.txt', 'z/b.txt']);
  }));

test('wildcards: files and the contents of matched directories; no match is not an error', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'a1.txt': '1', 'a2.txt': '2', 'b.md': 'b', 'adir/inner': 'i', 'sub/a3.txt': '3' });
    await cp(src, dst, { sources: ['a*'], dest: '/w/' });
    await cp(src, dst, { sources: ['*/a?.txt', 'nomatch*'], dest: '/v/' });
    const t = await describe(dst);
    assert.deepEqual(Object.keys(t).filter((k) => k.startsWith('w/')).sort(), ['w/a1.txt', 'w/a2.txt', 'w/inner']);
    assert.equal(t['v/a3.txt']!.content, '3');
  }));

test('a missing source is a cache-key "not found" error naming the path', () =>
  withRoots(async (src, dst) => {
    await assert.rejects(cp(src, dst, { sources: ['nope/file'], dest: '/' }), {
      code: 'NOT_FOUND',
      message: 'failed to compute cache key: "/nope/file": not found',
    });
  }));

test('sources cannot climb out of srcRoot, and symlinks resolve inside it', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, {
      'a.txt': 'inside',
      'etc/passwd': 'context passwd',
      'abs': { link: '/etc/passwd' },
      'rel': { link: '../../../../a.txt' },
    });
    await cp(src, dst, { sources: ['../../a.txt'], dest: '/up' });
    await cp(src, dst, { sources: ['abs'], dest: '/abs' });
    await cp(src, dst, { sources: ['rel'], dest: '/rel' });
    const t = await describe(dst);
    assert.equal(t['up']!.content, 'inside');
    assert.equal(t['abs']!.content, 'context passwd');
    assert.equal(t['abs']!.type, 'file');
    assert.equal(t['rel']!.content, 'inside');
  }));

test('symlinks inside a copied directory stay symlinks; hard links stay linked', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'd/target': 't', 'd/link': { link: 'target' }, 'd/dangling': { link: '/nowhere' } });
    const { link } = await import('node:fs/promises');
    await link(`${src}/d/target`, `${src}/d/hard`);
    await cp(src, dst, { sources: ['d'], dest: '/d' });
    const t = await describe(dst);
    assert.equal(t['d/link']!.type, 'symlink');
    assert.equal(t['d/link']!.target, 'target');
    assert.equal(t['d/dangling']!.target, '/nowhere');
    assert.equal(t['d/hard']!.ino, t['d/target']!.ino);
  }));

test('dest symlinks are followed inside destRoot only', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'f': 'F' });
    await makeTree(dst, { 'real/': {}, 'lnk': { link: '/real' }, 'esc': { link: '../../../../../tmp' } });
    await cp(src, dst, { sources: ['f'], dest: '/lnk/' });
    await cp(src, dst, { sources: ['f'], dest: '/esc/' });
    assert.equal(await readFile(`${dst}/real/f`, 'utf8'), 'F');
    assert.equal(await readFile(`${dst}/tmp/f`, 'utf8'), 'F');
  }));

test('replacing: a file overwrites a file; a directory onto a file fails; a file onto a dir path goes inside', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'f': 'new', 'd/x': 'x' });
    await makeTree(dst, { 'f': 'old', 'file': 'plain', 'dir/': {} });
    await cp(src, dst, { sources: ['f'], dest: '/f' });
    assert.equal(await readFile(`${dst}/f`, 'utf8'), 'new');
    await assert.rejects(cp(src, dst, { sources: ['d'], dest: '/file' }), { message: 'cannot copy to non-directory: /file' });
    await cp(src, dst, { sources: ['f'], dest: '/dir' });
    assert.equal(await readFile(`${dst}/dir/f`, 'utf8'), 'new');
  }));

test('--chown by name, id, and user:group, resolved in the destination /etc files', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'f': 'f', 'd/g': 'g' });
    await makeTree(dst, {
      'etc/passwd': 'root:x:0:0::/root:/bin/sh\napp:x:1001:1002::/home/app:/bin/sh\n',
      'etc/group': 'root:x:0:\nstaff:x:50:\n',
    });
    await cp(src, dst, { sources: ['f'], dest: '/byname/f', chown: 'app' });
    await cp(src, dst, { sources: ['f'], dest: '/byid', chown: '1000' });
    await cp(src, dst, { sources: ['d'], dest: '/both/', chown: 'app:staff' });
    await cp(src, dst, { sources: ['f'], dest: '/numeric', chown: '7:8' });
    const t = await describe(dst);
    assert.equal(t['byname/f']!.owner, '1001:1002');
    assert.equal(t['byname']!.owner, '1001:1002', 'created parent dirs get the --chown owner');
    assert.equal(t['byid']!.owner, '1000:1000');
    assert.equal(t['both']!.owner, '1001:50');
    assert.equal(t['both/g']!.owner, '1001:50');
    assert.equal(t['numeric']!.owner, '7:8');
    assert.equal(t['etc']!.owner, '0:0');
  }));

test('--chmod: octal applies to files, dirs and created parents (BuildKit testCopyChmod)', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'foo': { content: 'foo', mode: 0o600 }, 'bar': { content: 'bar', mode: 0o700 }, 'd/x': 'x' });
    await cp(src, dst, { sources: ['foo'], dest: '/', chmod: '0644' });
    await cp(src, dst, { sources: ['bar'], dest: '/baz', chmod: '777' });
    await cp(src, dst, { sources: ['foo'], dest: '/foobis', chmod: '0' });
    await cp(src, dst, { sources: ['foo'], dest: '/parent/foo', chmod: '777' });
    await cp(src, dst, { sources: ['foo'], dest: '/parent/sub/foo', chmod: '770' });
    await cp(src, dst, { sources: ['d'], dest: '/sym/', chmod: 'go-w,u+x' });
    const t = await describe(dst);
    assert.equal(t['foo']!.mode, '0644');
    assert.equal(t['baz']!.mode, '0777');
    assert.equal(t['foobis']!.mode, '0000');
    assert.equal(t['parent']!.mode, '0777');
    assert.equal(t['parent/sub']!.mode, '0770');
    assert.equal(t['sym']!.mode, '0755');
    assert.equal(t['sym/x']!.mode, '0744');
  }));

test('.dockerignore: ignored sources do not exist; exceptions re-include inside ignored dirs', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'secret.key': 'k', 'app/a.js': 'a', 'app/a.md': 'm', 'docs/keep.md': 'keep', 'docs/drop.md': 'drop' });
    const ignore = createIgnoreMatcher(['*.key', '**/*.md', '!docs/keep.md']);
    await assert.rejects(cp(src, dst, { sources: ['secret.key'], dest: '/', ignore }), /"\/secret.key": not found/);
    await cp(src, dst, { sources: ['.'], dest: '/ctx/', ignore });
    assert.deepEqual(Object.keys(await describe(`${dst}/ctx`)).sort(), ['app', 'app/a.js', 'docs', 'docs/keep.md']);
  }));

test('--exclude skips matching entries below the source', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'p/a.txt': 'a', 'p/b.log': 'b', 'p/sub/c.log': 'c', 'p/sub/d.txt': 'd' });
    await cp(src, dst, { sources: ['p'], dest: '/p/', exclude: ['*.log', 'sub/*.log'] });
    assert.deepEqual(Object.keys(await describe(`${dst}/p`)).sort(), ['a.txt', 'sub', 'sub/d.txt']);
  }));

test('--parents keeps paths, with the /./ pivot', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'a/b/x.txt': 'x', 'a/b/y.md': 'y', 'a/c/z.txt': 'z', 'other/q.txt': 'q' });
    await cp(src, dst, { sources: ['a/*/*.txt'], dest: '/out/', parents: true });
    await cp(src, dst, { sources: ['a/./b/y.md'], dest: '/piv/', parents: true });
    assert.deepEqual(Object.keys(await describe(`${dst}/out`)).sort(), ['a', 'a/b', 'a/b/x.txt', 'a/c', 'a/c/z.txt']);
    assert.deepEqual(Object.keys(await describe(`${dst}/piv`)).sort(), ['b', 'b/y.md']);
    await assert.rejects(cp(src, dst, { sources: ['a/nope.txt'], dest: '/out/', parents: true }), /"\/a\/nope.txt": not found/);
  }));

test('heredocs become files (0644, or their own mode), then --chmod/--chown apply', () =>
  withRoots(async (src, dst) => {
    await cp(src, dst, { sources: [], dest: '/etc/motd', heredocs: [{ name: 'EOF', content: 'hello\n' }] });
    await cp(src, dst, { sources: [], dest: '/bin/', heredocs: [{ name: 'run.sh', content: '#!/bin/sh\n', chmod: 0o755 }] });
    await cp(src, dst, { sources: [], dest: '/x', heredocs: [{ name: 'EOF', content: 'x' }], chmod: '600', chown: '5:6' });
    const t = await describe(dst);
    assert.equal(t['etc/motd']!.content, 'hello\n');
    assert.equal(t['etc/motd']!.mode, '0644');
    assert.equal(t['bin/run.sh']!.mode, '0755');
    assert.equal(t['x']!.mode, '0600');
    assert.equal(t['x']!.owner, '5:6');
  }));

test('keepOwnership keeps source owners (COPY --from a stage)', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'file': { content: 'f', uid: 100, gid: 200 }, 'dir/sub/n': { content: 'n', uid: 102, gid: 202 } });
    await makeTree(src, { 'dir/sub/': { uid: 101, gid: 201 } });
    await cp(src, dst, { sources: ['/file'], dest: '/', keepOwnership: true });
    await cp(src, dst, { sources: ['/dir'], dest: '/dir', keepOwnership: true });
    const t = await describe(dst);
    assert.equal(t['file']!.owner, '100:200');
    assert.equal(t['dir']!.owner, '0:0');
    assert.equal(t['dir/sub']!.owner, '101:201');
    assert.equal(t['dir/sub/n']!.owner, '102:202');
    assert.equal((await lstat(`${dst}/dir`)).isDirectory(), true);
  }));

test('special files: a FIFO stays a FIFO, a socket becomes an empty file', () =>
  withRoots(async (src, dst) => {
    const { execFileSync } = await import('node:child_process');
    const net = await import('node:net');
    execFileSync('mkfifo', [`${src}/pipe`]);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(`${src}/sock`, resolve));
    try {
      await cp(src, dst, { sources: ['.'], dest: '/s/' });
    } finally {
      server.close();
    }
    assert.equal((await lstat(`${dst}/s/pipe`)).isFIFO(), true);
    const sock = await lstat(`${dst}/s/sock`);
    assert.equal(sock.isFile(), true);
    assert.equal(sock.size, 0);
  }));

test('a source ending in /. or / selects the directory contents like the bare name', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'd/a': 'a' });
    await cp(src, dst, { sources: ['d/.'], dest: '/one' });
    await cp(src, dst, { sources: ['d/'], dest: '/two/' });
    const t = await describe(dst);
    assert.equal(t['one/a']!.content, 'a');
    assert.equal(t['two/a']!.content, 'a');
  }));

test('modes are exact whatever the umask; a setgid dest directory does not leak its group', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'open': { content: 'o', mode: 0o777 }, 'suid': { content: 's', mode: 0o4755 } });
    await makeTree(dst, { 'shared/': { mode: 0o2775, gid: 50 } });
    const old = process.umask(0o077);
    try {
      await cp(src, dst, { sources: ['open', 'suid'], dest: '/shared/' });
    } finally {
      process.umask(old);
    }
    const t = await describe(dst);
    assert.equal(t['shared/open']!.mode, '0777');
    assert.equal(t['shared/open']!.owner, '0:0');
    assert.equal(t['shared/suid']!.mode, '4755');
  }));

test('extended attributes are copied (user.* and file capabilities), only for copied entries', () =>
  withRoots(async (src, dst) => {
    const { execFileSync } = await import('node:child_process');
    await makeTree(src, { 'd/tool': 'bin', 'd/odd name\\x': 'n', 'd/skip.log': 'l' });
    execFileSync('setfattr', ['-n', 'user.note', '-v', 'hello', `${src}/d/tool`]);
    execFileSync('setfattr', ['-n', 'security.capability', '-v', '0sAQAAAgAgAAAAAAAAAAAAAAAAAAA=', `${src}/d/tool`]);
    execFileSync('setfattr', ['-n', 'user.odd', '-v', 'yes', `${src}/d/odd name\\x`]);
    execFileSync('setfattr', ['-n', 'user.skip', '-v', 'no', `${src}/d/skip.log`]);
    await cp(src, dst, { sources: ['d'], dest: '/d/', exclude: ['*.log'] });
    const get = (p: string, n: string) => execFileSync('getfattr', ['--only-values', '-n', n, p]).toString();
    assert.equal(get(`${dst}/d/tool`, 'user.note'), 'hello');
    assert.match(execFileSync('getfattr', ['-n', 'security.capability', '-e', 'base64', `${dst}/d/tool`]).toString(), /0sAQAAAgAgAAAAAAAAAAAAAAAAAAA=/);
    assert.equal(get(`${dst}/d/odd name\\x`, 'user.odd'), 'yes');
    assert.equal((await describe(dst))['d/skip.log'], undefined);
  }));

test('no sources at all is an error', () =>
  withRoots(async (src, dst) => {
    await assert.rejects(cp(src, dst, { sources: [], dest: '/x/' }), { message: 'COPY failed: no source files were specified' });
  }));
