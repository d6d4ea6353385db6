/**
 * Unpacks a (whiteout-free) tar stream into a directory: owners (as root), modes, mtimes, hard
 * links, symlinks, devices, fifos, xattrs. Paths never escape the destination, even through
 * symlinks the archive itself created (they resolve as if the destination were `/`).
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, readlink, rm, symlink, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { DrydockError } from '../../util/errors.js';
import type { TarHeader } from './header.js';
import { readTar } from './reader.js';
import { setXattrs } from './xattr.js';

const run = promisify(execFile);

/** 'a/./b/../c/' -> 'a/c'; leading '/' and './' dropped; '' is the root. Throws when it climbs out. */
export function cleanPath(name: string): string {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) throw new DrydockError('FORMAT', `tar entry ${JSON.stringify(name)} escapes the destination`);
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/** Resolves `rel`'s parent directories inside `root`, following symlinks as a chroot would. */
export async function secureJoin(root: string, rel: string, followLast = false): Promise<string> {
  const parts = cleanPath(rel).split('/').filter(Boolean);
  const resolved: string[] = [];
  let hops = 0;
  while (parts.length) {
    const part = parts.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    if (part === '.') continue;
    const candidate = join(root, ...resolved, part);
    if (parts.length === 0 && !followLast) {
      resolved.push(part);
      break;
    }
    let target: string | undefined;
    try {
      if ((await lstat(candidate)).isSymbolicLink()) target = await readlink(candidate);
    } catch {
      /* missing: created later */
    }
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++hops > 255) throw new DrydockError('FORMAT', `too many levels of symbolic links resolving ${rel}`);
    if (target.startsWith('/')) resolved.length = 0;
    parts.unshift(...target.split('/').filter(Boolean));
  }
  return join(root, ...resolved);
}

export interface ExtractOptions {
  /** Apply uid/gid from the archive (default: when running as root). */
  sameOwner?: boolean;
}

export async function extractTar(src: Readable | AsyncIterable<Buffer>, dest: string, opts: ExtractOptions = {}): Promise<void> {
  const sameOwner = opts.sameOwner ?? process.getuid?.() === 0;
  await mkdir(dest, { recursive: true });
  const dirTimes: Array<[string, TarHeader]> = [];
  for await (const entry of readTar(src)) {
    const h = entry.header;
    const rel = cleanPath(h.name);
    if (rel === '') {
      dirTimes.push([dest, h]);
      continue;
    }
    const path = await secureJoin(dest, rel);
    await mkdir(dirname(path), { recursive: true });
    const existing = await lstat(path).catch(() => undefined);
    if (existing && !(existing.isDirectory() && h.type === 'directory')) await rm(path, { recursive: true, force: true });
    switch (h.type) {
      case 'directory':
        if (!existing?.isDirectory()) await mkdir(path);
        dirTimes.push([path, h]);
        break;
      case 'file':
        await pipeline(Readable.from(entry.body), createWriteStream(path, { mode: 0o600 }));
        break;
      case 'symlink':
        await symlink(h.linkname ?? '', path);
        break;
      case 'link': {
        const target = await secureJoin(dest, h.linkname ?? '');
        try {
          await link(target, path);
        } catch (e) {
          throw new DrydockError('FORMAT', `hard link ${rel} -> ${h.linkname}: target missing in archive`, { cause: e });
        }
        break;
      }
      case 'char':
      case 'block':
      case 'fifo':
        await makeNode(path, h);
        break;
    }
    if (h.type !== 'link') await applyMetadata(path, h, sameOwner);
  }
  // Directory mtimes last: creating their children changed them.
  for (const [p, h] of dirTimes.reverse()) {
    await applyMetadata(p, h, sameOwner);
  }
}

async function makeNode(path: string, h: TarHeader): Promise<void> {
  try {
    if (h.type === 'fifo') await run('mkfifo', ['-m', '600', '--', path]);
    else await run('mknod', ['-m', '600', '--', path, h.type === 'char' ? 'c' : 'b', String(h.devmajor ?? 0), String(h.devminor ?? 0)]);
  } catch (e) {
    // Unprivileged: devices cannot be created (rootless docker skips them too).
    if (process.getuid?.() === 0) throw new DrydockError('STORE', `cannot create ${h.type} device ${h.name}`, { cause: e });
  }
}

async function applyMetadata(path: string, h: TarHeader, sameOwner: boolean): Promise<void> {
  const exists = await lstat(path).catch(() => undefined);
  if (!exists) return; // a skipped device node
  if (sameOwner) await lchown(path, h.uid, h.gid);
  if (h.type !== 'symlink') await chmod(path, h.mode & 0o7777); // after chown, which clears setuid bits
  if (h.xattrs && Object.keys(h.xattrs).length) await setXattrs(path, h.xattrs);
  const t = new Date(h.mtime * 1000);
  if (h.type === 'symlink') await lutimes(path, t, t);
  else await utimes(path, t, t);
}
