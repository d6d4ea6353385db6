/**
 * The secret-leak scanner: where do these bytes appear? It reads every regular file under the
 * given paths and looks inside what it finds: gzip and zstd streams are decompressed, tar
 * archives (a `docker save`, an OCI layout tar, a layer) are opened entry by entry, and each of
 * those is looked inside again, so a secret in a gzipped layer inside an output tarball is found.
 * Its own positive control is in test/integration/features/secret-leaks.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const MAX_DEPTH = 4;

function isGzip(b: Buffer): boolean { return b[0] === 0x1f && b[1] === 0x8b; }
function isZstd(b: Buffer): boolean { return b.readUInt32LE(0) === 0xfd2fb528; }
function isTar(b: Buffer): boolean { return b.length >= 512 && b.subarray(257, 262).toString('latin1') === 'ustar'; }

/** Each entry's data of a tar in memory (ustar, GNU and PAX headers; names do not matter here). */
function* tarEntries(b: Buffer): Generator<{ name: string; data: Buffer }> {
  let off = 0;
  while (off + 512 <= b.length) {
    const h = b.subarray(off, off + 512);
    if (h.every((x) => x === 0)) return;
    const sizeField = h.subarray(124, 136);
    const size = sizeField[0]! & 0x80 ? Number(sizeField.readBigUInt64BE(4)) : parseInt(sizeField.toString('latin1').replace(/\0.*$/, '').trim() || '0', 8);
    const name = h.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    yield { name, data: b.subarray(off + 512, off + 512 + size) };
    off += 512 + Math.ceil(size / 512) * 512;
  }
}

/** Where `needle` is in `data`, as "label" paths (`file!entry (gunzipped)`); [] when nowhere. */
export function findIn(data: Buffer, needle: Buffer, label: string, depth = 0): string[] {
  // Inside first, so a hit names the entry that holds it (a small stream may hold it verbatim too).
  const inner = depth < MAX_DEPTH && data.length >= 4 ? findInside(data, needle, label, depth) : [];
  if (inner.length) return inner;
  return data.includes(needle) ? [label] : [];
}

function findInside(data: Buffer, needle: Buffer, label: string, depth: number): string[] {
  if (isGzip(data)) {
    try { return findIn(gunzipSync(data), needle, `${label} (gunzipped)`, depth + 1); } catch { return []; }
  }
  if (isZstd(data)) {
    try {
      return findIn(execFileSync('zstd', ['-dc', '-q'], { input: data, maxBuffer: 1 << 30 }), needle, `${label} (zstd)`, depth + 1);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('zstd is not installed: run scripts/setup.sh');
      return [];
    }
  }
  if (isTar(data)) return [...tarEntries(data)].flatMap((e) => findIn(e.data, needle, `${label}!${e.name}`, depth + 1));
  return [];
}

/** Every regular file under `path` (or `path` itself). */
async function files(path: string): Promise<string[]> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return [];
  if (st.isFile()) return [path];
  if (!st.isDirectory()) return [];
  const out: string[] = [];
  for (const e of await readdir(path)) out.push(...(await files(join(path, e))));
  return out;
}

/** Where `needle` appears in any file under `paths`, looking inside archives and compressed streams. */
export async function findLeaks(paths: string[], needle: string): Promise<string[]> {
  const want = Buffer.from(needle);
  const hits: string[] = [];
  for (const p of paths) for (const f of await files(p)) hits.push(...findIn(await readFile(f), want, f));
  return hits;
}
