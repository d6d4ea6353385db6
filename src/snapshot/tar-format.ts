/**
 * The bytes of tar headers: ustar, with a PAX extended header in front when a field does not
 * fit (long or non-ASCII names, ids above 7 octal digits, xattrs). Written here rather than
 * with tar-stream because tar-stream encodes PAX values as UTF-8 strings and cannot carry the
 * binary value of an xattr such as security.capability.
 */

export const BLOCK = 512;

export type TypeFlag = '0' | '1' | '2' | '3' | '4' | '5' | '6' | 'x';

export interface TarHeader {
  name: string;
  mode: number; // permission bits and setuid/setgid/sticky only
  uid: number;
  gid: number;
  size: number;
  mtime: number; // whole seconds
  type: TypeFlag;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** PAX records to add (e.g. SCHILY.xattr.*), raw values, in the order given. */
  pax?: Array<[string, Buffer]>;
}

const MAX_OCTAL7 = 0o7777777;
const MAX_OCTAL11 = 0o77777777777;

function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

function isAscii(s: string): boolean {
  return /^[\x01-\x7f]*$/.test(s);
}

/** Splits a name into ustar prefix + name, or undefined when it cannot be. */
function splitUstar(name: string): { prefix: string; name: string } | undefined {
  if (!isAscii(name)) return undefined;
  if (name.length <= 100) return { prefix: '', name };
  // The split must be at a slash, the prefix at most 155 bytes and the rest at most 100.
  for (let i = name.indexOf('/'); i !== -1 && i <= 155; i = name.indexOf('/', i + 1)) {
    if (name.length - i - 1 <= 100 && i > 0 && name.length - i - 1 > 0) return { prefix: name.slice(0, i), name: name.slice(i + 1) };
  }
  return undefined;
}

function writeString(buf: Buffer, s: string, off: number, len: number): void {
  buf.write(s.slice(0, len), off, len, 'utf8');
}

function writeOctal(buf: Buffer, n: number, off: number, len: number): void {
  buf.write(n.toString(8).padStart(len - 1, '0') + '\0', off, len, 'ascii');
}

function ustar(h: TarHeader, name: { prefix: string; name: string }, linkname: string): Buffer {
  const buf = Buffer.alloc(BLOCK);
  writeString(buf, name.name, 0, 100);
  writeOctal(buf, h.mode & 0o7777, 100, 8);
  writeOctal(buf, h.uid, 108, 8);
  writeOctal(buf, h.gid, 116, 8);
  writeOctal(buf, h.size, 124, 12);
  writeOctal(buf, h.mtime, 136, 12);
  buf.write(h.type, 156, 1, 'ascii');
  writeString(buf, linkname, 157, 100);
  buf.write('ustar\x0000', 257, 8, 'ascii');
  writeOctal(buf, h.devmajor ?? 0, 329, 8);
  writeOctal(buf, h.devminor ?? 0, 337, 8);
  writeString(buf, name.prefix, 345, 155);
  buf.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += buf[i]!;
  buf.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return buf;
}

export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** The header block(s) of one entry: an optional PAX header with its data, then the ustar block. */
export function encodeHeader(h: TarHeader): Buffer {
  const records: Buffer[] = [];
  let name = splitUstar(h.name);
  if (!name) {
    records.push(paxRecord('path', Buffer.from(h.name, 'utf8')));
    name = { prefix: '', name: h.name.replace(/[^\x20-\x7e]/g, '_').slice(-100) };
  }
  let linkname = h.linkname ?? '';
  if (linkname.length > 100 || !isAscii(linkname)) {
    records.push(paxRecord('linkpath', Buffer.from(linkname, 'utf8')));
    linkname = linkname.replace(/[^\x20-\x7e]/g, '_').slice(0, 100);
  }
  const fields = { ...h };
  for (const key of ['uid', 'gid'] as const) {
    if (fields[key] > MAX_OCTAL7) {
      records.push(paxRecord(key, Buffer.from(String(fields[key]))));
      fields[key] = 0;
    }
  }
  if (fields.size > MAX_OCTAL11) {
    records.push(paxRecord('size', Buffer.from(String(fields.size))));
    fields.size = 0;
  }
  for (const [k, v] of h.pax ?? []) records.push(paxRecord(k, v));
  const main = ustar(fields, name, linkname);
  if (records.length === 0) return main;
  const data = Buffer.concat(records);
  const base = h.name.replace(/\/$/, '').split('/').pop() ?? '';
  const paxName = `PaxHeaders.0/${base}`.replace(/[^\x20-\x7e]/g, '_').slice(0, 100);
  const paxHeader = ustar({ name: paxName, mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: h.mtime, type: 'x' }, { prefix: '', name: paxName }, '');
  return Buffer.concat([paxHeader, data, padding(data.length), main]);
}

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);
