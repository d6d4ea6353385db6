/**
 * A rootless start the host cannot support fails with one line that says the fix (issue 19): no
 * subordinate range, newuidmap missing, newuidmap not setuid. (Disabled user namespaces cannot be
 * set up here without changing the kernel for every other test; preflight.ts reads the sysctls.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createRootlessUser, rootlessSupported, type RootlessUser, userWorkDir } from './user.js';

const run = promisify(execFile);
const skip = await rootlessSupported();
let noRange: RootlessUser;
let withRange: RootlessUser;
let bin: string;

before(async () => {
  if (skip) return;
  noRange = await createRootlessUser({ subordinateIds: false });
  withRange = await createRootlessUser();
  bin = await userWorkDir('drydock-rootless-bin-');
});

after(async () => {
  await noRange?.remove();
  await withRange?.remove();
  if (bin) await rm(bin, { recursive: true, force: true });
});

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  return lines[0]!;
}

test('a user without a subordinate range: the error names /etc/subuid and the usermod that fixes it', { skip }, async () => {
  const r = await noRange.runAs(['images']);
  assert.equal(r.code, 1);
  assert.equal(oneLine(r.stderr), `error: rootless: no subordinate uid range for ${noRange.name} in /etc/subuid; add one as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${noRange.name}`);
});

test('newuidmap missing, or not setuid: the error says what to install or fix', { skip }, async () => {
  // A PATH without newuidmap (node is run by its absolute path).
  const missing = await withRange.runAs(['images'], { env: { PATH: bin } });
  assert.equal(missing.code, 1);
  assert.match(oneLine(missing.stderr), /^error: rootless: newuidmap is not installed; install it as root: apt-get install uidmap/);
  // A copy without its setuid bit first on PATH.
  for (const t of ['newuidmap', 'newgidmap']) await copyFile((await run('sh', ['-c', `command -v ${t}`])).stdout.trim(), path.join(bin, t));
  await chmod(path.join(bin, 'newuidmap'), 0o755);
  await symlink('/usr/bin/unshare', path.join(bin, 'unshare'));
  const plain = await withRange.runAs(['images'], { env: { PATH: `${bin}:/usr/bin:/bin` } });
  assert.equal(plain.code, 1);
  assert.equal(oneLine(plain.stderr), `error: rootless: ${bin}/newuidmap is neither setuid root nor given capabilities; fix as root: chmod u+s ${bin}/newuidmap (owner root)`);
});

test('commands that need no privilege run without the namespace, even without a range', { skip }, async () => {
  const r = await noRange.runAs(['parse', '-'], { input: 'FROM busybox\nRUN true\n' });
  assert.equal(r.code, 0, r.stderr);
});
