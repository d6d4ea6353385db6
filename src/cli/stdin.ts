/**
 * `drydock build -`: stdin holds either a tar context (plain or compressed) or a Dockerfile.
 * Sniff the first bytes like docker does, then hand back a stream or the text.
 */
import { PassThrough, type Readable } from 'node:stream';

export type StdinContext = { kind: 'tar'; stream: Readable } | { kind: 'dockerfile'; text: string };

export async function readStdinContext(stdin: NodeJS.ReadableStream): Promise<StdinContext> {
  const it = stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < 512 && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else { const b = Buffer.from(r.value); head.push(b); size += b.length; }
  }
  const first = Buffer.concat(head);
  if (!looksLikeArchive(first)) {
    const rest: Buffer[] = [first];
    while (!done) { const r = await it.next(); if (r.done) done = true; else rest.push(Buffer.from(r.value)); }
    return { kind: 'dockerfile', text: Buffer.concat(rest).toString('utf8') };
  }
  const out = new PassThrough();
  out.write(first);
  (async () => {
    try {
      while (!done) { const r = await it.next(); if (r.done) done = true; else if (!out.write(r.value)) await new Promise((res) => out.once('drain', res)); }
      out.end();
    } catch (e) { out.destroy(e as Error); }
  })();
  return { kind: 'tar', stream: out };
}

export function looksLikeArchive(b: Buffer): boolean {
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return true; // gzip
  if (b.length >= 3 && b.subarray(0, 3).toString('latin1') === 'BZh') return true;
  if (b.length >= 6 && b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true; // xz
  if (b.length >= 4 && b.readUInt32LE(0) === 0xfd2fb528) return true; // zstd
  return b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar';
}
