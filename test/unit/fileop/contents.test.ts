import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Stats } from 'node:fs';
import { copyInto, type ContentSource } from '../../../src/fileop/index.js';
import { describe, makeTree, withRoots, T0 } from './trees.js';

/** Answers for the given paths with marked bytes, so the test sees which files came from it. */
function fakeContents(paths: string[], seen: string[]): ContentSource {
  return {
    get(p: string, st: Stats) {
      seen.push(p);
      return paths.some((q) => p.endsWith(q)) ? Buffer.from(`cached:${st.size}`.padEnd(st.size, '.').slice(0, st.size)) : undefined;
    },
  };
}

test('bytes already read are written instead of reading the source again; metadata is the same either way', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, {
      'd/a.txt': { content: 'aaaaaaaaaaaa', mode: 0o640, uid: 7, gid: 8, mtime: T0 },
      'd/b.txt': { content: 'bbbbbbbbbbbb', mode: 0o4755, mtime: T0 + 1 },
      'd/empty': { content: '', mode: 0o600, mtime: T0 + 2 },
    });
    const seen: string[] = [];
    await copyInto({ srcRoot: src, destRoot: dst, sources: ['d'], dest: '/out/', contents: fakeContents(['/d/a.txt'], seen) });
    const t = await describe(dst);
    assert.deepEqual(
      { ...t['out/a.txt'], ino: 0 },
      { type: 'file', mode: '0640', owner: '0:0', mtime: T0, content: 'cached:12...', ino: 0 },
    );
    assert.deepEqual({ ...t['out/b.txt'], ino: 0 }, { type: 'file', mode: '4755', owner: '0:0', mtime: T0 + 1, content: 'bbbbbbbbbbbb', ino: 0 });
    assert.deepEqual({ ...t['out/empty'], ino: 0 }, { type: 'file', mode: '0600', owner: '0:0', mtime: T0 + 2, content: '', ino: 0 });
    assert.ok(seen.some((p) => p.endsWith('/d/b.txt')), 'asked for every small file');
  }));

test('--chown and --chmod apply to files written from bytes already read; hard links stay links', () =>
  withRoots(async (src, dst) => {
    await makeTree(src, { 'd/a': { content: 'x', mode: 0o644 } });
    const { link } = await import('node:fs/promises');
    await link(`${src}/d/a`, `${src}/d/b`);
    await copyInto({ srcRoot: src, destRoot: dst, sources: ['d'], dest: '/o/', chown: '12:34', chmod: '0710', contents: fakeContents(['/d/a'], []) });
    const t = await describe(dst);
    assert.equal(t['o/a']!.owner, '12:34');
    assert.equal(t['o/a']!.mode, '0710');
    assert.equal(t['o/a']!.content, 'c');
    assert.equal(t['o/b']!.ino, t['o/a']!.ino);
  }));
