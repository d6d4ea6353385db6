/**
 * An image from a `docker save` archive (docker 20.10's v1 layout, or drydock's OCI layout with a
 * manifest.json): its config and its layers as data. The outer tar is indexed by its headers
 * alone, so a base layer already read (the same diff ID: the same bytes) is not read again.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { readLayer, type Layer } from './layers.js';

interface Member { offset: number; size: number; linkname?: string }

function field(b: Buffer, start: number, len: number): string {
  const s = b.subarray(start, start + len);
  const z = s.indexOf(0);
  return (z < 0 ? s : s.subarray(0, z)).toString('utf8');
}

function octal(b: Buffer, start: number, len: number): number {
  if (b[start]! & 0x80) { // base-256
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i]!;
    return v;
  }
  return parseInt(field(b, start, len).trim() || '0', 8);
}

function paxRecords(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(body.subarray(i, sp).toString(), 10);
    if (!len) break;
    const rec = body.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** name -> where its body is, for every member of an uncompressed tar. */
async function indexTar(file: string): Promise<Map<string, Member>> {
  const fh = await fs.open(file, 'r');
  const out = new Map<string, Member>();
  try {
    const h = Buffer.alloc(512);
    let pos = 0;
    let longName: string | undefined;
    let pax: Record<string, string> = {};
    for (;;) {
      const { bytesRead } = await fh.read(h, 0, 512, pos);
      if (bytesRead < 512 || h[0] === 0) break;
      const type = String.fromCharCode(h[156] || 0x30);
      let size = octal(h, 124, 12);
      const body = pos + 512;
      const readBody = async () => { const b = Buffer.alloc(size); await fh.read(b, 0, size, body); return b; };
      if (type === 'x') pax = paxRecords(await readBody());
      else if (type === 'L') longName = field(await readBody(), 0, size);
      else if (type !== 'g') {
        const prefix = h.subarray(257, 262).toString() === 'ustar' ? field(h, 345, 155) : '';
        const name = pax.path ?? longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
        if (pax.size) size = Number(pax.size);
        const linkname = pax.linkpath ?? field(h, 157, 100);
        out.set(name.replace(/^\.\//, ''), { offset: body, size, ...(type === '2' ? { linkname } : {}) });
        pax = {};
        longName = undefined;
      }
      pos = body + Math.ceil(size / 512) * 512;
    }
  } finally {
    await fh.close();
  }
  return out;
}

export interface SavedImage {
  config: ImageConfigJSON;
  diffIds: string[];
  layers: Layer[];
}

export interface ImageConfigJSON {
  config?: Record<string, unknown>;
  history?: { created_by?: string; empty_layer?: boolean; comment?: string }[];
  rootfs?: { diff_ids?: string[] };
  [k: string]: unknown;
}

/** Layers read so far in this process, by diff ID. */
const layerCache = new Map<string, Promise<Layer>>();

export async function readSavedImage(file: string): Promise<SavedImage> {
  const index = await indexTar(file);
  const member = (name: string): Member => {
    let m = index.get(name);
    for (let hops = 0; m?.linkname !== undefined && hops < 8; hops++) { // docker 20.10 saves a repeated layer as a symlink
      name = path.posix.normalize(path.posix.join(path.posix.dirname(name), m.linkname));
      m = index.get(name);
    }
    if (!m) throw new Error(`${file}: no ${name} in the archive`);
    return m;
  };
  const read = async (name: string) => {
    const m = member(name);
    const fh = await fs.open(file, 'r');
    try {
      const b = Buffer.alloc(m.size);
      await fh.read(b, 0, m.size, m.offset);
      return b;
    } finally { await fh.close(); }
  };
  const manifest = JSON.parse((await read('manifest.json')).toString()) as { Config: string; Layers: string[] }[];
  if (manifest.length !== 1) throw new Error(`${file}: ${manifest.length} images in manifest.json`);
  const config = JSON.parse((await read(manifest[0]!.Config)).toString()) as ImageConfigJSON;
  const diffIds = config.rootfs?.diff_ids ?? [];
  const names = manifest[0]!.Layers;
  if (names.length !== diffIds.length) throw new Error(`${file}: ${names.length} layers but ${diffIds.length} diff_ids`);
  const layers: Layer[] = [];
  for (let i = 0; i < names.length; i++) {
    const id = diffIds[i]!;
    let p = layerCache.get(id);
    if (!p) {
      const m = member(names[i]!);
      p = readLayer(await layerStream(file, m));
      layerCache.set(id, p);
      p.catch(() => layerCache.delete(id));
    }
    layers.push(await p);
  }
  return { config, diffIds, layers };
}

async function layerStream(file: string, m: Member): Promise<Readable> {
  const head = Buffer.alloc(4);
  const fh = await fs.open(file, 'r');
  try { await fh.read(head, 0, 4, m.offset); } finally { await fh.close(); }
  const raw = createReadStream(file, { start: m.offset, end: m.offset + m.size - 1 });
  if (m.size === 0) return raw;
  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip();
    raw.on('error', (e) => gunzip.destroy(e));
    return raw.pipe(gunzip);
  }
  if (head.readUInt32LE(0) === 0xfd2fb528) throw new Error(`${file}: a zstd layer; the runner reads gzip or plain tars`);
  return raw;
}
