/**
 * src/exec/binfmt.ts reads binfmt_misc's entry files: parsed here from a directory laid out as
 * /proc/sys/fs/binfmt_misc is (entries copied from this kernel's format), so every state the
 * build checks (unmounted, disabled, no F flag, registered) is covered without touching the host's.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { checkEmulation, enableHint, magicArchitecture, registeredEmulators } from '../../../src/exec/binfmt.js';

const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };
const armv7 = { os: 'linux', architecture: 'arm', variant: 'v7' };

const entry = (state: string, flags: string, magic: string, interp: string) =>
  `${state}\ninterpreter ${interp}\nflags: ${flags}\noffset 0\nmagic ${magic}\nmask ffffffffffffff00fffffffffffffffffeffffff\n`;
const AARCH64 = '7f454c460201010000000000000000000200b700';
const ARM = '7f454c4601010100000000000000000002002800';

async function fakeDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'binfmt-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

test('the ELF magic of qemu-user-static entries names the OCI architecture', () => {
  assert.equal(magicArchitecture(0, AARCH64), 'arm64');
  assert.equal(magicArchitecture(0, ARM), 'arm');
  assert.equal(magicArchitecture(0, '7f454c460201010000000000000000000200f300'), 'riscv64');
  assert.equal(magicArchitecture(0, '7f454c4602020100000000000000000000020016'), 's390x');
  assert.equal(magicArchitecture(0, '7f454c4602010100000000000000000002001500'), 'ppc64le');
  assert.equal(magicArchitecture(0, 'cafebabe'), undefined); // not ELF (a jar handler)
  assert.equal(magicArchitecture(2, AARCH64), undefined);
});

test('registered, disabled, without F, unmounted: each state is told apart', async () => {
  const dir = await fakeDir({
    status: 'enabled\n',
    register: '',
    'qemu-aarch64': entry('enabled', 'POF', AARCH64, '/usr/libexec/qemu-binfmt/aarch64-binfmt-P'),
    'qemu-arm': entry('enabled', 'P', ARM, '/usr/bin/qemu-arm'),
    jar: 'enabled\ninterpreter /usr/bin/jexec\nflags: \noffset 0\nmagic 504b0304\n',
  });
  try {
    const state = registeredEmulators(dir);
    assert.equal(state.mounted, true);
    assert.deepEqual(state.emulators.map((e) => [e.name, e.architecture, e.fixBinary, e.enabled]),
      [['jar', undefined, false, true], ['qemu-aarch64', 'arm64', true, true], ['qemu-arm', 'arm', false, true]]);
    assert.deepEqual(checkEmulation(arm64, amd64, state), { ok: true, emulator: state.emulators[1] });
    const noF = checkEmulation(armv7, amd64, state);
    assert.equal(noF.ok, false);
    assert.match(!noF.ok ? noF.reason : '', /qemu-arm lacks the F \(fix-binary\) flag/);
    assert.match((checkEmulation({ os: 'linux', architecture: 'riscv64' }, amd64, state) as { reason: string }).reason, /no emulator for riscv64 is registered/);
    // the host's own architecture (and 386 on amd64) needs nothing
    assert.deepEqual(checkEmulation(amd64, amd64, state), { ok: true });
    assert.deepEqual(checkEmulation({ os: 'linux', architecture: '386' }, amd64, state), { ok: true });

    await writeFile(path.join(dir, 'qemu-aarch64'), entry('disabled', 'POF', AARCH64, '/x'));
    assert.match((checkEmulation(arm64, amd64, registeredEmulators(dir)) as { reason: string }).reason, /qemu-aarch64 is disabled/);
    await writeFile(path.join(dir, 'status'), 'disabled\n');
    assert.match((checkEmulation(arm64, amd64, registeredEmulators(dir)) as { reason: string }).reason, /binfmt_misc is disabled/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const none = registeredEmulators(path.join(tmpdir(), 'no-such-binfmt-dir'));
  assert.deepEqual(none, { mounted: false, enabled: false, emulators: [] });
  // Not mounted here: the answer is the probe's (binfmt-probe.ts, run for real in emulation/unseen.test.ts).
  assert.match((checkEmulation(arm64, amd64, none, () => false) as { reason: string }).reason, /not mounted/);
  assert.deepEqual(checkEmulation(arm64, amd64, none, () => true), { ok: true });
  assert.match(enableHint(arm64), /drydock setup binfmt.*update-binfmts --enable qemu-aarch64/);
});
