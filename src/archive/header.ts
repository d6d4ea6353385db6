/**
 * Tar headers, the one codec of drydock: ustar + PAX, written by Go's archive/tar rules (what
 * Docker, containerd and BuildKit write), and read as Go reads them: ustar, PAX, GNU long names,
 * base-256 numbers, GNU and PAX sparse maps. PAX records carry what ustar cannot: long or
 * non-ASCII names, sizes >= 8 GiB, ids > 2097151, xattrs (SCHILY.xattr.*, binary values kept as
 * bytes, as security.capability needs).
 */
import { DrydockError } from '../util/errors.js';

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
  /**
   * A sparse file: `size` is its real size, the body holds only the data segments, in order
   * (the reader gives this only when asked; by default it expands holes into zeros).
   */
  sparse?: SparseSegment[];
}

/** One data segment of a sparse file: `length` bytes at `offset`; the rest is holes. */
export interface SparseSegment {
  offset: number;
  length: number;
}

export const BLOCK = 512;
const USTAR_MAX_ID = 0o7777777;
const USTAR_MAX_SIZE = 0o77777777777;

const TYPE_CHARS: Record<EntryType, string> = { file: '0', link: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6' };
const CHAR_TYPES: Record<string, EntryType> = { '0': 'file', '\0': 'file', '7': 'file', 'S': 'file', '1': 'link', '2': 'symlink', '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo' };

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
  // GNU tar's PAX sparse files: the real name and size (format 0.1 and 1.0; 0.1 also has the map).
  const sparseName = pax.get('GNU.sparse.name');
  if (sparseName) h.name = sparseName.toString('utf8');
  for (const n of ['size', 'uid', 'gid', 'mtime'] as const) {
    if (!Number.isFinite(h[n])) throw new DrydockError('FORMAT', `invalid PAX ${n} in tar`);
  }
}

/** How a PAX header describes a sparse file, if it does: its real size, and the map unless it leads the data (1.0). */
export function paxSparse(pax: Map<string, Buffer>): { realSize: number; map?: SparseSegment[] } | undefined {
  const major = pax.get('GNU.sparse.major')?.toString();
  const realSize = Number((pax.get('GNU.sparse.realsize') ?? pax.get('GNU.sparse.size'))?.toString());
  if (major === '1') {
    if (!Number.isSafeInteger(realSize) || realSize < 0) throw new DrydockError('FORMAT', 'invalid GNU sparse size in tar');
    return { realSize };
  }
  const map = pax.get('GNU.sparse.map');
  if (map !== undefined) {
    if (!Number.isSafeInteger(realSize) || realSize < 0) throw new DrydockError('FORMAT', 'invalid GNU sparse size in tar');
    const nums = map.toString('latin1').split(',').map(Number);
    return { realSize, map: pairs(nums) };
  }
  if (pax.has('GNU.sparse.offset') || pax.has('GNU.sparse.numbytes')) throw new DrydockError('FORMAT', 'unsupported tar sparse format 0.0');
  return undefined;
}

/** [o1, l1, o2, l2…] → segments; throws on an odd count or a bad number. */
export function pairs(nums: number[]): SparseSegment[] {
  if (nums.length % 2 !== 0 || nums.some((n) => !Number.isSafeInteger(n) || n < 0)) throw new DrydockError('FORMAT', 'invalid sparse map in tar');
  const out: SparseSegment[] = [];
  for (let i = 0; i < nums.length; i += 2) out.push({ offset: nums[i]!, length: nums[i + 1]! });
  return out;
}

/** The old GNU sparse header ('S'): up to 4 segments in the header, `extended` when more blocks follow, the real size. */
export function gnuSparse(b: Buffer): { segments: SparseSegment[]; extended: boolean; realSize: number } {
  return { segments: sparseEntries(b, 386, 4), extended: b[482] !== 0, realSize: readNumber(b, 483, 12) };
}

/** One extension block of an old GNU sparse map: 21 segments, and whether another block follows. */
export function gnuSparseExtension(b: Buffer): { segments: SparseSegment[]; extended: boolean } {
  return { segments: sparseEntries(b, 0, 21), extended: b[504] !== 0 };
}

function sparseEntries(b: Buffer, off: number, n: number): SparseSegment[] {
  const out: SparseSegment[] = [];
  for (let i = 0; i < n; i++) {
    const at = off + i * 24;
    if (b[at] === 0) break;
    out.push({ offset: readNumber(b, at, 12), length: readNumber(b, at + 12, 12) });
  }
  return out;
}

/** Segments in order, apart and inside the real size, as Go's validateSparseEntries demands. */
export function checkSparse(segments: SparseSegment[], realSize: number, name: string): void {
  let end = 0;
  for (const s of segments) {
    if (s.offset < end || s.offset + s.length > realSize) throw new DrydockError('FORMAT', `invalid sparse map for ${JSON.stringify(name)} in tar`);
    end = s.offset + s.length;
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

/** Go's splitUSTARPath: the longest prefix (at most 155 bytes) ending at a slash, a rest of at most 100. */
function splitName(name: string): [string, string] | undefined {
  if (name.length <= 100) return ['', name];
  let length = name.length;
  if (length > 156) length = 156;
  else if (name[length - 1] === '/') length--;
  const i = name.lastIndexOf('/', length - 1);
  const rest = name.length - i - 1;
  if (i <= 0 || rest > 100 || rest === 0 || i > 155) return undefined;
  return [name.slice(0, i), name.slice(i + 1)];
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

/** Encodes a header: a PAX extended header first when ustar cannot hold the values (records sorted by key, as Go writes them). */
export function encodeHeader(h: TarHeader): Buffer {
  const pax: Array<[string, Buffer]> = [];
  const split = isAscii(h.name) ? splitName(h.name) : undefined;
  if (!split) pax.push(['path', Buffer.from(h.name)]);
  const linkname = h.linkname ?? '';
  const linkFits = isAscii(linkname) && linkname.length <= 100;
  if (!linkFits) pax.push(['linkpath', Buffer.from(linkname)]);
  let size = h.size;
  let name = h.name;
  if (h.sparse) {
    // PAX sparse format 1.0 (GNU tar's): the real size and name in records, the map in front of the data.
    const map = sparseMap(h.sparse);
    size = map.length + h.sparse.reduce((a, s) => a + s.length, 0);
    name = sparseName(h.name);
    pax.push(['GNU.sparse.major', Buffer.from('1')], ['GNU.sparse.minor', Buffer.from('0')], ['GNU.sparse.name', Buffer.from(h.name)], ['GNU.sparse.realsize', Buffer.from(String(h.size))]);
    if (pax[0]?.[0] === 'path') pax.shift();
  }
  if (size > USTAR_MAX_SIZE) pax.push(['size', Buffer.from(String(size))]);
  if (h.uid > USTAR_MAX_ID) pax.push(['uid', Buffer.from(String(h.uid))]);
  if (h.gid > USTAR_MAX_ID) pax.push(['gid', Buffer.from(String(h.gid))]);
  if (h.mtime < 0 || h.mtime > USTAR_MAX_SIZE) pax.push(['mtime', Buffer.from(String(Math.floor(h.mtime)))]);
  if (h.uname && (Buffer.byteLength(h.uname) > 32 || !isAscii(h.uname))) pax.push(['uname', Buffer.from(h.uname)]);
  if (h.gname && (Buffer.byteLength(h.gname) > 32 || !isAscii(h.gname))) pax.push(['gname', Buffer.from(h.gname)]);
  if ((h.devmajor ?? 0) > USTAR_MAX_ID) pax.push(['SCHILY.devmajor', Buffer.from(String(h.devmajor))]);
  if ((h.devminor ?? 0) > USTAR_MAX_ID) pax.push(['SCHILY.devminor', Buffer.from(String(h.devminor))]);
  for (const [k, v] of Object.entries(h.xattrs ?? {})) pax.push([`SCHILY.xattr.${k}`, v]);
  pax.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

  const nameSplit = name === h.name ? split : isAscii(name) ? splitName(name) : undefined;
  const [prefix, short] = nameSplit ?? ['', asciiFallback(name, 100)];
  const main = ustarBlock(h, TYPE_CHARS[h.type], prefix, short, linkFits ? linkname : asciiFallback(linkname, 100), size > USTAR_MAX_SIZE ? 0 : size);
  const sparseData = h.sparse ? sparseMap(h.sparse) : Buffer.alloc(0);
  if (pax.length === 0) return main;
  const data = Buffer.concat(pax.map(([k, v]) => paxRecord(k, v)));
  // Go names it <dir>/PaxHeaders.0/<base>, mode, owner and time zero.
  const slash = h.name.replace(/\/+$/, '').lastIndexOf('/');
  const paxName = asciiFallback(`${slash < 0 ? '' : h.name.slice(0, slash + 1)}PaxHeaders.0/${h.name.replace(/\/+$/, '').slice(slash + 1)}`, 100).replace(/\/+$/, '');
  const paxHeader = ustarBlock({ name: paxName, type: 'file', mode: 0, uid: 0, gid: 0, size: data.length, mtime: 0 }, 'x', '', paxName, '', data.length);
  return Buffer.concat([paxHeader, data, Buffer.alloc(padding(data.length)), main, sparseData]);
}

/** GNU tar's name for the stored entry of a sparse file: <dir>/GNUSparseFile.0/<base>. */
function sparseName(name: string): string {
  const slash = name.lastIndexOf('/');
  return `${slash < 0 ? '' : name.slice(0, slash + 1)}GNUSparseFile.0/${name.slice(slash + 1)}`;
}

/** The PAX 1.0 sparse map at the start of the data: decimal lines, padded to a block. */
export function sparseMap(segments: SparseSegment[]): Buffer {
  const text = [segments.length, ...segments.flatMap((s) => [s.offset, s.length])].join('\n') + '\n';
  const b = Buffer.from(text, 'latin1');
  return Buffer.concat([b, Buffer.alloc(padding(b.length))]);
}

/** Best-effort ustar field value for readers that ignore PAX: ASCII only (Go drops the rest), truncated. */
function asciiFallback(s: string, max: number): string {
  return s.replace(/[^\x01-\x7f]/g, '').slice(0, max);
}

export function padding(size: number): number {
  const r = size % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}
