import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadDockerignore, parseDockerignore } from '../../../src/context/index.js';
import { withTemp } from '../fileop/trees.js';

test('parseDockerignore: comments, blanks, BOM, cleaning, leading slash, exceptions', () => {
  const text = '\uFEFF# comment\n\n  node_modules  \n/abs/path\n!  keep.md\n ./a/../b/ \n*.log\r\n #not a comment\n';
  assert.deepEqual(parseDockerignore(text), ['node_modules', 'abs/path', '!keep.md', 'b', '*.log', '#not a comment']);
});

// [patterns, path, ignored] — Docker's .dockerignore behaviour
const table: Array<[string[], string, boolean]> = [
  [['*.md'], 'README.md', true],
  [['*.md'], 'docs/README.md', false],
  [['**/*.md'], 'docs/sub/README.md', true],
  [['docs'], 'docs/a/b.txt', true],
  [['/docs'], 'docs/x', true],
  [['docs/'], 'docs/x', true],
  [['*', '!src'], 'src/main.ts', false],
  [['*', '!src'], 'package.json', true],
  [['**', '!src/**/*.ts'], 'src/a/b.ts', false],
  [['**', '!src/**/*.ts'], 'src/a/b.js', true],
  [['temp?'], 'temp1', true],
  [['temp?'], 'temp12', false],
  [['a/**/b'], 'a/b', true],
  [['a/**/b'], 'a/x/y/b/c', true],
  [['.git'], '.git/HEAD', true],
  [['!.dockerignore', '*'], 'x', true],
];

test('ignore matcher table', async () => {
  await withTemp(async (dir) => {
    for (const [patterns, path, want] of table) {
      await writeFile(`${dir}/.dockerignore`, patterns.join('\n'));
      const m = await loadDockerignore(dir);
      assert.equal(m.ignores(path), want, `${patterns.join(' ')} vs ${path}`);
    }
  });
});

test('<Dockerfile>.dockerignore beside the Dockerfile wins over the context one', async () => {
  await withTemp(async (dir) => {
    await mkdir(`${dir}/build`);
    await writeFile(`${dir}/.dockerignore`, 'a\n');
    await writeFile(`${dir}/build/app.Dockerfile.dockerignore`, 'b\n');
    const specific = await loadDockerignore(dir, 'build/app.Dockerfile');
    assert.deepEqual(specific.patterns, ['b']);
    const general = await loadDockerignore(dir, 'build/other.Dockerfile');
    assert.deepEqual(general.patterns, ['a']);
    const none = await loadDockerignore(`${dir}/build`);
    assert.deepEqual(none.patterns, []);
    assert.equal(none.ignores('anything'), false);
  });
});

test('a bad pattern names the file', async () => {
  await withTemp(async (dir) => {
    await writeFile(`${dir}/.dockerignore`, '!\n');
    await assert.rejects(loadDockerignore(dir), /failed parsing .dockerignore: illegal exclusion pattern/);
  });
});
