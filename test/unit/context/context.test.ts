import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { Readable } from 'node:stream';
import { access, chmod, lchown, mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { openContext, hashSources, HashMemo, type BuildContext } from '../../../src/context/index.js';
import { makeTree, withTemp } from '../fileop/trees.js';

test('openContext on a directory uses it in place and loads .dockerignore', () =>
  withTemp(async (dir) => {
    await makeTree(dir, { 'a.txt': 'a', '.dockerignore': '*.log\n' });
    const ctx = await openContext({ dir });
    assert.equal(await readFile(`${ctx.root}/a.txt`, 'utf8'), 'a');
    assert.deepEqual(ctx.dockerignore.patterns, ['*.log']);
    await ctx.release();
    await access(`${dir}/a.txt`);
    await assert.rejects(openContext({ dir: `${dir}/missing` }), /unable to prepare context: path ".*missing" not found/);
  }));

for (const compress of ['', 'z']) {
  test(`openContext on a ${compress ? 'gzipped ' : ''}tar stream extracts it and release() removes it`, () =>
    withTemp(async (dir) => {
      await makeTree(dir, { 'src/app/main.js': 'main', 'src/.dockerignore': 'app/*.tmp\n' });
      const tarball = execFileSync('tar', [`-c${compress}f`, '-', '-C', `${dir}/src`, '.']);
      const ctx = await openContext({ tar: Readable.from([tarball.subarray(0, 7), tarball.subarray(7)]) });
      assert.equal(await readFile(`${ctx.root}/app/main.js`, 'utf8'), 'main');
      assert.deepEqual(ctx.dockerignore.patterns, ['app/*.tmp']);
      await ctx.release();
      await assert.rejects(access(ctx.root));
    }));
}

async function digestOf(ctx: BuildContext, sources: string[], exclude?: string[]): Promise<string> {
  return (await hashSources(ctx, sources, { exclude })).digest;
}

test('hashSources: content, mode, owner and names count; mtime does not', () =>
  withTemp(async (dir) => {
    await makeTree(dir, { 'app/a.js': 'a', 'app/sub/b.js': 'b', 'other.txt': 'o' });
    const ctx = await openContext({ dir });
    const base = await digestOf(ctx, ['app']);
    assert.match(base, /^sha256:[0-9a-f]{64}$/);
    await utimes(`${dir}/app/a.js`, 1, 1);
    await utimes(`${dir}/app/sub`, 1, 1);
    assert.equal(await digestOf(ctx, ['app']), base, 'mtime alone does not change the digest');
    await writeFile(`${dir}/other.txt`, 'changed');
    assert.equal(await digestOf(ctx, ['app']), base, 'files outside the selection do not count');

    await writeFile(`${dir}/app/a.js`, 'A');
    const content = await digestOf(ctx, ['app']);
    assert.notEqual(content, base);
    await chmod(`${dir}/app/a.js`, 0o755);
    const mode = await digestOf(ctx, ['app']);
    assert.notEqual(mode, content);
    await lchown(`${dir}/app/a.js`, 1000, 1000);
    const owner = await digestOf(ctx, ['app']);
    assert.notEqual(owner, mode);
    await makeTree(dir, { 'app/sub/link': { link: 'b.js' } });
    const withLink = await digestOf(ctx, ['app']);
    assert.notEqual(withLink, owner);
    await makeTree(dir, { 'app/empty/': {} });
    assert.notEqual(await digestOf(ctx, ['app']), withLink, 'a new empty directory counts');
  }));

test('hashSources: .dockerignore and --exclude remove entries; wildcards select like COPY', () =>
  withTemp(async (dir) => {
    await makeTree(dir, { 'a.txt': 'a', 'b.txt': 'b', 'c.md': 'c', 'x.log': 'x', '.dockerignore': '*.log\n' });
    const ctx = await openContext({ dir });
    const all = await hashSources(ctx, ['.']);
    assert.deepEqual(all.files.map((f) => f.path).sort(), ['.', '.dockerignore', 'a.txt', 'b.txt', 'c.md']);
    const before = all.digest;
    await writeFile(`${dir}/x.log`, 'changed');
    assert.equal(await digestOf(ctx, ['.']), before, 'ignored files do not count');

    const txt = await hashSources(ctx, ['*.txt']);
    assert.deepEqual(txt.files.map((f) => f.path), ['a.txt', 'b.txt']);
    const t1 = txt.digest;
    await writeFile(`${dir}/c.md`, 'changed');
    assert.equal(await digestOf(ctx, ['*.txt']), t1);
    await writeFile(`${dir}/new.txt`, 'n');
    assert.notEqual(await digestOf(ctx, ['*.txt']), t1, 'a new wildcard match counts');

    const ex = await hashSources(ctx, ['.'], { exclude: ['*.txt'] });
    assert.deepEqual(ex.files.map((f) => f.path).sort(), ['.', '.dockerignore', 'c.md']);
    await assert.rejects(hashSources(ctx, ['x.log']), /"\/x.log": not found/);
    await assert.rejects(hashSources(ctx, ['missing']), /"\/missing": not found/);
  }));

test('hashSources: a symlink source is followed inside the context only', () =>
  withTemp(async (dir) => {
    await mkdir(`${dir}/ctx`);
    await makeTree(dir, { 'outside.txt': 'secret', 'ctx/in.txt': 'in', 'ctx/l1': { link: '../outside.txt' }, 'ctx/l2': { link: 'in.txt' } });
    const ctx = await openContext({ dir: `${dir}/ctx` });
    await assert.rejects(hashSources(ctx, ['l1']), /not found/);
    const viaLink = await hashSources(ctx, ['l2']);
    assert.deepEqual(viaLink.files.map((f) => f.path), ['in.txt']);
  }));

test('hashSources memo: a second hashing of a 20,000-file tree reads no file contents', () =>
  withTemp(async (dir) => {
    await mkdir(`${dir}/ctx`);
    // one tar piped to GNU tar: far quicker than 20,000 writeFile calls
    const pack = tar.pack();
    for (let d = 0; d < 100; d++) for (let f = 0; f < 200; f++) pack.entry({ name: `d${d}/f${f}` }, `${d}/${f}`);
    pack.finalize();
    const untar = spawn('tar', ['-x', '-C', `${dir}/ctx`], { stdio: ['pipe', 'inherit', 'inherit'] });
    await pipeline(pack, untar.stdin);
    const [code] = (await once(untar, 'close')) as [number];
    assert.equal(code, 0);
    await sleep(200); // let the files' ctimes age past the memo's racy-clean window
    const ctx = await openContext({ dir: `${dir}/ctx` });
    const memoPath = `${dir}/cache/context.memo.json`;
    const first = await hashSources(ctx, ['.'], { memoPath });
    assert.equal(first.stats.read, 20_000);
    await access(HashMemo.fileFor(memoPath, ctx.root)); // one memo file per context
    const second = await hashSources(ctx, ['.'], { memoPath });
    assert.equal(second.stats.read, 0);
    assert.equal(second.stats.memoHits, 20_000);
    assert.equal(second.digest, first.digest);

    await writeFile(`${dir}/ctx/d5/f5`, 'different');
    await sleep(200);
    const third = await hashSources(ctx, ['.'], { memoPath });
    assert.equal(third.stats.read, 1);
    assert.notEqual(third.digest, first.digest);
  }));

test('openContext rejects a stream that is not a tar archive', async () => {
  await assert.rejects(openContext({ tar: Readable.from([Buffer.from('this is not a tar archive at all, just text'.repeat(20))]) }), {
    code: 'CONTEXT',
  });
});

test('hashSources: a .dockerignore exception re-includes a file inside an ignored directory', () =>
  withTemp(async (dir) => {
    await makeTree(dir, { 'docs/keep.md': 'k', 'docs/drop.md': 'd', '.dockerignore': 'docs\n!docs/keep.md\n' });
    const ctx = await openContext({ dir });
    const r = await hashSources(ctx, ['docs']);
    assert.deepEqual(r.files.map((f) => f.path), ['docs', 'docs/keep.md']);
    await writeFile(`${dir}/docs/drop.md`, 'changed');
    assert.equal(await digestOf(ctx, ['docs']), r.digest);
  }));
