/**
 * binfmt_misc not mounted where drydock looks, as in a container on a host that registered QEMU:
 * the kernel still emulates with the host's entries, so drydock runs a probe program of the
 * target architecture (src/exec/binfmt-probe.ts) instead of refusing. Checked in a user and
 * mount namespace: with binfmt_misc only hidden, the host's entries apply and the probe runs;
 * with the namespace's own empty instance hidden, nothing runs and the answer is no.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { registeredEmulators } from '../../../src/exec/binfmt.js';
import { probeArchitecture } from '../../../src/exec/binfmt-probe.js';
import { runDrydock } from '../../helpers/cli.js';
import { repoRoot } from '../../helpers/paths.js';
import { NO_EMULATION } from './util.js';

const run = promisify(execFile);

before(async () => {
  if (!['arm64', 'arm'].every((a) => registeredEmulators().emulators.some((e) => e.architecture === a && e.enabled && e.fixBinary))) {
    const r = await runDrydock(['setup', 'binfmt', 'arm64', 'arm']);
    assert.equal(r.code, 0, r.stderr);
  }
});

/** checkEmulation for arm64 and arm/v7 on this host, as drydock computes it inside the sandbox `setupScript` makes. */
async function checkIn(setupScript: string): Promise<unknown> {
  const tsx = pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('tsx')).href;
  const code = `const b = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'src/exec/binfmt.ts')).href)});
    const o = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'src/image/oci.ts')).href)});
    const s = b.registeredEmulators();
    console.log(JSON.stringify({ mounted: s.mounted, checks: ['arm64', 'arm'].map((a) => b.checkEmulation({ os: 'linux', architecture: a }, o.hostPlatform(), s)) }));`;
  const { stdout } = await run('unshare', ['--user', '--map-root-user', '--mount', '--propagation', 'private', '--', 'sh', '-ec',
    `${setupScript}\nexec "$@"`, 'sh', process.execPath, '--import', tsx, '--input-type=module', '-e', code]);
  return JSON.parse(stdout);
}

test('the probe programs run under the registered emulators', () => {
  assert.equal(probeArchitecture('arm64'), true);
  assert.equal(probeArchitecture('arm'), true);
  assert.equal(probeArchitecture('s390x'), undefined); // no probe: the caller's answer stands
});

test('binfmt_misc hidden but the kernel emulating: the probe says yes', async () => {
  assert.deepEqual(await checkIn('mount -t tmpfs none /proc/sys/fs/binfmt_misc'), { mounted: false, checks: [{ ok: true }, { ok: true }] });
});

test('binfmt_misc hidden and nothing emulated: the probe says no, and why', async () => {
  const reason = 'binfmt_misc is not mounted at /proc/sys/fs/binfmt_misc';
  assert.deepEqual(await checkIn(NO_EMULATION), { mounted: false, checks: [{ ok: false, reason }, { ok: false, reason }] });
});
