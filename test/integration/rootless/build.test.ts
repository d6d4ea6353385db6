/**
 * drydock as an ordinary user (issue 19): a user made for the test, with a subordinate id range,
 * runs the real CLI; drydock re-executes itself in a user namespace (src/rootless). Its images
 * must be byte-identical to root's builds of the same Dockerfile (SOURCE_DATE_EPOCH fixed), with
 * exact ownership (RUN chown, COPY --chown), cache mounts and secrets, and push/pull must work.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runDrydock } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/paths.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith } from '../build/util.js';
import { createRootlessUser, rootlessSupported, type RootlessUser, userWorkDir } from './user.js';

const run = promisify(execFile);
const skip = await rootlessSupported();
const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };

let user: RootlessUser;
let work: string;

/** A store with these fixtures, owned by the user (root of its namespace). */
async function userStore(...f: Parameters<typeof storeWith>): Promise<string> {
  const { root } = await storeWith(...f);
  await run('chown', ['-R', `${user.uid}:${user.gid}`, root]);
  return root;
}

/** One store for the user and one for root, with the same fixtures. */
async function stores(...f: Parameters<typeof storeWith>): Promise<{ userRoot: string; rootRoot: string }> {
  return { userRoot: await userStore(...f), rootRoot: (await storeWith(...f)).root };
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  return lines[0]!;
}

async function context(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(work, 'ctx-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  await run('chmod', ['-R', 'a+rX', dir]);
  return dir;
}

/** `build -q` as root and as the user: both image ids. */
async function bothBuild(args: string[], roots: { userRoot: string; rootRoot: string }, cwd: string): Promise<{ root: string; rootless: string }> {
  const asRoot = await runDrydock(['--root', roots.rootRoot, 'build', '-q', ...args], { cwd, env: EPOCH });
  assert.equal(asRoot.code, 0, asRoot.stderr);
  const asUser = await user.runAs(['--root', roots.userRoot, 'build', '-q', ...args], { cwd, env: EPOCH });
  assert.equal(asUser.code, 0, asUser.stderr);
  return { root: asRoot.stdout.trim(), rootless: asUser.stdout.trim() };
}

before(async () => {
  if (skip) return;
  user = await createRootlessUser();
  work = await userWorkDir('drydock-rootless-');
});

after(async () => {
  await user?.remove();
  if (work) await rm(work, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

test('drydock info as a user: rootless, overlay with userxattr, store under ~/.local/share', { skip }, async () => {
  const r = await user.runAs(['info', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout) as { store: string; snapshotter: string; rootless: boolean; runtime: { root: string; rootless: boolean }; userNamespace: { hostUid: number; uidMap: string[] } };
  assert.equal(info.rootless, true);
  assert.equal(info.store, `${user.home}/.local/share/drydock`);
  assert.equal(info.snapshotter, 'overlay (userxattr)');
  assert.equal(info.runtime.rootless, true);
  assert.equal(info.runtime.root, `/dev/shm/drydock-${user.uid}/runc`);
  assert.equal(info.userNamespace.hostUid, user.uid);
  assert.deepEqual(info.userNamespace.uidMap, [`0:${user.uid}:1`, `1:${user.range!.start}:${user.range!.count}`]);
  const asRoot = await runDrydock(['info', '--json'], { env: { DRYDOCK_ROOT: path.join(work, 'root-info') } });
  assert.equal(JSON.parse(asRoot.stdout).rootless, false);
  // Started as root of a namespace made outside (podman unshare, rootlesskit): no re-exec, still the user's paths.
  const inside = await user.runAs(['info', '--json'], { wrap: ['unshare', '--map-root-user', '--mount'] });
  assert.equal(inside.code, 0, inside.stderr);
  const i2 = JSON.parse(inside.stdout) as typeof info;
  assert.deepEqual([i2.rootless, i2.store, i2.userNamespace.hostUid, i2.userNamespace.uidMap], [true, `${user.home}/.local/share/drydock`, user.uid, [`0:${user.uid}:1`]]);
});

test('RUN chown, COPY --chown, cache mounts, secrets and --network=none: the same image as root builds', { skip }, async () => {
  const roots = await stores('busybox');
  const ctx = await context({
    'a.txt': 'a\n',
    'tok': 's3cret',
    Dockerfile: [
      'FROM busybox:latest',
      'RUN mkdir -p /d/e && echo hi > /d/f && chown -R 1000:1000 /d && chown 65534:65534 /d/e && touch /g && chown 123:456 /g',
      'COPY --chown=4242:100 a.txt /app/a.txt',
      'RUN --mount=type=cache,target=/cache,uid=1000 touch /cache/x && stat -c %u /cache > /cache-owner',
      'RUN --mount=type=secret,id=tok test "$(cat /run/secrets/tok)" = s3cret && touch /secret-seen',
      'RUN --network=none sh -c "ls /sys/class/net > /nets"',
      'RUN stat -c "%n %u:%g" /d /d/f /d/e /g /app/a.txt > /owners && cat /owners',
    ].join('\n'),
  });
  const ids = await bothBuild(['-t', 'owners:1', '--secret', `id=tok,src=${path.join(ctx, 'tok')}`, '.'], roots, ctx);
  assert.match(ids.rootless, /^sha256:[0-9a-f]{64}$/);
  assert.equal(ids.rootless, ids.root);
  // The owners as the image holds them (read back by the user, in a container).
  const r = await user.runAs(['--root', roots.userRoot, 'run', 'owners:1', 'cat', '/owners', '/cache-owner']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '/d 1000:1000\n/d/f 1000:1000\n/d/e 65534:65534\n/g 123:456\n/app/a.txt 4242:100\n1000\n');
});

test('an id beyond the subordinate range is refused by name, with the range', { skip }, async () => {
  const roots = await stores('busybox');
  const ctx = await context({ 'a.txt': 'a\n', Dockerfile: 'FROM busybox:latest\nCOPY --chown=70000:5 a.txt /a\n', 'Dockerfile.user': 'FROM busybox:latest\nUSER 99999\nRUN id\n',
    'Dockerfile.workdir': 'FROM busybox:latest\nUSER 80000\nWORKDIR /w\n', 'Dockerfile.cache': 'FROM busybox:latest\nRUN --mount=type=cache,target=/c,uid=90000 true\n' });
  const copy = await user.runAs(['--root', roots.userRoot, 'build', '-q', '.'], { cwd: ctx });
  assert.equal(copy.code, 1);
  assert.equal(copy.stderr.trim().split('\n').length, 1, copy.stderr);
  assert.match(copy.stderr, new RegExp(`^error: Dockerfile:2: --chown=70000:5: uid 70000 is beyond this rootless user namespace's uids 0-${user.range!.count} \\(1-${user.range!.count} are ${user.range!.start}-`));
  const run2 = await user.runAs(['--root', roots.userRoot, 'build', '-q', '-f', 'Dockerfile.user', '.'], { cwd: ctx });
  assert.equal(run2.code, 1);
  assert.match(run2.stderr, /^error: Dockerfile.user:3: USER 99999: uid 99999 is beyond/);
  const workdir = await user.runAs(['--root', roots.userRoot, 'build', '-q', '-f', 'Dockerfile.workdir', '.'], { cwd: ctx });
  assert.match(oneLine(workdir.stderr), /^error: Dockerfile.workdir:3: WORKDIR \/w for USER 80000: uid 80000 is beyond/);
  const cache = await user.runAs(['--root', roots.userRoot, 'build', '-q', '-f', 'Dockerfile.cache', '.'], { cwd: ctx });
  assert.match(oneLine(cache.stderr), /^error: Dockerfile.cache:2: --mount=type=cache,target=\/c: uid 90000 is beyond/);
});

test('the seed example (examples/go-hello), multi- and single-stage: built and run by the user, the same image as root', { skip }, async () => {
  const roots = await stores('busybox', 'golang');
  const ctx = path.join(repoRoot, 'examples/go-hello');
  const multi = await bothBuild(['-t', 'go-hello:multi', '.'], roots, ctx);
  assert.equal(multi.rootless, multi.root);
  const single = await user.runAs(['--root', roots.userRoot, 'build', '-q', '-f', 'Dockerfile.single', '-t', 'go-hello:single', '.'], { cwd: ctx, env: EPOCH });
  assert.equal(single.code, 0, single.stderr);
  for (const ref of ['go-hello:multi', 'go-hello:single']) {
    const r = await user.runAs(['--root', roots.userRoot, 'run', ref]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^hello from drydock\n/);
  }
});

test('push to and pull from a loopback registry as the user', { skip }, async (t) => {
  const registry: RegistryFixture = await startRegistry();
  t.after(() => registry.stop());
  const roots = await stores('busybox');
  const ctx = await context({ Dockerfile: 'FROM busybox:latest\nRUN echo pushed > /p && chown 7:7 /p\n' });
  const ref = `${registry.host}/rootless/p:1`;
  const built = await bothBuild(['-t', ref, '.'], roots, ctx);
  assert.equal(built.rootless, built.root);
  const push = await user.runAs(['--root', roots.userRoot, 'push', ref]);
  assert.equal(push.code, 0, push.stderr);
  // A fresh store of the user's pulls it back, and root pulls the same image.
  const fresh = await mkdtemp(path.join(work, 'pull-'));
  await run('chown', [`${user.uid}:${user.gid}`, fresh]);
  const pull = await user.runAs(['--root', fresh, 'pull', ref]);
  assert.equal(pull.code, 0, pull.stderr);
  const out = await user.runAs(['--root', fresh, 'run', ref, 'stat', '-c', '%u:%g', '/p']);
  assert.equal(out.stdout, '7:7\n', out.stderr);
  const rootPull = await runDrydock(['--root', path.join(work, 'root-pull'), 'pull', ref]);
  assert.equal(rootPull.code, 0, rootPull.stderr);
  const ids = await runDrydock(['--root', path.join(work, 'root-pull'), 'images', '-q', '--no-trunc']);
  assert.equal(ids.stdout.trim(), built.root);
});

test('apt-get install in a Debian stage, as the user: apt drops to _apt (uid 42) and the network is the host\'s', { skip }, async () => {
  const root = await userStore('debian');
  const ctx = await context({
    Dockerfile: [
      'FROM debian:bookworm',
      'RUN apt-get update && apt-get install -y --no-install-recommends hello && rm -rf /var/lib/apt/lists/*',
      'RUN hello > /out && stat -c %U:%u /var/cache/apt/archives/partial >> /out',
    ].join('\n'),
  });
  const b = await user.runAs(['--root', root, 'build', '-q', '-t', 'apt:1', '.'], { cwd: ctx });
  assert.equal(b.code, 0, b.stderr);
  const r = await user.runAs(['--root', root, 'run', 'apt:1', 'cat', '/out']);
  assert.equal(r.stdout, 'Hello, world!\n_apt:42\n', r.stderr);
});

test('SIGTERM cancels a rootless build at once: forwarded into the namespace, the container killed without cgroups', { skip }, async () => {
  const root = await userStore('busybox');
  const ctx = await context({ Dockerfile: 'FROM busybox:latest\nRUN sleep 120\n' });
  let signalled = 0;
  const r = await user.runAs(['--root', root, 'build', '--progress', 'plain', '.'], {
    cwd: ctx,
    onStderr(all, child) {
      if (!signalled && /RUN sleep 120/.test(all)) {
        signalled = Date.now();
        // After the container started: the step line comes before runc runs it.
        setTimeout(() => child.kill('SIGTERM'), 1500);
      }
    },
  });
  assert.ok(signalled, r.stderr);
  assert.ok(Date.now() - signalled < 30_000, `took ${Date.now() - signalled} ms`);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /build cancelled/);
  const left = await run('pgrep', ['-u', String(user.uid), '-f', 'sleep 120']).then((o) => o.stdout, () => '');
  assert.equal(left, '');
});

test('a base image with device nodes: unpacked without them as the user (as rootless Docker does), the RUN over it sees only the FIFO', { skip }, async () => {
  const roots = await stores('busybox');
  const base = await context({ Dockerfile: 'FROM busybox:latest\nRUN mkdir /devs && mknod /devs/null c 1 3 && mknod /devs/loop b 7 0 && mkfifo /devs/fifo\n' });
  const made = await runDrydock(['--root', roots.rootRoot, 'build', '-q', '-t', 'with-devs:1', '.'], { cwd: base, env: EPOCH });
  assert.equal(made.code, 0, made.stderr);
  const tar = path.join(work, 'with-devs.tar');
  assert.equal((await runDrydock(['--root', roots.rootRoot, 'save', '-o', tar, 'with-devs:1'])).code, 0);
  await chmod(tar, 0o644);
  const load = await user.runAs(['--root', roots.userRoot, 'load', '-i', tar]);
  assert.equal(load.code, 0, load.stderr);
  const ctx = await context({ Dockerfile: 'FROM with-devs:1\nRUN ls /devs > /listed\n' });
  const ids = await bothBuild(['.'], roots, ctx);
  // The RUN saw no devices as the user (only the FIFO), so its layer differs from root's.
  assert.notEqual(ids.rootless, ids.root);
  const seen = await user.runAs(['--root', roots.userRoot, 'run', 'with-devs:1', 'ls', '/devs']);
  assert.equal(seen.stdout, 'fifo\n', seen.stderr);
});

test('a runtime dir in /dev/shm that another user made is refused, not used (bundles hold secrets)', { skip }, async (t) => {
  const root = await userStore('busybox');
  const ctx = await context({ Dockerfile: 'FROM busybox:latest\nRUN true\n' });
  const dir = `/dev/shm/drydock-${user.uid}`;
  await rm(dir, { recursive: true, force: true });
  await run('install', ['-d', '-m', '1777', dir]); // made by root: not the user's
  t.after(() => rm(dir, { recursive: true, force: true }));
  const r = await user.runAs(['--root', root, 'build', '-q', '.'], { cwd: ctx });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`rootless: ${dir} is not a private directory of this user`));
});
