import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatternMatcher, globMatch, containsWildcards } from '../../../src/fileop/index.js';
import { splitWildcards } from '../../../src/fileop/glob.js';

// [pattern, path, matches] — moby/patternmatcher's own table (MatchesOrParentMatches)
const single: Array<[string, string, boolean]> = [
  ['**', 'file', true], ['**', 'file/', true], ['**/', 'file', true], ['**', 'dir/file', true],
  ['**/**', 'dir/file', true], ['dir/**', 'dir/file', true], ['dir/**', 'dir/dir2/file', true],
  ['**/dir', 'dir', true], ['**/dir', 'dir/file', true], ['**/dir2/*', 'dir/dir2/file', true],
  ['**/dir2/**', 'dir/dir2/dir3/file', true], ['**file', 'file', true], ['**file', 'dir/file', true],
  ['**/file', 'dir/file', true], ['**file', 'dir/dir/file', true], ['**/file*', 'dir/dir/file.txt', true],
  ['**/file*txt', 'dir/dir/file.txt', true], ['**/file*.txt*', 'dir/dir/file.txt', true],
  ['**/**/*.txt', 'dir/dir/file.txt', true], ['**/**/*.txt2', 'dir/dir/file.txt', false],
  ['**/*.txt', 'file.txt', true], ['**/**/*.txt', 'file.txt', true], ['a**/*.txt', 'a/file.txt', true],
  ['a**/*.txt', 'a/dir/file.txt', true], ['a/*.txt', 'a/dir/file.txt', false], ['a/*.txt', 'a/file.txt', true],
  ['a/*.txt**', 'a/file.txt', true], ['a[b-d]e', 'ae', false], ['a[b-d]e', 'ace', true], ['a[b-d]e', 'aae', false],
  ['a[^b-d]e', 'aze', true], ['.*', '.foo', true], ['.*', 'foo', false], ['abc.def', 'abcdef', false],
  ['abc.def', 'abc.def', true], ['abc?def', 'abcZdef', true], ['abc?def', 'abcdef', false], ['a\\\\', 'a\\', true],
  ['**/foo/bar', 'foo/bar', true], ['**/foo/bar', 'dir/dir2/foo/bar', true], ['abc/**', 'abc', false],
  ['abc/**', 'abc/def/ghi', true], ['**/.foo', '.foo', true], ['**/.foo', 'bar.foo', false],
  ['a(b)c/def', 'a(b)c/def', true], ['a(b)c/def', 'a(b)c/xyz', false], ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
  ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true], ['a\\*b', 'a*b', true],
  // .dockerignore specifics: no implicit "**/" prefix, a directory match covers its contents
  ['foo', 'foo', true], ['foo', 'foo/bar/baz', true], ['foo', 'x/foo', false], ['*.md', 'README.md', true],
  ['*.md', 'docs/a.md', false], ['*/*.md', 'docs/a.md', true], ['/abs', 'abs', false], ['node_modules', 'node_modules/x/y', true],
];

const multi: Array<[string[], string, boolean]> = [
  [['**', '!util/docker/web'], 'util/docker/web/foo', false],
  [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
  [['**', '!dist/*.whl'], 'dist/proxy.whl', false],
  [['*.md', '!README.md'], 'README.md', false],
  [['*.md', '!README.md'], 'CHANGES.md', true],
  [['!README.md', '*.md'], 'README.md', true], // the last matching pattern wins
  [['docs', '!docs/keep.md'], 'docs/keep.md', false],
  [['docs', '!docs/keep.md'], 'docs/other.md', true],
  [['docs', '!docs/keep.md'], 'docs', true],
];

test('PatternMatcher follows moby/patternmatcher (one pattern)', () => {
  for (const [pattern, path, want] of single) {
    assert.equal(new PatternMatcher([pattern]).matches(path), want, `${pattern} vs ${path}`);
  }
});

test('PatternMatcher: exceptions and order', () => {
  for (const [patterns, path, want] of multi) {
    assert.equal(new PatternMatcher(patterns).matches(path), want, `${patterns.join(',')} vs ${path}`);
  }
  assert.equal(new PatternMatcher(['!x']).hasExclusions, true);
  assert.equal(new PatternMatcher(['x']).hasExclusions, false);
  assert.throws(() => new PatternMatcher(['!']), /illegal exclusion pattern/);
  assert.throws(() => new PatternMatcher(['a[']), /syntax error in pattern/);
});

test('PatternMatcher.ignores never ignores the root', () => {
  const m = new PatternMatcher(['**']);
  assert.equal(m.ignores('.'), false);
  assert.equal(m.ignores(''), false);
  assert.equal(m.ignores('a'), true);
});

test('mayMatchBelow prunes directories an include pattern cannot reach', () => {
  const m = new PatternMatcher(['a/*/c.txt']);
  assert.equal(m.mayMatchBelow(''), true);
  assert.equal(m.mayMatchBelow('a'), true);
  assert.equal(m.mayMatchBelow('a/b'), true);
  assert.equal(m.mayMatchBelow('x'), false);
  assert.equal(new PatternMatcher(['**/c']).mayMatchBelow('x/y'), true);
});

test('globMatch is Go path.Match', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', 'abc', true], ['*', 'a/b', false], ['a*', 'ab', true], ['a?c', 'abc', true], ['a?c', 'a/c', false],
    ['[a-c]x', 'bx', true], ['[^a-c]x', 'dx', true], ['[^a-c]x', 'ax', false], ['\\*', '*', true], ['\\*', 'a', false],
    ['a[', 'a', false],
  ];
  for (const [p, n, want] of cases) {
    if (p === 'a[') assert.throws(() => globMatch(p, n));
    else assert.equal(globMatch(p, n), want, `${p} vs ${n}`);
  }
  assert.throws(() => globMatch('[]a]', 'a'));
  assert.equal(globMatch('[\\]]', ']'), true);
});

test('containsWildcards and splitWildcards', () => {
  assert.equal(containsWildcards('a*'), true);
  assert.equal(containsWildcards('a\\*'), false);
  assert.equal(containsWildcards('a[b]'), true);
  assert.deepEqual(splitWildcards('/a/b*/c'), ['/a', 'b*/c']);
  assert.deepEqual(splitWildcards('/*.txt'), ['/', '*.txt']);
  assert.deepEqual(splitWildcards('/a/b'), ['/a/b', '']);
});
