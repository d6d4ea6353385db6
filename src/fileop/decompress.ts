/**
 * Compression sniffing and streaming decompression for ADD's local archives, by magic bytes like
 * moby/go-archive (gzip, bzip2, xz, zstd; anything else is taken as uncompressed). gzip is done
 * in-process; the others stream through the `bzip2`, `xz` and `zstd` tools (setup.sh installs them).
 */
import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type ArchiveCompression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

export function detectCompression(head: Buffer): ArchiveCompression {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b, 0x08)) return 'gzip';
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  // zstd skippable frame: 0x184D2A5? little-endian
  if (head.length >= 4 && (head.readUInt32LE(0) & 0xfffffff0) === 0x184d2a50) return 'zstd';
  return 'none';
}

const TOOLS: Record<'bzip2' | 'xz' | 'zstd', string[]> = {
  bzip2: ['bzip2', '-d', '-c', '-q'],
  xz: ['xz', '-d', '-c', '-q'],
  zstd: ['zstd', '-d', '-c', '-q'],
};

/** The decompressed bytes of `input`. Destroying the result stops the work (and any child process). */
export function decompress(input: Readable, compression: ArchiveCompression): Readable {
  if (compression === 'none') return input;
  if (compression === 'gzip') {
    const gunzip = createGunzip();
    input.on('error', (e) => gunzip.destroy(e));
    gunzip.on('close', () => input.destroy());
    return input.pipe(gunzip);
  }
  const [cmd, ...args] = TOOLS[compression];
  const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  let finished = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {}); // EPIPE when the reader stops early; the exit status tells
  input.on('error', (e) => out.destroy(e));
  input.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  child.on('error', (e) => out.destroy(new Error(`${cmd}: ${e.message}`)));
  child.on('close', (code, signal) => {
    finished = true;
    if (code === 0) out.end();
    else if (!out.destroyed) out.destroy(new Error(`${cmd} -d failed (${signal ?? code}): ${stderr.trim()}`));
  });
  out.on('close', () => {
    if (!finished) child.kill('SIGKILL');
    input.destroy();
  });
  return out;
}
