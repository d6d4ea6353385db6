/**
 * `--build-context NAME=VALUE` through the CLI, each kind of value (a directory, docker-image://
 * from the local store and from a registry, oci-layout:// by tag and digest, a git repository,
 * an http URL) used by FROM NAME, COPY --from=NAME and RUN --mount=from=NAME, and a stage
 * replaced by the context of its name (BuildKit's frontend/dockerui/namedcontext.go and
 * dockerfile2llb's toDispatchState / resolveBaseImage).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chown, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openStore, type Store } from '../../../src/store/index.js';
import type { Index } from '../../../src/image/oci.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { startRegistry } from '../../helpers/registry.js';
import { runDrydock } from '../../helpers/cli.js';
import { storeWith, contextDir, imageFiles, cliBuild, exists } from './util.js';
import { startGitServer } from './gitserver.js';

const run = promisify(execFile);
let root: string;
let store: Store;
let dir: string;

before(async () => {
  ({ root, store } = await storeWith('busybox'));
  // a directory context with its own .dockerignore, files owned by someone else
  dir = await contextDir({ 'a.txt': 'from dir\n', 'sub/b.txt': 'b\n', 'secret.txt': 'ignored\n', '.dockerignore': 'secret.txt\n' });
  await chown(join(dir, 'a.txt'), 1234, 1234);
});
after(removeTmpStoreRoots);

async function inImage(s: Store, tag: string, fn: (fs: string) => Promise<void>): Promise<void> {
  const img = await imageFiles(s, tag);
  try { await fn(img.dir); } finally { await img.cleanup(); }
}

test('a directory: COPY --from and RUN --mount=from see it without what its .dockerignore excludes, files owned 0:0; a stage of that name is replaced', async () => {
  const ctx = await contextDir({ Dockerfile: `
FROM busybox AS deps
RUN echo "a replaced stage never runs" && exit 3
FROM busybox
COPY --from=src / /src/
COPY --from=deps /sub/b.txt /deps-b.txt
RUN --mount=from=src,target=/m cat /m/a.txt > /mounted.txt && ls -A /m > /mount-ls.txt
` });
  const args = ['-t', 'named:dir', '--build-context', `src=${dir}`, '--build-context', `deps=${dir}`, ctx];
  await cliBuild(root, args);
  await inImage(store, 'named:dir', async (fs) => {
    assert.equal(await readFile(join(fs, 'src/a.txt'), 'utf8'), 'from dir\n');
    assert.equal(await readFile(join(fs, 'src/sub/b.txt'), 'utf8'), 'b\n');
    assert.equal(await exists(join(fs, 'src/secret.txt')), false, 'the context\'s own .dockerignore applies');
    assert.equal((await stat(join(fs, 'src/a.txt'))).uid, 0, 'local files arrive owned by root, as from the build context');
    assert.equal(await readFile(join(fs, 'deps-b.txt'), 'utf8'), 'b\n');
    assert.equal(await readFile(join(fs, 'mounted.txt'), 'utf8'), 'from dir\n');
    assert.doesNotMatch(await readFile(join(fs, 'mount-ls.txt'), 'utf8'), /secret/);
  });

  // unchanged: every step cached; a changed file: the steps reading it run again
  const again = await cliBuild(root, args);
  assert.doesNotMatch(again.stderr, /^#\d+ \[.*\] (COPY|RUN)[^\n]*\n(?!#\d+ CACHED)/m);
  assert.equal((again.stderr.match(/CACHED/g) ?? []).length, 3, again.stderr);
  await writeFile(join(dir, 'a.txt'), 'changed\n');
  try {
    await cliBuild(root, ['-t', 'named:dir2', ...args.slice(2)]);
    await inImage(store, 'named:dir2', async (fs) => assert.equal(await readFile(join(fs, 'mounted.txt'), 'utf8'), 'changed\n'));
  } finally { await writeFile(join(dir, 'a.txt'), 'from dir\n'); }
});

test('a directory as FROM: its files are the base layer, with the empty image config', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM rootfs:latest\nCOPY extra.txt /\n', 'extra.txt': 'extra\n' });
  await cliBuild(root, ['-t', 'named:from-dir', '--build-context', `rootfs=${dir}`, ctx]);
  const img = await imageFiles(store, 'named:from-dir');
  try {
    assert.equal(await readFile(join(img.dir, 'a.txt'), 'utf8'), 'from dir\n');
    assert.equal(await readFile(join(img.dir, 'extra.txt'), 'utf8'), 'extra\n');
    assert.equal(await exists(join(img.dir, 'secret.txt')), false);
    assert.equal(img.config.rootfs.diff_ids.length, 2);
    assert.deepEqual(img.config.history?.map((h) => h.comment), ['buildkit.exporter.image.v0', 'buildkit.dockerfile.v0']);
    assert.equal(img.config.config?.WorkingDir, '/');
    assert.ok(img.config.config?.Env?.some((e) => e.startsWith('PATH=')));
  } finally { await img.cleanup(); }
});

test('docker-image://: an image from the local store overrides FROM NAME and serves COPY --from=NAME', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM alpine\nRUN echo built > /built.txt\nCOPY --from=tools /bin/busybox /bb\n' });
  // "alpine" is not in the store and never pulled: the context points at busybox
  await cliBuild(root, ['-t', 'named:image', '--build-context', 'alpine=docker-image://busybox:latest', '--build-context', 'tools=docker-image://busybox', ctx]);
  assert.equal(await store.images.get('alpine'), undefined);
  await inImage(store, 'named:image', async (fs) => {
    assert.equal(await readFile(join(fs, 'built.txt'), 'utf8'), 'built\n');
    assert.deepEqual(await readFile(join(fs, 'bb')), await readFile(join(fs, 'bin/busybox')));
  });
  const rec = await store.images.get('named:image');
  const base = await store.images.get('busybox:latest');
  const m = await store.content.readJSON<{ layers: Array<{ digest: string }> }>(rec!.target.digest);
  const b = await store.content.readJSON<{ layers: Array<{ digest: string }> }>(base!.target.digest);
  assert.equal(m.layers[0]!.digest, b.layers[0]!.digest, 'built on busybox');
});

test('docker-image://: an image in a registry is pulled, as FROM would pull it', async () => {
  const registry = await startRegistry();
  try {
    const ref = `${registry.host}/named/base:1`;
    await cliBuild(root, ['-t', ref, '--push', await contextDir({ Dockerfile: 'FROM busybox\nRUN echo reg > /reg.txt\n' })]);
    const fresh = await tmpStoreRoot();
    const ctx = await contextDir({ Dockerfile: 'FROM base\nRUN cp /reg.txt /copied.txt\nCOPY --from=base /reg.txt /again.txt\n' });
    await cliBuild(fresh, ['-t', 'named:pulled', '--build-context', `base=docker-image://${ref}`, ctx]);
    const s = await openStore(fresh);
    await inImage(s, 'named:pulled', async (fs) => {
      assert.equal(await readFile(join(fs, 'copied.txt'), 'utf8'), 'reg\n');
      assert.equal(await readFile(join(fs, 'again.txt'), 'utf8'), 'reg\n');
    });
  } finally { await registry.stop(); }
});

test('oci-layout://: the layout\'s image by tag, by digest, or its only one; blobs taken from the layout', async () => {
  const out = await mkdtemp(join(tmpdir(), 'drydock-layout-'));
  await cliBuild(root, ['-t', 'layout:1', '-o', `type=oci,dest=${join(out, 'l.tar')}`, await contextDir({ Dockerfile: 'FROM busybox\nRUN echo oci > /oci.txt\n' })]);
  const layout = join(out, 'layout');
  await mkdir(layout);
  await run('tar', ['-xf', join(out, 'l.tar'), '-C', layout]);
  const digest = (JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as Index).manifests[0]!.digest;

  const copy = await contextDir({ Dockerfile: 'FROM busybox\nCOPY --from=img /oci.txt /from-layout.txt\n' });
  await cliBuild(root, ['-t', 'named:layout-tag', '--build-context', `img=oci-layout://${layout}:1`, copy]);
  await inImage(store, 'named:layout-tag', async (fs) => assert.equal(await readFile(join(fs, 'from-layout.txt'), 'utf8'), 'oci\n'));

  // a store that has nothing: FROM the layout's image by digest, and RUN on it
  const fresh = await tmpStoreRoot();
  const from = await contextDir({ Dockerfile: 'FROM img\nRUN cat /oci.txt > /again.txt\n' });
  await cliBuild(fresh, ['-t', 'named:layout-digest', '--build-context', `img=oci-layout://${layout}@${digest}`, from]);
  await inImage(await openStore(fresh), 'named:layout-digest', async (fs) => assert.equal(await readFile(join(fs, 'again.txt'), 'utf8'), 'oci\n'));

  // no tag means "latest"; not found, the layout's only image is used (buildx resolveDigest)
  await cliBuild(root, ['-t', 'named:layout-single', '--build-context', `img=oci-layout://${layout}`, copy]);

  const missing = await runDrydock(['build', '--build-context', `img=oci-layout://${join(out, 'nothing')}:1`, copy], { root });
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /build context img: .*not an OCI image layout/);
});

test('a git repository and an http URL: the checkout (#ref:subdir), and the download as the file "context"', async () => {
  const work = await mkdtemp(join(tmpdir(), 'drydock-named-git-'));
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
  const g = (cwd: string, ...args: string[]) => run('git', args, { cwd, env });
  const src = join(work, 'src');
  await mkdir(join(src, 'pkg'), { recursive: true });
  await mkdir(join(work, 'served'));
  await writeFile(join(src, 'README'), 'readme\n');
  await writeFile(join(src, 'pkg/lib.txt'), 'lib\n');
  await g(work, 'init', '-q', '--bare', '-b', 'main', join(work, 'served/repo.git'));
  await g(work, 'init', '-q', '-b', 'main', src);
  await g(src, 'add', '.');
  await g(src, 'commit', '-q', '-m', 'one');
  await g(src, 'push', '-q', join(work, 'served/repo.git'), 'main');
  const git = await startGitServer(join(work, 'served'));
  const http = createServer((req, res) => {
    if (req.url === '/tool.sh') res.writeHead(200, { 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT' }).end('#!/bin/sh\necho tool\n');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  try {
    const ctx = await contextDir({ Dockerfile: `
FROM busybox
COPY --from=repo / /repo/
COPY --from=pkg / /pkg/
COPY --from=dl /context /tool.sh
RUN --mount=from=dl,target=/dl ls -l /dl > /dl-ls.txt
` });
    await cliBuild(root, ['-t', 'named:remote',
      '--build-context', `repo=${git.url}/repo.git`,
      '--build-context', `pkg=${git.url}/repo.git#main:pkg`,
      '--build-context', `dl=${base}/tool.sh`, ctx]);
    await inImage(store, 'named:remote', async (fs) => {
      assert.equal(await readFile(join(fs, 'repo/README'), 'utf8'), 'readme\n');
      assert.equal(await exists(join(fs, 'repo/.git')), false);
      assert.equal(await readFile(join(fs, 'pkg/lib.txt'), 'utf8'), 'lib\n');
      assert.equal(await exists(join(fs, 'pkg/README')), false);
      assert.equal(await readFile(join(fs, 'tool.sh'), 'utf8'), '#!/bin/sh\necho tool\n');
      const st = await stat(join(fs, 'tool.sh'));
      assert.equal(st.mode & 0o777, 0o600);
      assert.equal(st.mtime.toISOString(), '2015-10-21T07:28:00.000Z');
      assert.match(await readFile(join(fs, 'dl-ls.txt'), 'utf8'), / context\n$/);
    });
  } finally {
    await git.stop();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

test('bad values: a missing directory, an invalid name', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\n' });
  const missing = await runDrydock(['build', '--build-context', 'x=/nonexistent/dir', ctx], { root });
  assert.equal(missing.code, 1, missing.stderr);
  assert.match(missing.stderr, /failed to get build context x: \/nonexistent\/dir: no such file or directory/);
  const bad = await runDrydock(['build', '--build-context', `Bad=${dir}`, ctx], { root });
  assert.match(bad.stderr, /invalid context name Bad/);
  const noValue = await runDrydock(['build', '--build-context', 'x', ctx], { root });
  assert.match(noValue.stderr, /invalid --build-context "x", expected NAME=VALUE/);
});
