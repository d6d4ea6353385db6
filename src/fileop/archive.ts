/**
 * ADD's local archives: a regular file is an archive when, after decompression, it starts with a
 * valid tar header (Docker sniffs content, never the file name). Extraction follows moby's
 * archive.Untar run chrooted in the destination: entries cannot leave it, existing entries are
 * replaced (directories merged), owners come from the archive (or --chown), whiteouts are
 * ordinary files.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { decompress, detectCompression } from './decompress.js';

export { extractTar, type ExtractOptions } from '../archive/index.js';

/** Is `file` (a host path, not followed if a symlink) a possibly compressed tar archive? */
export async function isArchive(file: string): Promise<boolean> {
  let head: Buffer;
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return false;
  try {
    const st = await fh.stat();
    if (!st.isFile()) return false;
    const buf = Buffer.alloc(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const stream = decompress(createReadStream(file), detectCompression(head));
  try {
    const first = await readUpTo(stream, 1024);
    return startsWithTarHeader(first);
  } catch {
    return false;
  } finally {
    stream.destroy();
  }
}

/** The file's content, decompressed as its magic bytes say. */
export async function openArchive(file: string): Promise<Readable> {
  const fh = await open(file, 'r');
  const buf = Buffer.alloc(16);
  const { bytesRead } = await fh.read(buf, 0, 16, 0);
  await fh.close();
  return decompress(createReadStream(file), detectCompression(buf.subarray(0, bytesRead)));
}

async function readUpTo(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let len = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    len += (chunk as Buffer).length;
    if (len >= n) break;
  }
  return Buffer.concat(chunks).subarray(0, n);
}

/** What Go's tar.Reader.Next accepts as a first header: a block with a valid checksum (after at most one zero block). */
export function startsWithTarHeader(data: Buffer): boolean {
  let block = data.subarray(0, 512);
  if (block.length === 512 && block.every((b) => b === 0)) block = data.subarray(512, 1024);
  if (block.length < 512 || block.every((b) => b === 0)) return false;
  const field = block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/, '').replace(/^[\0 ]+/, '');
  if (!/^[0-7]+$/.test(field)) return false;
  const want = parseInt(field, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return want === unsigned || want === signed;
}
