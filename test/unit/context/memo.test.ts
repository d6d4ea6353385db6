import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, lstatSync } from 'node:fs';
import { chmod, rename, utimes, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HashMemo, hashSources, openContext } from '../../../src/context/index.js';
import { withTemp } from '../fileop/trees.js';

const D1 = 'a'.repeat(64);
const D2 = 'b'.repeat(64);

test('the memo answers only for the same size, mtime, ctime and inode, and survives a reload from disk', () =>
  withTemp(async (dir) => {
    const f = `${dir}/f`;
    await writeFile(f, 'abcd');
    await utimes(f, 1_700_000_000, 1_700_000_000); // whole seconds: utimes can put them back exactly
    await sleep(120); // out of the racy-clean window
    const memo = await HashMemo.load(`${dir}/memo`);
    memo.set(f, lstatSync(f), D1, D2);
    const slot = memo.find(f, lstatSync(f));
    assert.ok(slot >= 0);
    assert.equal(memo.contentAt(slot), D1);
    assert.equal(memo.entryAt(slot, lstatSync(f)), D2);
    await memo.save();
    // another process (a new path: instances are shared per file) reads what was saved
    copyFileSync(`${dir}/memo`, `${dir}/memo2`);
    const again = await HashMemo.load(`${dir}/memo2`);
    assert.equal(again.entryAt(again.find(f, lstatSync(f)), lstatSync(f)), D2);

    const st = lstatSync(f);
    assert.equal(memo.find(f, { ...st, size: 5 }), -1, 'size');
    assert.equal(memo.find(f, { ...st, ino: st.ino + 1 }), -1, 'inode');
    await utimes(f, 1_700_000_000, 1_700_000_001);
    assert.equal(memo.find(f, lstatSync(f)), -1, 'mtime');
    await utimes(f, 1_700_000_000, 1_700_000_000); // the mtime back: the ctime still differs
    assert.equal(lstatSync(f).mtimeMs, st.mtimeMs);
    assert.equal(memo.find(f, lstatSync(f)), -1, 'ctime');
    // same size, mtime and ctime kept by a copy renamed over it: the inode differs
    memo.set(f, lstatSync(f), D1, D2);
    await sleep(120);
    memo.set(f, lstatSync(f), D1, D2);
    assert.ok(memo.find(f, lstatSync(f)) >= 0);
    copyFileSync(f, `${dir}/g`);
    await rename(`${dir}/g`, f);
    assert.equal(memo.find(f, lstatSync(f)), -1, 'inode after a rename over it');
    // a mode change leaves the content digest usable, not the entry digest
    await sleep(120);
    memo.set(f, lstatSync(f), D1, D2);
    const before = lstatSync(f);
    await chmod(f, 0o600);
    assert.equal(memo.entryAt(memo.find(f, { ...lstatSync(f), ctimeMs: before.ctimeMs }), lstatSync(f)), undefined);
  }));

test('racy-clean: a file written just now is not memoised, and an edit that keeps size and mtime is seen (moby/moby#51518)', () =>
  withTemp(async (dir) => {
    await writeFile(`${dir}/a.txt`, 'one');
    await utimes(`${dir}/a.txt`, 1_700_000_000, 1_700_000_000); // an old mtime: the ctime alone is recent
    const ctx = await openContext({ dir });
    const memoPath = `${dir}/.memo`;
    const first = await hashSources(ctx, ['a.txt'], { memoPath });
    const second = await hashSources(ctx, ['a.txt'], { memoPath });
    assert.equal(second.stats.read, 1, 'too recent to memoise: read again');
    assert.equal(second.digest, first.digest);
    await sleep(120);
    await hashSources(ctx, ['a.txt'], { memoPath });
    assert.equal((await hashSources(ctx, ['a.txt'], { memoPath })).stats.memoHits, 1);
    // the same size, the mtime put back: only the ctime tells
    const st = lstatSync(`${dir}/a.txt`);
    await writeFile(`${dir}/a.txt`, 'two');
    await utimes(`${dir}/a.txt`, 1_700_000_000, 1_700_000_000);
    assert.equal(lstatSync(`${dir}/a.txt`).mtimeMs, st.mtimeMs);
    const edited = await hashSources(ctx, ['a.txt'], { memoPath });
    assert.equal(edited.stats.read, 1);
    assert.notEqual(edited.digest, first.digest);
  }));
