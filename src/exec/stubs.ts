/**
 * Mount stubs: runc creates an empty file or directory in the rootfs for every mount target that
 * is missing (/etc/hosts, /etc/resolv.conf, RUN --mount targets). They are not the build's doing,
 * so, as BuildKit's MountStubsCleaner, we remove them after the run when still empty and put the
 * parent directory's mtime back, so the layer diff does not show them.
 */
import { lstat, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { secureJoin } from '../archive/securejoin.js';
import { hostCalls } from '../util/syscalls.js';

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

/** Records which of `targets` (and their parents) do not exist yet; the returned function removes what runc created. */
export async function trackMountStubs(rootfs: string, targets: string[]): Promise<() => Promise<void>> {
  const stubs: string[] = [];
  // mtimes of the existing directories the stubs go into, from before the run: creating the stub
  // changed them too, and a layer diff must not show a directory touched only by that.
  const parents = new Map<string, bigint>();
  for (const target of targets) {
    let p = await secureJoin(rootfs, target);
    let missing = false;
    // Missing parents are stubs too (BuildKit's recursive mode).
    while (p !== rootfs && !(await exists(p))) {
      missing = true;
      if (!stubs.includes(p)) stubs.push(p);
      p = path.dirname(p);
    }
    if (missing && !parents.has(p)) parents.set(p, (await stat(p, { bigint: true })).mtimeNs);
  }
  // Deepest first: a parent created for two stubs can go only after both.
  stubs.sort((a, b) => b.split('/').length - a.split('/').length);
  return async () => {
    for (const p of stubs) await removeStub(rootfs, p, parents);
  };
}

async function removeStub(rootfs: string, p: string, parents: Map<string, bigint>): Promise<void> {
  // Re-resolve: the run may have replaced a parent with a symlink pointing out of the rootfs.
  const rel = path.relative(rootfs, p);
  if ((await secureJoin(rootfs, rel)) !== p) return;
  let st;
  try {
    st = await lstat(p);
  } catch {
    return;
  }
  if (st.isDirectory() ? (await readdir(p)).length > 0 : st.size !== 0) return;
  await rm(p, { recursive: true, force: true });
  const parent = path.dirname(p);
  const mtime = parents.get(parent);
  if (mtime !== undefined) await hostCalls().setMtimeNs(parent, mtime);
}
