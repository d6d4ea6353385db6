/** Shared by the image integration tests: a root filesystem with the awkward cases, and tool runners. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, link, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Runs a tool that the suite's setup installs; a missing tool fails the test loudly. */
export async function tool(bin: string, args: string[], opts: { cwd?: string } = {}): Promise<string> {
  const r = await exec(bin, args, { maxBuffer: 64 << 20, ...opts }).catch((e: NodeJS.ErrnoException & { stderr?: string }) => {
    if (e.code === 'ENOENT') throw new Error(`${bin} is not installed: run scripts/setup.sh --test`);
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  });
  return r.stdout;
}

export const LONG_PATH = `deep/${'d'.repeat(90)}/${'e'.repeat(90)}/file-with-a-long-name-${'f'.repeat(40)}.txt`;
// cap_net_raw+ep, VFS_CAP_REVISION_2
export const CAP_HEX = '0100000200200000000000000000000000000000';

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `drydock-${prefix}-`));
}

/** A small root filesystem: busybox, long paths, hard and symbolic links, a capability xattr, a device, odd owners. */
export async function makeRootfs(dir: string): Promise<string> {
  const root = join(dir, 'rootfs');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'etc'), { recursive: true });
  await mkdir(join(root, 'dev'), { recursive: true });
  if (!existsSync('/bin/busybox')) throw new Error('busybox-static is not installed: run scripts/setup.sh --test');
  await exec('cp', ['/bin/busybox', join(root, 'bin/busybox')]);
  await symlink('busybox', join(root, 'bin/sh'));
  await writeFile(join(root, 'etc/hostname'), 'drydock\n');
  await link(join(root, 'etc/hostname'), join(root, 'etc/hostname.hard'));
  await mkdir(join(root, LONG_PATH, '..'), { recursive: true });
  await writeFile(join(root, LONG_PATH), 'long\n');
  await writeFile(join(root, 'bin/pinger'), 'cap\n');
  await chmod(join(root, 'bin/pinger'), 0o755);
  await tool('setfattr', ['-n', 'security.capability', '-v', `0x${CAP_HEX}`, join(root, 'bin/pinger')]);
  await writeFile(join(root, 'etc/owned'), 'big ids\n');
  await exec('chown', ['3000000:3000001', join(root, 'etc/owned')]);
  await tool('mknod', ['-m', '666', join(root, 'dev/null'), 'c', '1', '3']);
  return root;
}
