import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync } from 'node:zlib';
import { AdaptiveGzip, GZIP_BLOCK, crc32, crc32Table, looksIncompressible } from '../../../src/image/adaptive-gzip.js';

/** Deterministic pseudo-random bytes (xorshift), incompressible for deflate. */
function noise(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    b[i] = s & 0xff;
  }
  return b;
}

function text(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i += 48) b.write(`line ${i % 977}: the quick brown fox ${i % 13}\n`, i);
  return b;
}

async function gzipWith(make: () => NodeJS.ReadWriteStream, data: Buffer, chunk: number): Promise<Buffer> {
  const out: Buffer[] = [];
  const chunks = function* () { for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk); };
  await pipeline(Readable.from(chunks()), make(), new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  return Buffer.concat(out);
}
const adaptive = (data: Buffer, chunk = 65536) => gzipWith(() => new AdaptiveGzip(), data, chunk);
const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const mixed = Buffer.concat([text(GZIP_BLOCK + 1000), noise(3 * GZIP_BLOCK), text(2 * GZIP_BLOCK), noise(GZIP_BLOCK / 2)]);

test('random blocks are stored, text blocks compressed, and every gunzip reads the result', async () => {
  const gz = await adaptive(mixed);
  assert.deepEqual(gunzipSync(gz), mixed);
  assert.deepEqual(execFileSync('gunzip', ['-c'], { input: gz, maxBuffer: 1 << 26 }), mixed);
  // the noise costs its size plus 5 bytes per 64 KiB; the text what zlib makes of it (±1%)
  const noiseBytes = 3.5 * GZIP_BLOCK;
  const textGz = gzippedLength(mixed.subarray(0, GZIP_BLOCK + 1000)) + gzippedLength(mixed.subarray(mixed.length - 2.5 * GZIP_BLOCK, mixed.length - 0.5 * GZIP_BLOCK));
  assert.ok(gz.length > noiseBytes && gz.length < noiseBytes * 1.001 + textGz * 1.01 + 100, `${gz.length}`);
});

test('the output depends on the bytes only, not on how they are chunked', async () => {
  const want = digest(await adaptive(mixed));
  for (const chunk of [1, 4096, 7777, GZIP_BLOCK, 3 * GZIP_BLOCK + 5]) {
    if (chunk === 1) continue; // byte-sized chunks are valid but slow: checked on a smaller input below
    assert.equal(digest(await adaptive(mixed, chunk)), want, `chunk ${chunk}`);
  }
  const small = Buffer.concat([text(70_000), noise(200_000)]);
  assert.equal(digest(await adaptive(small, 1)), digest(await adaptive(small)));
});

test('input with nothing random is one member, deflated in parallel pieces about as small as zlib’s single stream', async () => {
  const binary = Buffer.concat(Array.from({ length: 40 }, (_, i) => Buffer.concat([text(20_000), noise(2_000, i + 7), Buffer.alloc(8_000, i)])));
  for (const data of [text(3 * GZIP_BLOCK + 17), binary, Buffer.alloc(0), Buffer.from('x'), text(100)]) {
    const gz = await adaptive(data);
    assert.deepEqual(gunzipSync(gz), data);
    assert.deepEqual(execFileSync('gunzip', ['-c'], { input: gz, maxBuffer: 1 << 26 }), data);
    // One member: header, deflate data, then the CRC and length of all of it.
    assert.deepEqual(gz.subarray(0, 10), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]));
    assert.equal(gz.readUInt32LE(gz.length - 8), crc32(data));
    assert.equal(gz.readUInt32LE(gz.length - 4), data.length);
    // Each piece is primed with the 32 KiB before it: no ratio lost to the cuts.
    const single = await gzipWith(() => createGzip(), data, 65536);
    assert.ok(gz.length <= single.length * 1.005 + 64, `${gz.length} vs zlib ${single.length}`);
  }
});

test('all-random input is one stored member, and CRCs match', async () => {
  const data = noise(2 * GZIP_BLOCK, 9);
  const gz = await adaptive(data);
  assert.deepEqual(gz.subarray(0, 10), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]));
  assert.equal(gz.readUInt32LE(gz.length - 8), crc32(data));
  assert.equal(gz.readUInt32LE(gz.length - 4), data.length);
  assert.deepEqual(gunzipSync(gz), data);
});

test('incompressibility: random and compressed bytes yes; text, zeros and repeats no', () => {
  assert.equal(looksIncompressible(noise(GZIP_BLOCK)), true);
  // a compressed file's bytes, as layers hold them (.gz, .png, .jar...)
  const letters = Buffer.from(noise(3 * GZIP_BLOCK, 4).map((x) => 97 + (x % 27)));
  assert.equal(looksIncompressible(gzipSyncOf(letters).subarray(0, GZIP_BLOCK)), true);
  assert.equal(looksIncompressible(text(GZIP_BLOCK)), false);
  assert.equal(looksIncompressible(Buffer.alloc(GZIP_BLOCK)), false);
  // high byte entropy but a 4 KiB pattern repeated: deflate finds it, so it is compressed
  const pattern = noise(4096, 3);
  assert.equal(looksIncompressible(Buffer.concat(Array(256).fill(pattern))), false);
  assert.equal(looksIncompressible(noise(1000)), false); // too short to judge: compressed
});

test('the table CRC-32 matches zlib’s', () => {
  for (const b of [Buffer.alloc(0), Buffer.from('123456789'), noise(100_000, 5)]) {
    assert.equal(crc32Table(b), crc32(b));
    assert.equal(crc32Table(b.subarray(500), crc32Table(b.subarray(0, 500))), crc32(b));
  }
  assert.equal(crc32Table(Buffer.from('123456789')), 0xcbf43926);
});

function gzippedLength(b: Buffer): number {
  return gzipSyncOf(b).length;
}

function gzipSyncOf(b: Buffer): Buffer {
  return execFileSync('gzip', ['-c'], { input: b, maxBuffer: 1 << 26 });
}
