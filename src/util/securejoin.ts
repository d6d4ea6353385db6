/**
 * Resolve a container path inside a root directory the way the container would see it:
 * symlinks are followed, but absolute targets and `..` are taken relative to the root, so the
 * result never leaves it (Go's filepath-securejoin, in small).
 */
import { readlink } from 'node:fs/promises';
import { posix, join } from 'node:path';

const MAX_LINKS = 255;

export async function secureJoin(root: string, unsafePath: string): Promise<string> {
  const pending = posix.normalize('/' + unsafePath).split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') { done.pop(); continue; }
    const candidate = join(root, ...done, part);
    let target: string | undefined;
    try { target = await readlink(candidate); } catch { /* not a link, or missing: take it as is */ }
    if (target === undefined) { done.push(part); continue; }
    if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links: ${unsafePath}`);
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return join(root, ...done);
}
