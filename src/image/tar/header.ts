/**
 * Tar headers: ustar + PAX (binary-safe, as Go's archive/tar reads and writes them), GNU long
 * names and base-256 numbers on read. PAX records carry what ustar cannot: long or non-ASCII
 * names, sizes >= 8 GiB, ids > 2097151, xattrs (SCHILY.xattr.*, binary values kept as bytes).
 */
import { DrydockError } from '../../util/errors.js';

export type EntryType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

export interface TarHeader {
  /** Path inside the archive, as written (may start with './' or end with '/'). */
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkname?: string;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes (security.capability, user.*...) with their raw values. */
  xattrs?: Record<string, Buffer>;
}

export const BLOCK = 512;
const USTAR_MAX_ID = 0o7777777;
const USTAR_MAX_SIZE = 0o77777777777;

const TYPE_CHARS: Record<EntryType, string> = { file: '0', link: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6' };
const CHAR_TYPES: Record<string, EntryType> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'link', '2': 'symlink', '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo' };

/** The raw view of one header block, before PAX/GNU overrides are applied. */
export interface RawHeader {
  typeflag: string;
  header: TarHeader;
}

export function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

function readString(b: Buffer, off: number, len: number): string {
  const end = b.indexOf(0, off);
  return b.toString('utf8', off, end < 0 || end > off + len ? off + len : end);
}

function readNumber(b: Buffer, off: number, len: number): number {
  if (b[off]! & 0x80) {
    // base-256 (GNU): big-endian two's complement with the top bit as a marker
    const neg = b[off] === 0xff;
    let v = 0;
    for (let i = 0; i < len; i++) {
      const byte = i === 0 ? b[off]! & 0x7f : b[off + i]!;
      v = v * 256 + (neg ? 255 - byte : byte);
    }
    return neg ? -(v + 1) : v;
  }
  const s = b.toString('latin1', off, off + len).replace(/[\0 ]+$/g, '').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new DrydockError('FORMAT', 'invalid tar header (bad number field)');
  return parseInt(s, 8);
}

function checksum(b: Buffer): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 32 : b[i]!;
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  return { unsigned, signed };
}

/** Decodes one 512-byte header block; throws FORMAT when it is not a tar header. */
export function decodeHeader(b: Buffer): RawHeader {
  const stored = readNumber(b, 148, 8);
  const sum = checksum(b);
  if (stored !== sum.unsigned && stored !== sum.signed) throw new DrydockError('FORMAT', 'invalid tar header (checksum mismatch)');
  const typeflag = String.fromCharCode(b[156]!);
  const magic = b.toString('latin1', 257, 263);
  let name = readString(b, 0, 100);
  if (magic === 'ustar\0') {
    const prefix = readString(b, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  const type = CHAR_TYPES[typeflag] ?? 'file';
  const header: TarHeader = {
    name,
    type,
    mode: readNumber(b, 100, 8) & 0o7777,
    uid: readNumber(b, 108, 8),
    gid: readNumber(b, 116, 8),
    size: readNumber(b, 124, 12),
    mtime: readNumber(b, 136, 12),
  };
  const linkname = readString(b, 157, 100);
  if (linkname) header.linkname = linkname;
  if (magic.startsWith('ustar')) {
    const uname = readString(b, 265, 32);
    const gname = readString(b, 297, 32);
    if (uname) header.uname = uname;
    if (gname) header.gname = gname;
    if (type === 'char' || type === 'block') {
      header.devmajor = readNumber(b, 329, 8);
      header.devminor = readNumber(b, 337, 8);
    }
  }
  return { typeflag, header };
}

/** Parses PAX records ("<len> <key>=<value>\n"), keeping values as bytes. */
export function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (off < data.length) {
    if (data[off] === 0) break;
    const sp = data.indexOf(0x20, off);
    const len = sp > off ? Number(data.toString('latin1', off, sp)) : NaN;
    if (!Number.isInteger(len) || len <= 0 || off + len > data.length) throw new DrydockError('FORMAT', 'invalid PAX header in tar');
    const rec = data.subarray(sp + 1, off + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq < 0) throw new DrydockError('FORMAT', 'invalid PAX record in tar');
    out.set(rec.toString('utf8', 0, eq), Buffer.from(rec.subarray(eq + 1)));
    off += len;
  }
  return out;
}

/** Applies PAX overrides to a header (in place). */
export function applyPax(h: TarHeader, pax: Map<string, Buffer>): void {
  for (const [key, value] of pax) {
    const s = value.toString('utf8');
    switch (key) {
      case 'path': h.name = s; break;
      case 'linkpath': h.linkname = s; break;
      case 'size': h.size = Number(s); break;
      case 'uid': h.uid = Number(s); break;
      case 'gid': h.gid = Number(s); break;
      case 'uname': h.uname = s; break;
      case 'gname': h.gname = s; break;
      case 'mtime': h.mtime = Number(s); break;
      case 'SCHILY.devmajor': h.devmajor = Number(s); break;
      case 'SCHILY.devminor': h.devminor = Number(s); break;
      default:
        if (key.startsWith('SCHILY.xattr.')) (h.xattrs ??= {})[key.slice('SCHILY.xattr.'.length)] = value;
        else if (key.startsWith('LIBARCHIVE.xattr.')) {
          (h.xattrs ??= {})[decodeURIComponent(key.slice('LIBARCHIVE.xattr.'.length))] = Buffer.from(s, 'base64');
        }
    }
  }
  for (const n of ['size', 'uid', 'gid', 'mtime'] as const) {
    if (!Number.isFinite(h[n])) throw new DrydockError('FORMAT', `invalid PAX ${n} in tar`);
  }
}

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function writeOctal(b: Buffer, off: number, len: number, v: number): void {
  b.write(Math.max(0, Math.floor(v)).toString(8).padStart(len - 1, '0') + '\0', off, len, 'latin1');
}

function isAscii(s: string): boolean {
  return /^[\x01-\x7f]*$/.test(s);
}

/** Splits a long ASCII name into ustar prefix + name, when it fits. */
function splitName(name: string): [string, string] | undefined {
  if (name.length <= 100) return ['', name];
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return [prefix, rest];
    if (prefix.length <= 155) break;
  }
  return undefined;
}

function ustarBlock(h: TarHeader, typeChar: string, prefix: string, name: string, linkname: string, size: number): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name, 0, 100, 'utf8');
  writeOctal(b, 100, 8, h.mode & 0o7777);
  writeOctal(b, 108, 8, h.uid > USTAR_MAX_ID ? 0 : h.uid);
  writeOctal(b, 116, 8, h.gid > USTAR_MAX_ID ? 0 : h.gid);
  writeOctal(b, 124, 12, size);
  writeOctal(b, 136, 12, h.mtime < 0 || h.mtime > USTAR_MAX_SIZE ? 0 : h.mtime);
  b.write('        ', 148, 8, 'latin1');
  b.write(typeChar, 156, 1, 'latin1');
  b.write(linkname, 157, 100, 'utf8');
  b.write('ustar\x0000', 257, 8, 'latin1');
  b.write(h.uname ?? '', 265, 32, 'utf8');
  b.write(h.gname ?? '', 297, 32, 'utf8');
  writeOctal(b, 329, 8, h.devmajor !== undefined && h.devmajor <= USTAR_MAX_ID ? h.devmajor : 0);
  writeOctal(b, 337, 8, h.devminor !== undefined && h.devminor <= USTAR_MAX_ID ? h.devminor : 0);
  b.write(prefix, 345, 155, 'utf8');
  const sum = checksum(b).unsigned;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return b;
}

/** Encodes a header: a PAX extended header first when ustar cannot hold the values. */
export function encodeHeader(h: TarHeader): Buffer {
  const pax: Array<[string, Buffer]> = [];
  const split = isAscii(h.name) ? splitName(h.name) : undefined;
  if (!split) pax.push(['path', Buffer.from(h.name)]);
  const linkname = h.linkname ?? '';
  const linkFits = isAscii(linkname) && linkname.length <= 100;
  if (!linkFits) pax.push(['linkpath', Buffer.from(linkname)]);
  if (h.size > USTAR_MAX_SIZE) pax.push(['size', Buffer.from(String(h.size))]);
  if (h.uid > USTAR_MAX_ID) pax.push(['uid', Buffer.from(String(h.uid))]);
  if (h.gid > USTAR_MAX_ID) pax.push(['gid', Buffer.from(String(h.gid))]);
  if (h.mtime < 0 || h.mtime > USTAR_MAX_SIZE) pax.push(['mtime', Buffer.from(String(Math.floor(h.mtime)))]);
  if (h.uname && (Buffer.byteLength(h.uname) > 32 || !isAscii(h.uname))) pax.push(['uname', Buffer.from(h.uname)]);
  if (h.gname && (Buffer.byteLength(h.gname) > 32 || !isAscii(h.gname))) pax.push(['gname', Buffer.from(h.gname)]);
  if ((h.devmajor ?? 0) > USTAR_MAX_ID) pax.push(['SCHILY.devmajor', Buffer.from(String(h.devmajor))]);
  if ((h.devminor ?? 0) > USTAR_MAX_ID) pax.push(['SCHILY.devminor', Buffer.from(String(h.devminor))]);
  for (const k of Object.keys(h.xattrs ?? {}).sort()) pax.push([`SCHILY.xattr.${k}`, h.xattrs![k]!]);

  const [prefix, name] = split ?? ['', asciiFallback(h.name, 100)];
  const main = ustarBlock(h, TYPE_CHARS[h.type], prefix, name, linkFits ? linkname : asciiFallback(linkname, 100), h.size > USTAR_MAX_SIZE ? 0 : h.size);
  if (pax.length === 0) return main;
  const data = Buffer.concat(pax.map(([k, v]) => paxRecord(k, v)));
  const base = h.name.replace(/\/+$/, '').split('/').pop() ?? '';
  const paxName = asciiFallback(`PaxHeaders.0/${base}`, 100);
  const paxHeader = ustarBlock({ name: paxName, type: 'file', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: 0 }, 'x', '', paxName, '', data.length);
  return Buffer.concat([paxHeader, data, Buffer.alloc(padding(data.length)), main]);
}

/** Best-effort ustar field value for readers that ignore PAX: ASCII, truncated. */
function asciiFallback(s: string, max: number): string {
  return s.replace(/[^\x01-\x7f]/g, '_').slice(0, max);
}

export function padding(size: number): number {
  const r = size % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}
