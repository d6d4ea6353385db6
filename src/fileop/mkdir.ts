/**
 * mkdir -p for the destination rootfs (fsutil's MkdirAll): each directory it creates gets `mode`
 * exactly (no umask) and, when given, the --chown owner; existing ones are left alone.
 */
import { chmod, lchown, mkdir, stat } from 'node:fs/promises';
import { DrydockError } from '../util/errors.js';
import type { Owner } from './owner.js';
import { isNotFound } from './paths.js';

/** Returns the directories it created, outermost first. `path` is a host path already resolved inside the rootfs. */
export async function mkdirAll(path: string, mode: number, owner?: Owner): Promise<string[]> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) return [];
    throw new DrydockError('CONTEXT', `mkdir ${path}: not a directory`);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const trimmed = path.replace(/\/+$/, '');
  const parent = trimmed.slice(0, trimmed.lastIndexOf('/'));
  const created = parent.length > 0 ? await mkdirAll(parent, mode, owner) : [];
  try {
    await mkdir(trimmed, { mode });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(trimmed)).isDirectory()) return created;
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') throw new DrydockError('CONTEXT', `mkdir ${trimmed}: not a directory`);
    throw e;
  }
  await chmod(trimmed, mode);
  if (owner) await lchown(trimmed, owner.uid, owner.gid);
  created.push(trimmed);
  return created;
}
