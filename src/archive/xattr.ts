/**
 * Extended attributes of files going into, or coming out of, a tar archive (PAX
 * `SCHILY.xattr.*` records). `system.*` (POSIX ACLs) are left out, as Docker's archiver does.
 */
import { DrydockError } from '../util/errors.js';
import { readXattrTree as readTree, writeXattr } from '../util/xattr.js';
import { inUserNamespace } from '../rootless/env.js';

/** Every file under `dir` that has xattrs (absolute path -> name -> value); `system.*` (ACLs) excluded. */
export async function readXattrTree(dir: string): Promise<Map<string, Record<string, Buffer>>> {
  const out = new Map<string, Record<string, Buffer>>();
  for (const [file, xattrs] of readTree(dir)) {
    const kept = Object.fromEntries([...xattrs].filter(([name]) => !name.startsWith('system.')));
    if (Object.keys(kept).length) out.set(file, kept);
  }
  return out;
}

export function setXattrs(path: string, xattrs: Record<string, Buffer>): void {
  for (const [k, v] of Object.entries(xattrs)) {
    try {
      writeXattr(path, k, v);
    } catch (e) {
      // Unprivileged users (root of a user namespace too) cannot set trusted.*, nor some security.*: skipped as tar does.
      if ((process.getuid?.() === 0 && !inUserNamespace()) || !/^(security|trusted)\./.test(k)) {
        throw new DrydockError('STORE', `cannot set xattr ${k} on ${path}: ${(e as Error).message}`);
      }
    }
  }
}
