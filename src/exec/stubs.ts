/**
 * Mount stubs: runc creates an empty file or directory in the rootfs for every mount target that
 * is missing (/etc/hosts, /etc/resolv.conf, RUN --mount targets). They are not the build's doing,
 * so, as BuildKit's MountStubsCleaner, we remove them after the run when still empty and put the
 * parent directory's mtime back, so the layer diff does not show them.
 */
import { lstat, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { secureJoin } from '../util/securejoin.js';
import { setMtimeNs } from '../util/tool.js';

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
  for (const target of targets) {
    let p = await secureJoin(rootfs, target);
    // Deepest first, so parents created for a stub go after it (BuildKit's recursive mode).
    while (p !== rootfs && !(await exists(p))) {
      if (!stubs.includes(p)) stubs.push(p);
      p = path.dirname(p);
    }
  }
  return async () => {
    for (const p of stubs) await removeStub(rootfs, p);
  };
}

async function removeStub(rootfs: string, p: string): Promise<void> {
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
  const parent = path.dirname(p);
  const pst = await stat(parent, { bigint: true });
  await rm(p, { recursive: true, force: true });
  await setMtimeNs(parent, pst.mtimeNs);
}
