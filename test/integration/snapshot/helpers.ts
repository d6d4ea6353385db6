/** Helpers for snapshotter tests: layer tars made with GNU tar, diff tars read back entry by entry. */
import { spawn, execFileSync } from 'node:child_process';
import { after } from 'node:test';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Digest } from '../../../src/image/oci.js';

export interface Entry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname?: string;
  content?: string;
  xattrs?: Record<string, string>;
  dev?: [number, number];
}

/** An uncompressed layer tar of the directory's contents, sorted, names without a leading ./ . */
export function layerTar(dir: string): Readable {
  const list = execFileSync('sh', ['-c', 'cd "$1" && find . -mindepth 1 -printf "%P\\n" | LC_ALL=C sort', 'sh', dir]);
  const child = spawn('tar', ['-C', dir, '--numeric-owner', '--xattrs', '--xattrs-include=*', '--no-recursion', '-cf', '-', '-T', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(list);
  return child.stdout;
}

export async function readEntries(stream: Readable): Promise<Entry[]> {
  const extract = tar.extract();
  const out: Entry[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (h, body, next) => {
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => chunks.push(c as Buffer));
      body.on('end', () => {
        const e: Entry = { name: h.name, type: h.type ?? 'file', mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, mtime: Math.floor((h.mtime?.getTime() ?? 0) / 1000) };
        if (h.linkname) e.linkname = h.linkname;
        if (h.type === 'file' && chunks.length) e.content = Buffer.concat(chunks).toString();
        const x = Object.entries(h.pax ?? {}).filter(([k]) => k.startsWith('SCHILY.xattr.'));
        if (x.length) e.xattrs = Object.fromEntries(x.map(([k, v]) => [k.slice(13), v]));
        if (h.type === 'character-device' || h.type === 'block-device') e.dev = [h.devmajor ?? 0, h.devminor ?? 0];
        out.push(e);
        next();
      });
      body.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  stream.pipe(extract);
  await done;
  return out;
}

export async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function sh(cwd: string, script: string): void {
  execFileSync('sh', ['-ec', script], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

export function digestN(n: number): Digest {
  return `sha256:${n.toString(16).padStart(64, '0')}`;
}

/**
 * Tracks what a test file opens (snapshots, views) and releases it after the file's tests, so a
 * failed assertion leaves no overlay mounted. Call once at module level; use the returned function
 * to register each thing as it is opened.
 */
export function releaseAfterTests(): <T extends { release(): Promise<void> }>(x: T) => T {
  const opened: Array<{ release(): Promise<void> }> = [];
  after(async () => {
    for (const x of opened) await x.release().catch(() => undefined);
  });
  return (x) => {
    opened.push(x);
    return x;
  };
}
