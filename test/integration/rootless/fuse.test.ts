/**
 * The fuse-overlayfs snapshotter (src/snapshot/fuse-overlay.ts), forced with DRYDOCK_SNAPSHOTTER,
 * as an ordinary user: fuse-overlayfs writes deletions and opaque directories its own way in the
 * upperdir; the layers must still be byte-identical to root's kernel-overlay build, and the layer
 * dirs it leaves must read right under the kernel's overlayfs afterwards (the next boot's probe).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { mountFuseOverlay } from '../../../src/snapshot/fuse-overlay.js';
import { unmount, type LayerStore } from '../../../src/snapshot/store.js';
import { runDrydock } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/paths.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith } from '../build/util.js';
import { createRootlessUser, rootlessSupported, type RootlessUser, userWorkDir } from './user.js';

const run = promisify(execFile);
const skip = await rootlessSupported();
const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };
const FUSE = { ...EPOCH, DRYDOCK_SNAPSHOTTER: 'fuse-overlayfs' };
const FUSE_OVERLAYFS = 'fuse-overlayfs';

let user: RootlessUser;
let work: string;
/** /dev/fuse's mode before the test, when it had to be opened to all (as udev makes it on Debian). */
let fuseMode: number | undefined;

before(async () => {
  if (skip) return;
  if (await run('sh', ['-c', 'command -v fuse-overlayfs']).then(() => false, () => true)) {
    throw new Error('fuse-overlayfs is missing: run scripts/setup.sh (Debian package fuse-overlayfs)');
  }
  // A user namespace's root opens /dev/fuse as the user: containers and minimal VMs make it 0600.
  const mode = (await stat('/dev/fuse')).mode & 0o777;
  if ((mode & 0o006) !== 0o006) {
    fuseMode = mode;
    await chmod('/dev/fuse', 0o666);
  }
  user = await createRootlessUser();
  work = await userWorkDir('drydock-fuse-');
});

after(async () => {
  if (fuseMode !== undefined) await chmod('/dev/fuse', fuseMode);
  await user?.remove();
  if (work) await rm(work, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

async function context(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(work, 'ctx-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  await run('chmod', ['-R', 'a+rX', dir]);
  return dir;
}

test('drydock info as a user with DRYDOCK_SNAPSHOTTER=fuse-overlayfs reports it; an unknown driver is one line', { skip }, async () => {
  const r = await user.runAs(['info', '--json'], { env: { DRYDOCK_SNAPSHOTTER: 'fuse-overlayfs' } });
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout) as { snapshotter: string; rootless: boolean };
  assert.deepEqual([info.snapshotter, info.rootless], ['fuse-overlayfs', true]);
  const bad = await user.runAs(['info'], { env: { DRYDOCK_SNAPSHOTTER: 'zfs' } });
  assert.notEqual(bad.code, 0);
  assert.equal(bad.stderr.trim(), 'error: DRYDOCK_SNAPSHOTTER=zfs: not a snapshotter (auto, overlay, fuse-overlayfs, copy)');
});

test('fuse-overlayfs as the user: deletions, chowns, opaque dirs in a multi-stage build; the same image as root; its layers read by kernel overlay after', { skip }, async () => {
  const { root: userRoot } = await storeWith('busybox');
  await run('chown', ['-R', `${user.uid}:${user.gid}`, userRoot]);
  const { root: rootRoot } = await storeWith('busybox');
  const ctx = await context({
    Dockerfile: [
      'FROM busybox:latest AS base',
      'RUN mkdir -p /opt/d/sub && echo a > /opt/d/a && echo b > /opt/d/sub/b && chown -R 1000:1000 /opt/d',
      // A base file deleted (whiteout), a dir of a lower layer replaced (opaque), ownership set.
      'RUN rm /etc/group && rm -rf /opt/d && mkdir /opt/d && echo c > /opt/d/c && chown 33:44 /opt/d/c && touch /f && chown 123:456 /f && chmod 4755 /f',
      'RUN test ! -e /etc/group && test "$(ls -A /opt/d)" = c && test "$(stat -c %u:%g /opt/d/c)" = 33:44',
      'FROM busybox:latest',
      'COPY --from=base /opt /opt',
      'COPY --from=base --chown=9:9 /f /f',
      'RUN rm /bin/vi /etc/group && rm -rf /home && mkdir /home && chown 7:7 /home && mkdir /x && chown 65534:65534 /x',
      'RUN test ! -e /bin/vi && test "$(ls -A /opt/d)" = c && stat -c "%n %u:%g %a" /f /home /x /opt/d/c > /owners',
    ].join('\n'),
  });
  const asRoot = await runDrydock(['--root', rootRoot, 'build', '-q', '-t', 'fz:1', '.'], { cwd: ctx, env: EPOCH });
  assert.equal(asRoot.code, 0, asRoot.stderr);
  const asUser = await user.runAs(['--root', userRoot, 'build', '-q', '-t', 'fz:1', '.'], { cwd: ctx, env: FUSE });
  assert.equal(asUser.code, 0, asUser.stderr);
  assert.match(asUser.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
  assert.equal(asUser.stdout.trim(), asRoot.stdout.trim());
  const owners = await user.runAs(['--root', userRoot, 'run', 'fz:1', 'cat', '/owners'], { env: FUSE });
  assert.equal(owners.code, 0, owners.stderr);
  assert.equal(owners.stdout, '/f 9:9 4755\n/home 7:7 755\n/x 65534:65534 755\n/opt/d/c 33:44 644\n');
  // The layer dirs fuse-overlayfs made, mounted by the kernel's overlayfs: the same view.
  const next = await context({ Dockerfile: 'FROM fz:1\nRUN test ! -e /bin/vi && test ! -e /etc/group && test "$(ls -A /opt/d)" = c && test -z "$(ls -A /home)"\n' });
  const kernel = await user.runAs(['--root', userRoot, 'build', '-q', '--snapshotter', 'overlay', '.'], { cwd: next, env: EPOCH });
  assert.equal(kernel.code, 0, kernel.stderr);
});

test('the seed example (examples/go-hello, multi-stage) on fuse-overlayfs as the user: the same image as root, and it runs', { skip }, async () => {
  const { root: userRoot } = await storeWith('busybox', 'golang');
  await run('chown', ['-R', `${user.uid}:${user.gid}`, userRoot]);
  const { root: rootRoot } = await storeWith('busybox', 'golang');
  const ctx = path.join(repoRoot, 'examples/go-hello');
  const asRoot = await runDrydock(['--root', rootRoot, 'build', '-q', '-t', 'go-hello:multi', '.'], { cwd: ctx, env: EPOCH });
  assert.equal(asRoot.code, 0, asRoot.stderr);
  const asUser = await user.runAs(['--root', userRoot, 'build', '-q', '-t', 'go-hello:multi', '.'], { cwd: ctx, env: FUSE });
  assert.equal(asUser.code, 0, asUser.stderr);
  assert.equal(asUser.stdout.trim(), asRoot.stdout.trim());
  const r = await user.runAs(['--root', userRoot, 'run', 'go-hello:multi'], { env: FUSE });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^hello from drydock\n/);
});

test('apt-get install in a Debian stage on fuse-overlayfs as the user (dpkg\'s renames, _apt\'s files)', { skip }, async () => {
  const { root } = await storeWith('debian');
  await run('chown', ['-R', `${user.uid}:${user.gid}`, root]);
  const ctx = await context({
    Dockerfile: [
      'FROM debian:bookworm',
      'RUN apt-get update && apt-get install -y --no-install-recommends hello && rm -rf /var/lib/apt/lists/*',
      'RUN hello > /out && stat -c %U:%u /var/cache/apt/archives/partial >> /out && test ! -e /var/lib/apt/lists/lock',
    ].join('\n'),
  });
  const b = await user.runAs(['--root', root, 'build', '-q', '-t', 'apt:1', '.'], { cwd: ctx, env: FUSE });
  assert.equal(b.code, 0, b.stderr);
  const r = await user.runAs(['--root', root, 'run', 'apt:1', 'cat', '/out'], { env: FUSE });
  assert.equal(r.stdout, 'Hello, world!\n_apt:42\n', r.stderr);
});

/**
 * A subreaper (prctl PR_SET_CHILD_SUBREAPER) around the CLI, as PID 1 of a pod is: a process
 * orphaned below it comes to it, and it never reaps. After the CLI exits it prints how many
 * fuse-overlayfs processes, zombie or not, it was left with.
 */
const SUBREAPER = [
  'perl', '-e',
  'syscall(157, 36, 1) == 0 or die "prctl: $!\n"; my $pid = fork // die; if (!$pid) { exec @ARGV or die "exec: $!\n" } '
  + 'waitpid($pid, 0); my $code = $? >> 8; my $n = 0; '
  + 'for my $d (glob "/proc/[0-9]*") { open(my $f, "<", "$d/status") or next; my %s = map { /^(\\w+):\\s*(.*)/ ? ($1, $2) : () } <$f>; '
  + '$n++ if $s{Name} eq "fuse-overlayfs" && $s{PPid} == $$ } print STDERR "fuse-overlayfs left: $n\n"; exit $code',
  '--',
];

test('fuse-overlayfs runs as drydock\'s child and is reaped at unmount: none left after a build as the user under a subreaper that never reaps', { skip }, async () => {
  const { root } = await storeWith('busybox');
  await run('chown', ['-R', `${user.uid}:${user.gid}`, root]);
  const ctx = await context({ Dockerfile: 'FROM busybox:latest\nRUN echo a > /a\nRUN rm /a && mkdir /d\nCOPY Dockerfile /d/\n' });
  const b = await user.runAs(['--root', root, 'build', '-q', '-t', 'reap:1', '.'], { cwd: ctx, env: FUSE, wrap: SUBREAPER });
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stderr, /^fuse-overlayfs left: 0$/m);
  const left = await run('pgrep', ['-u', String(user.uid), '-x', FUSE_OVERLAYFS]).then((r) => r.stdout, () => '');
  assert.equal(left, '');
});

test('mountFuseOverlay: mounted when it returns, its server a child until unmount() reaps it; a server that dies early is one line with its stderr', { skip }, async () => {
  const root = await mkdtemp(path.join(work, 'mnt-'));
  for (const d of ['lower', 'upper', 'work', 'merged']) await mkdir(path.join(root, d));
  await writeFile(path.join(root, 'lower/f'), 'lower');
  const store = { root } as LayerStore;
  const children = () => run('pgrep', ['-P', String(process.pid), '-x', FUSE_OVERLAYFS]).then((r) => r.stdout.trim(), () => '');
  await mountFuseOverlay(store, ['lower'], path.join(root, 'merged'), { upper: path.join(root, 'upper'), work: path.join(root, 'work') });
  try {
    const pid = await children();
    assert.match(pid, /^\d+$/);
    // Its own session: the terminal's Ctrl-C reaches drydock (which unmounts), not the server.
    const sid = (p: string) => run('ps', ['-o', 'sid=', '-p', p]).then((r) => r.stdout.trim());
    assert.notEqual(await sid(pid), await sid(String(process.pid)));
    await writeFile(path.join(root, 'merged/g'), 'upper');
  } finally {
    await unmount(path.join(root, 'merged'));
  }
  assert.equal(await children(), '');
  assert.equal((await stat(path.join(root, 'upper/g'))).size, 5);
  const err = await mountFuseOverlay(store, ['missing'], path.join(root, 'merged')).then(() => undefined, (e: Error) => e);
  assert.ok(err, 'a missing lowerdir mounted');
  assert.match(err.message, /^fuse-overlayfs could not mount \S+merged \(exit \d+\): .*missing/);
  assert.doesNotMatch(err.message, /\n/);
  assert.equal(await children(), '');
});
