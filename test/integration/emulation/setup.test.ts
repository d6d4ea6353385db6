/**
 * `drydock setup binfmt`, run in a user namespace with its own binfmt_misc (Linux 6.7+: mounting it
 * there makes the namespace's own, empty instance), so the host's registrations are neither used nor touched: from nothing mounted, it mounts binfmt_misc,
 * registers qemu-user-static's emulators with the F flag, and an arm64 busybox then runs; again,
 * it changes nothing; an entry registered without F is registered again with it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseEntry } from '../../../src/exec/binfmt.js';
import { runDrydock } from '../../helpers/cli.js';
import { foreignBusyboxRootfs } from '../../helpers/platform-fixtures.js';
import { NO_EMULATION, sandboxed } from './util.js';

const run = promisify(execFile);
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drydock-binfmt-'));
  for (const [p, name] of [['linux/arm64', 'busybox-arm64'], ['linux/arm/v7', 'busybox-arm']] as const) {
    await run('tar', ['-xf', await foreignBusyboxRootfs(p), '-C', dir, './bin/busybox']);
    await run('mv', [join(dir, 'bin/busybox'), join(dir, name)]);
  }
});
after(() => rm(dir, { recursive: true, force: true }));


test('from an unmounted binfmt_misc: mounts, registers with F, arm64 programs run; again changes nothing', async () => {
  const r = await sandboxed(`${NO_EMULATION}
    if "$D/busybox-arm64" true 2>/dev/null; then echo ran-before; fi
    "$@" > "$D/first.txt"
    "$@" > "$D/second.txt"
    cat /proc/sys/fs/binfmt_misc/qemu-aarch64 > "$D/entry.txt"
    "$D/busybox-arm64" uname -m > "$D/machine.txt"
  `, ['setup', 'binfmt'], { D: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /ran-before/); // nothing could run arm64 before setup
  const first = await readFile(join(dir, 'first.txt'), 'utf8');
  assert.match(first, /^mounted binfmt_misc at \/proc\/sys\/fs\/binfmt_misc\n/);
  assert.match(first, /^qemu-aarch64 \(arm64\): registered, \/usr\/libexec\/qemu-binfmt\/aarch64-binfmt-P$/m);
  assert.match(first, /^qemu-arm \(arm\): registered, /m);
  assert.doesNotMatch(first, /x86_64|i386/); // the host's own architectures are not emulated
  const second = (await readFile(join(dir, 'second.txt'), 'utf8')).trim().split('\n');
  assert.equal(second.length, first.trim().split('\n').length - 1);
  assert.ok(second.every((l) => l.includes(': already registered, ')), second.join('\n'));
  const entry = parseEntry('qemu-aarch64', await readFile(join(dir, 'entry.txt'), 'utf8'));
  assert.equal(entry.fixBinary, true);
  assert.equal(entry.enabled, true);
  assert.equal(entry.architecture, 'arm64');
  assert.equal(await readFile(join(dir, 'machine.txt'), 'utf8'), 'aarch64\n');
});

test('an emulator registered without the F flag is registered again with it; only the architectures asked for', async () => {
  const r = await sandboxed(`
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    sed 's/:[A-Z]*$/:P/' /usr/lib/binfmt.d/qemu-arm.conf > /proc/sys/fs/binfmt_misc/register
    grep flags /proc/sys/fs/binfmt_misc/qemu-arm > "$D/before.txt"
    "$@" > "$D/out.txt"
    grep flags /proc/sys/fs/binfmt_misc/qemu-arm > "$D/after.txt"
    ls /proc/sys/fs/binfmt_misc > "$D/ls.txt"
    "$D/busybox-arm" uname -m > "$D/machine.txt"
  `, ['setup', 'binfmt', 'linux/arm/v7'], { D: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(join(dir, 'before.txt'), 'utf8'), 'flags: P\n');
  assert.equal(await readFile(join(dir, 'out.txt'), 'utf8'), 'qemu-arm (arm): re-registered with the F flag, /usr/libexec/qemu-binfmt/arm-binfmt-P\n');
  assert.match(await readFile(join(dir, 'after.txt'), 'utf8'), /^flags: \w*F\w*\n$/);
  assert.deepEqual((await readFile(join(dir, 'ls.txt'), 'utf8')).trim().split('\n'), ['qemu-arm', 'register', 'status']);
  assert.equal(await readFile(join(dir, 'machine.txt'), 'utf8'), 'armv7l\n');
});

test('--help says what it does; an architecture qemu-user-static lacks is one clear line', async () => {
  const help = await runDrydock(['setup', 'binfmt', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /F \(fix-binary\) flag/);
  const r = await sandboxed('mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc; exec "$@"', ['setup', 'binfmt', 'vax']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr.trim(), /^error: setup binfmt: qemu-user-static has no emulator for vax \(it has: .*arm64.*\)$/);
});

test('not root, or rootless (root only of its own user namespace): one line saying to run it as root', async () => {
  const expected = /^error: drydock setup binfmt must run as root \(sudo drydock setup binfmt\): it mounts binfmt_misc and registers emulators for the whole machine$/;
  const user = await runDrydock(['setup', 'binfmt'], { prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'], env: { HOME: '/tmp' } });
  assert.equal(user.code, 1);
  assert.match(user.stderr.trim(), expected);
  const rootless = await runDrydock(['setup', 'binfmt'], { env: { DRYDOCK_ROOTLESS: '1000' } });
  assert.equal(rootless.code, 1);
  assert.match(rootless.stderr.trim(), expected);
});
