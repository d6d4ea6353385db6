import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGitURL, parseGitURL } from '../../../src/git/index.js';

test('isGitURL: the forms BuildKit treats as git repositories', () => {
  for (const s of ['https://github.com/moby/buildkit.git', 'https://h/r.git#main', 'http://h/r.git/#v1:docs', 'git@github.com:org/repo.git',
    'git://host/repo', 'ssh://git@host/repo.git', 'https://h/r.git?ref=v1']) assert.equal(isGitURL(s), true, s);
  for (const s of ['https://h/file.tar.gz', 'https://h/repo', 'https://h/x.gitignore', 'src/', 'git/dir']) assert.equal(isGitURL(s), false, s);
});

test('parseGitURL: #ref:subdir fragments and the query form', () => {
  const cases: Array<[string, object]> = [
    ['https://h/r.git', { remote: 'https://h/r.git' }],
    ['https://h/r.git#main', { remote: 'https://h/r.git', ref: 'main' }],
    ['https://h/r.git#v1.0:docs/api/', { remote: 'https://h/r.git', ref: 'v1.0', subdir: 'docs/api' }],
    ['https://h/r.git#:docs', { remote: 'https://h/r.git', subdir: 'docs' }],
    ['git@github.com:org/repo.git#dev', { remote: 'git@github.com:org/repo.git', ref: 'dev' }],
    ['https://h/r.git?ref=dev&subdir=./docs', { remote: 'https://h/r.git', ref: 'dev', subdir: 'docs' }],
    ['https://h/r.git?tag=v2', { remote: 'https://h/r.git', ref: 'refs/tags/v2' }],
    ['https://h/r.git?branch=b&keep=1', { remote: 'https://h/r.git?keep=1', ref: 'refs/heads/b' }],
  ];
  for (const [s, want] of cases) assert.deepEqual(parseGitURL(s), want, s);
  assert.throws(() => parseGitURL('https://h/r.git#main:../etc'), /subdir must stay inside the repository/);
  assert.throws(() => parseGitURL('https://h/r.git?ref=a#b'), /ref given twice/);
});
