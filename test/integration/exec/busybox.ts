/**
 * A tiny root filesystem from the host's busybox-static (installed by scripts/setup.sh --test):
 * /bin/busybox with its applet links, /etc/passwd and /etc/group with a few users, /tmp.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, symlink, writeFile, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BUSYBOX = '/bin/busybox';

export const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'app:x:1000:1000:app:/home/app:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
  '',
].join('\n');

export const GROUP = ['root:x:0:', 'app:x:1000:', 'staff:x:50:app', 'audio:x:29:app,root', 'nogroup:x:65534:', ''].join('\n');

export function requireTool(cmd: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${cmd} is required for this test (install it with scripts/setup.sh --test)`);
  }
}

/** Fills `dir` with the busybox rootfs; with `etc: false` it has no /etc at all. */
export async function fillBusyboxRootfs(dir: string, opts: { etc?: boolean } = {}): Promise<void> {
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is required (apt package busybox-static, scripts/setup.sh --test)`);
  await mkdir(path.join(dir, 'bin'), { recursive: true });
  await copyFile(BUSYBOX, path.join(dir, 'bin/busybox'));
  await chmod(path.join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list']).toString().split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) await symlink('busybox', path.join(dir, 'bin', a));
  await mkdir(path.join(dir, 'tmp'), { mode: 0o1777 });
  await chmod(path.join(dir, 'tmp'), 0o1777);
  await mkdir(path.join(dir, 'root'), { mode: 0o700 });
  // Every image has these (runc would create them, and a layer diff would show them, as with Docker).
  for (const d of ['dev', 'proc', 'sys']) await mkdir(path.join(dir, d), { mode: 0o755 });
  if (opts.etc !== false) {
    await mkdir(path.join(dir, 'etc'));
    await writeFile(path.join(dir, 'etc/passwd'), PASSWD);
    await writeFile(path.join(dir, 'etc/group'), GROUP);
  }
}

export async function makeBusyboxRootfs(opts: { etc?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drydock-busybox-'));
  await chmod(dir, 0o755);
  await fillBusyboxRootfs(dir, opts);
  return dir;
}
