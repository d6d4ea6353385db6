/**
 * A layer tar as data: each entry's attributes (never mtimes), its whiteouts and opaque
 * directories; and layers applied in order into a flattened root filesystem, with hard-link
 * groups (the paths sharing one file) instead of which path the tar happened to store first.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

/**
 * tar-stream decodes PAX records as UTF-8, so binary xattr values (security.capability) lose
 * their bytes >= 0x80. Its extractor calls `headers.decodePax` through the module object: this
 * wraps it (in this test process only) to keep every SCHILY.xattr value's raw bytes beside it.
 */
const RAW = '\0raw:';
{
  const require = createRequire(import.meta.url);
  const headers = require(path.join(path.dirname(require.resolve('tar-stream')), 'headers.js')) as { decodePax(b: Buffer): Record<string, string> };
  const decode = headers.decodePax;
  headers.decodePax = (buf: Buffer) => {
    const out = decode(buf);
    for (let b = buf; b.length;) {
      const sp = b.indexOf(0x20);
      const len = parseInt(b.subarray(0, sp).toString(), 10);
      if (!(sp > 0 && len > 0)) break;
      const rec = b.subarray(sp + 1, len - 1);
      const eq = rec.indexOf(0x3d);
      const key = rec.subarray(0, eq).toString();
      if (eq > 0 && key.startsWith('SCHILY.xattr.')) out[RAW + key] = rec.subarray(eq + 1).toString('latin1');
      b = b.subarray(len);
    }
    return out;
  };
}

export type NodeType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';

export interface FsNode {
  type: NodeType;
  /** Permission bits with setuid/setgid/sticky. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  sha256?: string;
  linkname?: string;
  xattrs?: Record<string, string>;
  dev?: [number, number];
  /** Every path of this file's hard-link group (sorted), when it has more than one. */
  links?: string[];
}

export interface Layer {
  /** Absolute paths ('/a/b'); the entries the layer writes. */
  entries: Map<string, FsNode>;
  /** Paths a `.wh.<name>` removes. */
  whiteouts: Set<string>;
  /** Directories whose lower contents `.wh..wh..opq` hides. */
  opaque: Set<string>;
  /** Hard-link entries: path -> the path it links to (as the tar names it). */
  hardlinks: Map<string, string>;
}

const TYPES: Record<string, NodeType> = {
  file: 'file', 'contiguous-file': 'file', directory: 'dir', symlink: 'symlink',
  'character-device': 'char', 'block-device': 'block', fifo: 'fifo',
};

export function normPath(name: string): string {
  const p = ('/' + name).replace(/\/+/g, '/').replace(/\/\.(?=\/|$)/g, '').replace(/(.)\/$/, '$1');
  return p === '' ? '/' : p;
}

function xattrsOf(pax: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!pax) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(pax)) {
    if (k.startsWith('SCHILY.xattr.')) out[k.slice(13)] = Buffer.from(pax[RAW + k] ?? v, 'latin1').toString('hex');
    else if (k.startsWith('LIBARCHIVE.xattr.')) out[decodeURIComponent(k.slice(17))] = Buffer.from(v, 'base64').toString('hex');
  }
  return Object.keys(out).length ? out : undefined;
}

/** Reads one (uncompressed) layer tar stream. */
export async function readLayer(stream: Readable): Promise<Layer> {
  const layer: Layer = { entries: new Map(), whiteouts: new Set(), opaque: new Set(), hardlinks: new Map() };
  const x = tar.extract();
  x.on('entry', (h, body, next) => {
    const path = normPath(h.name);
    const base = path.slice(path.lastIndexOf('/') + 1);
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    const hash = createHash('sha256');
    body.on('data', (c: unknown) => { hash.update(c as Buffer); });
    body.on('end', () => {
      if (base === '.wh..wh..opq') layer.opaque.add(dir);
      else if (base.startsWith('.wh.')) layer.whiteouts.add(normPath(`${dir}/${base.slice(4)}`));
      else if (h.type === 'link') layer.hardlinks.set(path, normPath(h.linkname ?? ''));
      else {
        const type = TYPES[h.type ?? 'file'];
        if (!type) throw new Error(`layer entry ${path}: unexpected tar type ${h.type}`);
        const n: FsNode = { type, mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, size: type === 'file' ? h.size ?? 0 : 0 };
        if (type === 'file') n.sha256 = hash.digest('hex');
        if (type === 'symlink') n.linkname = h.linkname ?? '';
        if (type === 'char' || type === 'block') n.dev = [h.devmajor ?? 0, h.devminor ?? 0];
        const xa = xattrsOf((h as { pax?: Record<string, string> }).pax);
        if (xa) n.xattrs = xa;
        layer.entries.set(path, n);
      }
      next();
    });
    body.resume();
  });
  await pipeline(stream, x);
  return layer;
}

/**
 * A flattened root filesystem: path -> the node a layer gave it (the same object, not a copy, so
 * paths both images got from one shared base layer compare by identity) and an inode number,
 * which the names of one hard-linked file share.
 */
export type Rootfs = Map<string, { node: FsNode; ino: number }>;

function removeTree(fs: Rootfs, path: string, self: boolean): void {
  if (self) fs.delete(path);
  const prefix = path === '/' ? '/' : path + '/';
  for (const k of fs.keys()) if (k.startsWith(prefix) && k !== '/') fs.delete(k);
}

let inodes = 0;

/** Applies a layer onto `fs` as Docker's layer applier does (whiteouts first: they name lower paths). */
export function applyLayer(fs: Rootfs, layer: Layer): void {
  for (const d of layer.opaque) removeTree(fs, d, false);
  for (const w of layer.whiteouts) removeTree(fs, w, true);
  for (const [path, node] of layer.entries) {
    if (fs.get(path)?.node.type === 'dir' && node.type !== 'dir') removeTree(fs, path, false);
    fs.set(path, { node, ino: ++inodes });
  }
  for (const [path, target] of layer.hardlinks) {
    const t = fs.get(target);
    if (!t) throw new Error(`hard link ${path} -> ${target}: no such file in the layer or below`);
    if (fs.get(path)?.node.type === 'dir') removeTree(fs, path, false);
    fs.set(path, t);
  }
}

export function flatten(layers: Layer[]): Map<string, FsNode> {
  const fs: Rootfs = new Map();
  for (const l of layers) applyLayer(fs, l);
  return withLinkGroups(fs);
}

/** path -> node, with `links` (the sorted group) on the names of a file that has several. */
export function withLinkGroups(fs: Rootfs): Map<string, FsNode> {
  const byIno = new Map<number, string[]>();
  for (const [p, { ino }] of fs) {
    const g = byIno.get(ino);
    if (g) g.push(p);
    else byIno.set(ino, [p]);
  }
  const out = new Map<string, FsNode>();
  for (const [p, { node, ino }] of fs) {
    const group = byIno.get(ino)!;
    out.set(p, group.length > 1 ? { ...node, links: [...group].sort() } : node);
  }
  return out;
}

/**
 * A layer's own entries for comparison: hard links resolved to the file they share (from the
 * layer, else from `below`) with their group (a lower target included), so which path a tar
 * stored first is moot.
 */
export function layerView(layer: Layer, below: Rootfs): Map<string, FsNode | 'whiteout'> {
  const fs: Rootfs = new Map();
  for (const [p, node] of layer.entries) fs.set(p, { node, ino: ++inodes });
  for (const [p, t] of layer.hardlinks) {
    const lower = below.get(t);
    const target = fs.get(t) ?? (lower ? { node: lower.node, ino: ++inodes } : undefined);
    if (!target) throw new Error(`hard link ${p} -> ${t}: no such file in the layer or below`);
    if (!fs.has(t)) fs.set(t, target); // the lower file joins the group only to name it
    fs.set(p, target);
  }
  const out = new Map<string, FsNode | 'whiteout'>();
  for (const [p, n] of withLinkGroups(fs)) {
    if (layer.entries.has(p) || layer.hardlinks.has(p)) out.set(p, n);
  }
  for (const w of layer.whiteouts) out.set(w, 'whiteout');
  for (const d of layer.opaque) out.set(`${d === '/' ? '' : d}/.wh..wh..opq`, 'whiteout');
  return out;
}
