import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashSources, openContext } from '../../../src/context/index.js';
import { makeTree, withTemp, type Spec } from '../fileop/trees.js';

/** data/: 3 files in 2 dirs (6 entries with data/ itself); node_modules/: 40 files in 4 dirs. */
function tree(dockerignore: string): Spec {
  const spec: Spec = { 'data/a.txt': 'a', 'data/sub/b.txt': 'b', 'data/sub/c.txt': 'c', 'top.txt': 't', '.dockerignore': dockerignore };
  for (let d = 0; d < 4; d++) for (let f = 0; f < 10; f++) spec[`node_modules/m${d}/f${f}.js`] = `${d}/${f}`;
  return spec;
}

test('a COPY of a named path walks that path only: one lstat per entry, one readdir per directory', () =>
  withTemp(async (dir) => {
    await makeTree(dir, tree('node_modules\n'));
    const ctx = await openContext({ dir });
    const r = await hashSources(ctx, ['data']);
    assert.deepEqual(r.files.map((f) => f.path), ['data', 'data/a.txt', 'data/sub', 'data/sub/b.txt', 'data/sub/c.txt']);
    assert.deepEqual({ lstat: r.stats.lstat, readdir: r.stats.readdir }, { lstat: 5, readdir: 2 });
  }));

for (const [name, ignore] of [
  ['without exceptions', 'node_modules\n'],
  ['with an exception elsewhere (BuildKit: fsutil onlyPrefixExcludeExceptions)', 'node_modules\n*.txt\n!data/a.txt\n!top.txt\n'],
  ['with an exception whose trailing /** is dropped', 'node_modules\n!data/**\n'],
]) {
  test(`an excluded node_modules is not walked ${name}`, () =>
    withTemp(async (dir) => {
      await makeTree(dir, tree(ignore));
      const ctx = await openContext({ dir });
      const r = await hashSources(ctx, ['.']);
      assert.ok(!r.files.some((f) => f.path.startsWith('node_modules')));
      // the root, .dockerignore, top.txt, data/ (5 entries): node_modules' 45 entries never stat-ed or listed
      assert.ok(r.stats.lstat <= 9, `lstat calls: ${r.stats.lstat}`);
      assert.equal(r.stats.readdir, 3);
    }));
}

test('an excluded directory is walked when an exception may re-include something below it', () =>
  withTemp(async (dir) => {
    for (const ignore of ['node_modules\n!node_modules/m2/f3.js\n', 'node_modules\n!**/f3.js\n']) {
      await makeTree(dir, tree(ignore));
      const ctx = await openContext({ dir });
      const r = await hashSources(ctx, ['.']);
      assert.deepEqual(r.files.filter((f) => f.path.startsWith('node_modules')).map((f) => f.path),
        ignore.includes('**') ? ['node_modules/m0/f3.js', 'node_modules/m1/f3.js', 'node_modules/m2/f3.js', 'node_modules/m3/f3.js'] : ['node_modules/m2/f3.js']);
      assert.ok(r.stats.readdir >= 4, ignore);
    }
  }));

test('patterns are matched only where they can match: the digest is the same as a pattern-free walk sees', () =>
  withTemp(async (dir) => {
    await makeTree(dir, { ...tree('node_modules\ndata/sub/c.txt\n'), 'data/x/c.txt': 'c' });
    const r = await hashSources(await openContext({ dir }), ['data']);
    assert.deepEqual(r.files.map((f) => f.path), ['data', 'data/a.txt', 'data/sub', 'data/sub/b.txt', 'data/x', 'data/x/c.txt']);
  }));
