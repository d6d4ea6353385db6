/**
 * Streaming tar extraction into a directory, as moby's archive.Untar does it inside a chroot of
 * that directory (BuildKit's file backend calls chrootarchive.Untar with the destination as the
 * root): names are cleaned and may not climb out; a symlink is written as its text, whatever it
 * points at (`../tmp/x` at the top climbs nowhere in the chroot); entries written below a symlink,
 * and hard link targets, resolve inside the directory; an existing entry is replaced unless both
 * are directories; missing parents are created 0755 root-owned; directory times are set last.
 */
import { createWriteStream } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, rm, symlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import tar from 'tar-stream';
import { DrydockError } from '../util/errors.js';
import type { Owner } from './owner.js';
import { cleanPath, resolveInRoot } from './paths.js';
import { lstatOrUndefined } from './tree.js';
import { mkdirAll } from './mkdir.js';

const run = promisify(execFile);

export interface ExtractOptions {
  /** --chown: overrides the archive's owners. */
  owner?: Owner;
}

export async function extractTar(input: Readable, destDir: string, opts: ExtractOptions = {}): Promise<void> {
  const extract = tar.extract();
  const feeding = pipeline(input, extract);
  feeding.catch(() => {}); // surfaced through the iterator below, or awaited at the end
  const dirs: Array<{ path: string; mtime: number }> = [];
  for await (const entry of extract) {
    const h = entry.header;
    const name = cleanPath(h.name);
    if (name === '..' || name.startsWith('../') || name.startsWith('/..')) {
      entry.resume();
      throw new DrydockError('CONTEXT', `invalid tar entry ${JSON.stringify(h.name)}: outside of the destination`);
    }
    const rel = name.replace(/^\/+/, '');
    if (rel === '.' || rel === '') {
      entry.resume();
      continue;
    }
    const slash = rel.lastIndexOf('/');
    const parent = await resolveInRoot(destDir, slash < 0 ? '/' : rel.slice(0, slash));
    await mkdirAll(parent, 0o755);
    const target = `${parent}/${rel.slice(slash + 1)}`;
    const existing = await lstatOrUndefined(target);
    const isDir = h.type === 'directory';
    if (existing && !(existing.isDirectory() && isDir)) await rm(target, { recursive: true, force: true });
    const mode = (h.mode ?? 0o644) & 0o7777;
    switch (h.type) {
      case 'directory':
        if (!existing) await mkdir(target, { mode });
        entry.resume();
        break;
      case 'file':
      case 'contiguous-file':
      case undefined:
      case null:
        await pipeline(entry, createWriteStream(target, { mode }));
        break;
      case 'link': {
        entry.resume();
        const src = await resolveInRoot(destDir, cleanPath('/' + (h.linkname ?? '')), { followLast: false });
        await link(src, target);
        break;
      }
      case 'symlink': {
        entry.resume();
        await symlink(h.linkname ?? '', target);
        break;
      }
      case 'character-device':
      case 'block-device':
      case 'fifo':
        entry.resume();
        await run('mknod', h.type === 'fifo' ? [target, 'p'] : [target, h.type === 'block-device' ? 'b' : 'c', String(h.devmajor ?? 0), String(h.devminor ?? 0)]);
        break;
      default:
        entry.resume();
        continue;
    }
    const owner = opts.owner ?? { uid: h.uid ?? 0, gid: h.gid ?? 0 };
    await lchown(target, owner.uid, owner.gid);
    if (h.type !== 'symlink') await chmod(target, mode);
    // PAX keeps sub-second times that the ustar field (and tar-stream's Date) drop
    const paxTime = Number.parseFloat((h as { pax?: Record<string, string> }).pax?.mtime ?? '');
    const mtime = Number.isFinite(paxTime) ? paxTime : (h.mtime?.getTime() ?? 0) / 1000;
    if (isDir) dirs.push({ path: target, mtime });
    else await lutimes(target, mtime, mtime);
  }
  await feeding;
  for (const d of dirs) await lutimes(d.path, d.mtime, d.mtime);
}
