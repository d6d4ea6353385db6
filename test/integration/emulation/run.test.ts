/**
 * RUN for a foreign platform, through QEMU user-mode emulation: an arm64 and an arm/v7 image whose
 * RUN executes that architecture's busybox (`uname -m` under qemu-aarch64/qemu-arm says what the
 * emulated machine is). Needs qemu-user-static registered with the F flag (`drydock setup binfmt`,
 * which the setup test checks); without binfmt_misc, the same build fails with one line saying
 * how to enable it (in a user namespace whose own binfmt_misc emulates nothing).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore } from '../../../src/store/index.js';
import { registeredEmulators } from '../../../src/exec/binfmt.js';
import { runDrydock } from '../../helpers/cli.js';
import { busyboxIndex, type FixturePlatform } from '../../helpers/platform-fixtures.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { contextDir, imageFiles } from '../build/util.js';
import { NO_EMULATION, sandboxed } from './util.js';

let root: string;
before(async () => {
  const s = registeredEmulators();
  if (!['arm64', 'arm'].every((a) => s.emulators.some((e) => e.architecture === a && e.enabled && e.fixBinary))) {
    const r = await runDrydock(['setup', 'binfmt']);
    assert.equal(r.code, 0, r.stderr);
  }
  root = await tmpStoreRoot();
  await busyboxIndex(await openStore(root), ['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
});
after(removeTmpStoreRoots);

const DOCKERFILE = 'FROM busybox\nRUN uname -m > /machine\nCMD ["cat", "/machine"]\n';

for (const [platform, machine, architecture] of [['linux/arm64', 'aarch64', 'arm64'], ['linux/arm/v7', 'armv7l', 'arm']] as Array<[FixturePlatform, string, string]>) {
  test(`RUN under --platform ${platform} executes ${machine} programs through QEMU`, async () => {
    const ctx = await contextDir({ Dockerfile: DOCKERFILE });
    const tag = `emu:${architecture}`;
    const r = await runDrydock(['build', '--progress=plain', '--platform', platform, '-t', tag, ctx], { root });
    assert.equal(r.code, 0, r.stderr);
    const img = await imageFiles(await openStore(root), tag);
    try {
      assert.equal(img.config.architecture, architecture);
      assert.equal(await readFile(join(img.dir, 'machine'), 'utf8'), `${machine}\n`);
    } finally {
      await img.cleanup();
    }
  });
}

test('drydock run --platform runs the arm64 and arm/v7 images of the index under QEMU', async () => {
  for (const [platform, machine] of [['linux/arm64', 'aarch64'], ['linux/arm/v7', 'armv7l']]) {
    const r = await runDrydock(['run', '--platform', platform!, 'busybox', 'uname', '-m'], { root });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${machine}\n`);
  }
});

test('without an emulator, a foreign RUN fails with one line saying how to enable it', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nCOPY Dockerfile /d\nRUN uname -m > /machine\n' });
  const r = await sandboxed(`${NO_EMULATION}\nexec "$@"`, ['build', '--progress=plain', '--platform', 'linux/arm64', ctx], {}, root);
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines.pop()!, /^error: Dockerfile:3: --platform linux\/arm64: RUN uname -m > \/machine must run linux\/arm64\/v8 programs on this linux\/amd64 host, but binfmt_misc is not mounted at \/proc\/sys\/fs\/binfmt_misc; to emulate it with QEMU, run "drydock setup binfmt" as root, or: .*mount -t binfmt_misc binfmt_misc \/proc\/sys\/fs\/binfmt_misc && update-binfmts --enable qemu-aarch64$/);
  assert.ok(!lines.some((l) => /^\s+at /.test(l)), r.stderr); // no stack trace
});

test('an emulator registered without the F flag is refused before anything runs: inside the rootfs it could not be found', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN uname -m > /machine\n' });
  const r = await sandboxed(`
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    sed 's/:[A-Z]*$/:P/' /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register
    exec "$@"`, ['build', '--progress=plain', '--platform', 'linux/arm64', ctx], {}, root);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr.trim().split('\n').pop()!, /^error: Dockerfile:2: .* but the binfmt_misc entry qemu-aarch64 lacks the F \(fix-binary\) flag, so its interpreter \/usr\/libexec\/qemu-binfmt\/aarch64-binfmt-P cannot be found inside a container; to emulate it with QEMU, run "drydock setup binfmt"/);
});
