/**
 * Streaming compressors: gzip through zlib (runs on the libuv pool, so layers compress in
 * parallel; blocks that would not compress are stored, see adaptive-gzip.ts), zstd through the
 * `zstd` CLI (Debian package zstd), whose failures surface as errors. Node 20 has no zstd; the
 * CLI beat the npm wasm codecs on speed, memory and frames read (docs/outputs.md, "zstd").
 */
import { spawn } from 'node:child_process';
import { Duplex, PassThrough, type Readable } from 'node:stream';
import { createGunzip, constants as zlibConstants } from 'node:zlib';
import { AdaptiveGzip } from './adaptive-gzip.js';
import { DrydockError } from '../util/errors.js';
import type { Compression } from './oci.js';

/** `level`: gzip 0–9 (default zlib's 6), zstd 1–19 (default 3). */
export function compressor(c: Compression, level?: number): Duplex | undefined {
  switch (c) {
    case 'gzip':
      return new AdaptiveGzip(level ?? zlibConstants.Z_DEFAULT_COMPRESSION);
    case 'zstd':
      return zstd(['-c', '-q', `-${level ?? 3}`, '-T1']);
    default:
      return undefined;
  }
}

export function decompressor(c: Compression): Duplex | undefined {
  switch (c) {
    case 'gzip':
      // 1 MiB output chunks (zlib's default is 16 KiB): a 600 MB layer takes 40x fewer round trips.
      return createGunzip({ chunkSize: 1 << 20 });
    case 'zstd':
      return zstd(['-d', '-c', '-q']);
    default:
      return undefined;
  }
}

/** Guesses a stream's compression from its first bytes. */
export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'uncompressed';
}

function zstd(args: string[]): Duplex {
  const child = spawn('zstd', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  let failed = false;
  const fail = (e: Error) => {
    if (failed) return;
    failed = true;
    out.destroy(e);
  };
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 2000) stderr += b.toString();
  });
  child.on('error', (e: NodeJS.ErrnoException) =>
    fail(e.code === 'ENOENT' ? new DrydockError('STORE', 'zstd is not installed (apt-get install zstd)') : e));
  child.stdout.pipe(out, { end: false });
  child.on('close', (code, signal) => {
    if (code === 0) out.end();
    else fail(new DrydockError('FORMAT', `zstd failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').pop() ?? ''}`));
  });
  child.stdin.on('error', (e) => fail(e));
  const duplex = Duplex.from({ writable: child.stdin, readable: out });
  duplex.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  return duplex;
}

/** Pipes `src` through `t`, forwarding errors from `src`. */
export function through(src: Readable, t: Duplex | undefined): Readable {
  if (!t) return src;
  src.on('error', (e) => t.destroy(e));
  return src.pipe(t);
}
