/**
 * Changes → an uncompressed OCI layer tar, streamed: small files are read whole, large ones in
 * chunks, never buffered whole. Deterministic: only mode, owner, size, mtime (whole seconds,
 * clamped to SOURCE_DATE_EPOCH), type, link target, device numbers and xattrs go in; no user or
 * group names, atime or ctime. Whiteouts are empty files with mode 0 and mtime 0, as containerd
 * writes them; an opaque marker carries its directory's mode, owner and mtime, as BuildKit's
 * layers do. Hard links within the layer become link entries.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Pacer, SMALL_FILE, readWholeSync } from '../util/sync-fs.js';
import type { Change } from './changes.js';
import { BLOCK, OPAQUE_MARKER, WHITEOUT_PREFIX, encodeHeader, padding as paddingSize, type TarHeader } from '../archive/index.js';

const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);
const padding = (size: number) => Buffer.alloc(paddingSize(size));

export interface DiffOptions {
  /** Upper bound for mtimes (seconds since the epoch), for reproducible layers. */
  sourceDateEpoch?: number;
}

function major(rdev: bigint): number {
  return Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
}

function minor(rdev: bigint): number {
  return Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
}

function marker(name: string): TarHeader {
  return { name, type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: 0 };
}

export function whiteoutName(path: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}${WHITEOUT_PREFIX}${path.slice(slash + 1)}`;
}

// Entries are gathered into chunks of about this size: a chunk per header and per small file
// costs each stage downstream (hashing, gzip, the blob write) a call per chunk.
const CHUNK = 256 * 1024;

/** A small file's bytes, read whole with synchronous calls. */
function smallBody(source: string, size: number): Buffer {
  const data = readWholeSync(source, size);
  if (!data) throw new Error(`${source} changed size while being archived`);
  return data;
}

// Large files are read in chunks of this size with synchronous calls (from the page cache, a
// read costs a fraction of a millisecond; through libuv's pool and a stream, a 24 MB layer of
// Go build output took 40-80 ms to read instead of ~15), the event loop let in between by `pacer`.
const LARGE_CHUNK = 1024 * 1024;

async function* largeBody(source: string, size: number, pacer: Pacer): AsyncGenerator<Buffer> {
  const fd = openSync(source, 'r');
  try {
    let sent = 0;
    while (sent < size) {
      // A fresh buffer per chunk: downstream (hash, gzip, the blob write) may still hold the last.
      const buf = Buffer.allocUnsafe(Math.min(LARGE_CHUNK, size - sent));
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      sent += got;
      yield got === buf.length ? buf : buf.subarray(0, got);
      const paused = pacer.pace();
      if (paused) await paused;
    }
    // Bytes appended since the stat are left out (the header says `size`); fewer is an error.
    if (sent !== size) throw new Error(`${source} changed size while being archived`);
  } finally {
    closeSync(fd);
  }
  yield padding(size);
}

async function* entries(changes: Change[], opts: DiffOptions): AsyncGenerator<Buffer> {
  const firstPathOfInode = new Map<bigint, string>();
  const pacer = new Pacer();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const add = (b: Buffer) => {
    if (b.length === 0) return;
    pending.push(b);
    pendingBytes += b.length;
  };
  const take = (): Buffer => {
    const out = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  for (const c of changes) {
    if (pendingBytes >= CHUNK) yield take();
    const paused = pacer.pace();
    if (paused) await paused;
    if (c.kind === 'delete') {
      add(encodeHeader(marker(whiteoutName(c.path))));
      continue;
    }
    const st = c.stat;
    let mtime = Number(st.mtimeNs / 1_000_000_000n);
    if (opts.sourceDateEpoch !== undefined && mtime > opts.sourceDateEpoch) mtime = opts.sourceDateEpoch;
    const h: TarHeader = {
      name: c.path,
      mode: Number(st.mode & 0o7777n),
      uid: Number(st.uid),
      gid: Number(st.gid),
      size: 0,
      mtime,
      type: 'file',
      ...(c.xattrs.size ? { xattrs: Object.fromEntries(c.xattrs) } : {}),
    };
    let body = false;
    if (st.isDirectory()) Object.assign(h, { type: 'directory', name: `${c.path}/` });
    else if (st.isSymbolicLink()) Object.assign(h, { type: 'symlink', linkname: c.linkTarget ?? '' });
    else if (st.isCharacterDevice() || st.isBlockDevice()) {
      Object.assign(h, { type: st.isCharacterDevice() ? 'char' : 'block', devmajor: major(st.rdev), devminor: minor(st.rdev) });
    } else if (st.isFIFO()) h.type = 'fifo';
    else if (st.isFile()) {
      const first = st.nlink > 1n ? firstPathOfInode.get(st.ino) : undefined;
      if (first !== undefined) Object.assign(h, { type: 'link', linkname: first });
      else {
        if (st.nlink > 1n) firstPathOfInode.set(st.ino, c.path);
        h.size = Number(st.size);
        body = h.size > 0;
      }
    } else continue; // sockets are not archived (as containerd)
    add(encodeHeader(h));
    if (body && h.size <= SMALL_FILE) {
      add(smallBody(c.source, h.size));
      add(padding(h.size));
    } else if (body) {
      if (pendingBytes > 0) yield take();
      yield* largeBody(c.source, h.size, pacer);
    }
    // BuildKit's differ gives the opaque marker its directory's mode, owner and time.
    if (c.opaque) add(encodeHeader({ ...marker(`${c.path}/${OPAQUE_MARKER}`), mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime }));
  }
  add(END_OF_ARCHIVE);
  yield take();
}

export function writeLayerTar(changes: Change[], opts: DiffOptions = {}): Readable {
  return Readable.from(entries(changes, opts), { objectMode: false });
}
