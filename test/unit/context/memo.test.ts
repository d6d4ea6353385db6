import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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

test('racy-clean: a file with a time in the last 50 ms is not memoised, and an edit that keeps size and mtime is seen (moby/moby#51518)', () =>
  withTemp(async (dir) => {
    await writeFile(`${dir}/a.txt`, 'one');
    await utimes(`${dir}/a.txt`, 1_700_000_000, 1_700_000_000); // an old mtime: the ctime alone is recent
    // a ctime (or mtime) within the window: not kept, whatever the timing of this test
    const memo = await HashMemo.load();
    const now = lstatSync(`${dir}/a.txt`);
    memo.set(`${dir}/a.txt`, { ...now, ctimeMs: Date.now() - 10 }, D1, D2);
    assert.equal(memo.find(`${dir}/a.txt`, { ...now, ctimeMs: Date.now() - 10 }), -1);
    memo.set(`${dir}/a.txt`, { ...now, mtimeMs: Date.now() + 5000 }, D1, D2);
    assert.equal(memo.find(`${dir}/a.txt`, { ...now, mtimeMs: Date.now() + 5000 }), -1, 'an mtime in the future');
    const ctx = await openContext({ dir });
    const memoPath = `${dir}/.memo`;
    const first = await hashSources(ctx, ['a.txt'], { memoPath });
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

test('one memo file per context, the least recently saved beyond 64 removed', () =>
  withTemp(async (dir) => {
    const f = `${dir}/f`;
    await writeFile(f, 'x');
    await utimes(f, 1_700_000_000, 1_700_000_000);
    await sleep(120);
    const base = `${dir}/cache/context-memo.json`;
    assert.notEqual(HashMemo.fileFor(base, '/a'), HashMemo.fileFor(base, '/b'));
    for (let i = 0; i < 70; i++) {
      const memo = await HashMemo.load(HashMemo.fileFor(base, `/ctx${i}`));
      memo.set('f', lstatSync(f), D1, D2);
      await memo.save();
    }
    const left = readdirSync(`${dir}/cache/context-memo`);
    assert.equal(left.length, 64);
    assert.ok(left.includes(path.basename(HashMemo.fileFor(base, '/ctx69'))), 'the newest is kept');
  }));

test('the memo is saved in the order the walk asked for entries, and rewritten when a walk finds most out of that order', () =>
  withTemp(async (dir) => {
    const f = `${dir}/f`;
    await writeFile(f, 'x');
    await utimes(f, 1_700_000_000, 1_700_000_000);
    await sleep(120);
    const st = lstatSync(f);
    const names = Array.from({ length: 100 }, (_, i) => `p${String(i).padStart(3, '0')}`);
    const memo = await HashMemo.load(`${dir}/m1`);
    for (const n of names) memo.find(n, st); // the walk's order: asked first, set later (as hashSources does)
    for (const n of [...names].reverse()) memo.set(n, st, D1, D2);
    await memo.save();
    const order = (file: string) => readFileSync(file, 'latin1').indexOf('p000') < readFileSync(file, 'latin1').indexOf('p099');
    assert.ok(order(`${dir}/m1`), 'saved in the order asked');
    copyFileSync(`${dir}/m1`, `${dir}/m2`);
    const again = await HashMemo.load(`${dir}/m2`);
    for (const n of [...names].reverse()) assert.ok(again.find(n, st) >= 0);
    await again.save(); // nothing changed, but every lookup missed the cursor
    assert.ok(!order(`${dir}/m2`), 'rewritten in the new order');
  }));
