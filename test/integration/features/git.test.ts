/**
 * ADD of git repositories against a real git server on loopback (git http-backend): the whole
 * tree or `#ref:subdir`, tags and branches, the query form, --keep-git-dir, --checksum, and a
 * cache key that follows the commit the ref points at.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Store } from '../../../src/store/index.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith, contextDir, imageFiles, cliBuild, exists, walk } from './util.js';
import { startGitServer, type GitServer } from './gitserver.js';

const run = promisify(execFile);
let root: string;
let store: Store;
let work: string;
let server: GitServer;
let repoURL: string;

const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const g = async (cwd: string, ...args: string[]) => (await run('git', args, { cwd, env: gitEnv })).stdout.trim();

before(async () => {
  ({ root, store } = await storeWith('busybox'));
  work = await mkdtemp(join(tmpdir(), 'drydock-git-test-'));
  const served = join(work, 'served');
  const src = join(work, 'src');
  await mkdir(served);
  await mkdir(join(src, 'docs'), { recursive: true });
  await mkdir(join(src, 'bin'));
  await g(work, 'init', '-q', '--bare', '-b', 'main', join(served, 'repo.git'));
  await g(work, 'init', '-q', '-b', 'main', src);
  await writeFile(join(src, 'README'), 'readme v1\n');
  await writeFile(join(src, 'docs/guide.md'), 'guide v1\n');
  await writeFile(join(src, 'bin/run.sh'), '#!/bin/sh\necho run\n');
  await chmod(join(src, 'bin/run.sh'), 0o755);
  await g(src, 'add', '.');
  await g(src, 'commit', '-q', '-m', 'one');
  await g(src, 'tag', '-a', '-m', 'release 1', 'v1');
  await g(src, 'checkout', '-q', '-b', 'dev');
  await writeFile(join(src, 'docs/guide.md'), 'guide dev\n');
  await g(src, 'commit', '-q', '-am', 'dev work');
  await g(src, 'checkout', '-q', 'main');
  await g(src, 'push', '-q', join(served, 'repo.git'), 'main', 'dev', 'v1');
  server = await startGitServer(served);
  repoURL = `${server.url}/repo.git`;
});
after(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

test('ADD git: whole tree, tag:subdir, branch, query form, --keep-git-dir', async () => {
  const devCommit = await g(join(work, 'src'), 'rev-parse', 'dev');
  const ctx = await contextDir({ Dockerfile: `
FROM busybox
ADD ${repoURL} /src
ADD ${repoURL}#v1:docs /docs-v1/
ADD ${repoURL}#dev:docs /docs-dev
ADD ${repoURL}?ref=dev&subdir=docs /docs-query
ADD --keep-git-dir=true ${repoURL}#dev /withgit
RUN /src/bin/run.sh > /ran
` });
  await cliBuild(root, ['-t', 'git:1', ctx]);
  const img = await imageFiles(store, 'git:1');
  try {
    const read = (p: string) => readFile(join(img.dir, p), 'utf8');
    const rel = async (d: string) => (await walk(join(img.dir, d))).map((p) => p.slice(img.dir.length)).sort();
    assert.deepEqual(await rel('src'), ['/src/README', '/src/bin/run.sh', '/src/docs/guide.md']);
    assert.equal(await read('ran'), 'run\n');
    assert.equal((await stat(join(img.dir, 'src/bin/run.sh'))).mode & 0o777, 0o755);
    const st = await stat(join(img.dir, 'src/README'));
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [0, 0, 0o644]);
    assert.deepEqual(await rel('docs-v1'), ['/docs-v1/guide.md']);
    assert.equal(await read('docs-v1/guide.md'), 'guide v1\n');
    assert.equal(await read('docs-dev/guide.md'), 'guide dev\n');
    assert.equal(await read('docs-query/guide.md'), 'guide dev\n');
    assert.equal(await exists(join(img.dir, 'src/.git')), false);
    assert.equal(await exists(join(img.dir, 'withgit/.git')), true);
    assert.equal((await read('withgit/.git/HEAD')).trim(), devCommit);
  } finally { await img.cleanup(); }
});

test('ADD git: the cache follows the commit a branch points at; bad refs and checksums fail clearly', async () => {
  const ctx = await contextDir({ Dockerfile: `FROM busybox\nADD ${repoURL}#main /app\n` });
  await cliBuild(root, ['-t', 'git:2', ctx]);
  const again = await cliBuild(root, ['-t', 'git:2', ctx]);
  assert.match(again.stderr, /CACHED/);

  const src = join(work, 'src');
  await writeFile(join(src, 'README'), 'readme v2\n');
  await g(src, 'commit', '-q', '-am', 'two');
  await g(src, 'push', '-q', join(work, 'served', 'repo.git'), 'main');
  const moved = await cliBuild(root, ['-t', 'git:2', ctx]);
  assert.doesNotMatch(moved.stderr, /CACHED/);
  const img = await imageFiles(store, 'git:2');
  try {
    assert.equal(await readFile(join(img.dir, 'app/README'), 'utf8'), 'readme v2\n');
  } finally { await img.cleanup(); }

  const head = await g(src, 'rev-parse', 'main');
  const good = await contextDir({ Dockerfile: `FROM busybox\nADD --checksum=${head} ${repoURL}#main /app\n` });
  await cliBuild(root, [good]);
  const wrong = await contextDir({ Dockerfile: `FROM busybox\nADD --checksum=${'0'.repeat(40)} ${repoURL}#main /app\n` });
  assert.match((await cliBuild(root, [wrong], { expectFail: true })).stderr, /Dockerfile:2: expected checksum to match 0{40}, got [0-9a-f]{40}/);
  const noRef = await contextDir({ Dockerfile: `FROM busybox\nADD ${repoURL}#no-such-branch /app\n` });
  assert.match((await cliBuild(root, [noRef], { expectFail: true })).stderr, /no branch or tag "no-such-branch"/);
  const noDir = await contextDir({ Dockerfile: `FROM busybox\nADD ${repoURL}#main:nope /app\n` });
  assert.match((await cliBuild(root, [noDir], { expectFail: true })).stderr, /no directory "nope"/);
  const noRepo = await contextDir({ Dockerfile: `FROM busybox\nADD ${server.url}/missing.git /app\n` });
  assert.match((await cliBuild(root, [noRepo], { expectFail: true })).stderr, /git source http:\/\/127\.0\.0\.1:\d+\/missing\.git: /);
});
