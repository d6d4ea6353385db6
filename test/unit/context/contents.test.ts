import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContentCache, hashSources, openContext } from '../../../src/context/index.js';

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'drydock-contents-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a ContentCache answers only while the file is unchanged, and keeps within its budget', () =>
  withDir(async (dir) => {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    await writeFile(a, 'aaaa');
    await writeFile(b, 'bbbbbb');
    const cache = new ContentCache(8);
    cache.put(a, lstatSync(a), Buffer.from('aaaa'));
    cache.put(b, lstatSync(b), Buffer.from('bbbbbb')); // over budget: not kept
    assert.equal(cache.get(a, lstatSync(a))?.toString(), 'aaaa');
    assert.equal(cache.get(b, lstatSync(b)), undefined);
    await utimes(a, 1_600_000_000, 1_600_000_000);
    assert.equal(cache.get(a, lstatSync(a)), undefined, 'new mtime and ctime');
    cache.put(a, lstatSync(a), Buffer.from('aaaa'));
    cache.clear();
    assert.equal(cache.get(a, lstatSync(a)), undefined);
  }));

test('hashSources keeps the small files it reads in the context for the copy; a memo hit reads nothing', () =>
  withDir(async (dir) => {
    await mkdir(path.join(dir, 'src/sub'), { recursive: true });
    await writeFile(path.join(dir, 'src/one.txt'), 'one');
    await writeFile(path.join(dir, 'src/sub/two.txt'), 'two');
    const big = Buffer.alloc(300 * 1024, 1);
    await writeFile(path.join(dir, 'src/big.bin'), big);
    const ctx = await openContext({ dir });
    try {
      const first = await hashSources(ctx, ['src']);
      const one = path.join(ctx.root, 'src/one.txt');
      assert.equal(ctx.contents?.get(one, lstatSync(one))?.toString(), 'one');
      const two = path.join(ctx.root, 'src/sub/two.txt');
      assert.equal(ctx.contents?.get(two, lstatSync(two))?.toString(), 'two');
      const bigPath = path.join(ctx.root, 'src/big.bin');
      assert.equal(ctx.contents?.get(bigPath, lstatSync(bigPath)), undefined, 'large files are streamed, not kept');
      assert.equal(first.stats.read, 3);
      // the same digest as a fresh context without a cache gives
      const bare = { ...ctx, contents: undefined };
      assert.equal((await hashSources(bare, ['src'])).digest, first.digest);
    } finally {
      await ctx.release();
    }
  }));
