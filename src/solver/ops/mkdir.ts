/**
 * WORKDIR's directory: created with its missing parents, owned by the stage's USER as BuildKit
 * does (a WORKDIR after `USER app` gives app a directory it can write to).
 */
import { lstat, mkdir, chown } from 'node:fs/promises';
import { dirname } from 'node:path';
import { secureJoin } from '../../archive/securejoin.js';
import type { MkdirOp } from '../../graph/index.js';
import { requireMapped } from '../../rootless/ids.js';

export async function executeMkdir(op: MkdirOp, rootfs: string): Promise<void> {
  const { resolveUser } = await import('../../exec/index.js');
  const { uid, gid } = op.user ? await resolveUser(rootfs, op.user) : { uid: 0, gid: 0 };
  requireMapped({ uid, gid }, `WORKDIR ${op.path} for USER ${op.user}`);
  const target = await secureJoin(rootfs, op.path);
  // Create the missing components top-down so each new one gets the owner.
  const missing: string[] = [];
  for (let p = target; p.length > rootfs.length; p = dirname(p)) {
    if (await lstat(p).then(() => true, () => false)) break;
    missing.unshift(p);
  }
  for (const p of missing) {
    await mkdir(p, { mode: 0o755 });
    await chown(p, uid, gid);
  }
}
