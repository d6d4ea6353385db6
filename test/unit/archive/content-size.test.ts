import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { TarContentCounter } from '../../../src/archive/content-size.js';
import { teeMeasure } from '../../../src/solver/layer-size.js';

/** The reference count: tar-stream parses every entry and we add up regular files. */
async function referenceTotal(archive: Buffer): Promise<number> {
  let total = 0;
  const x = tar.extract();
  x.on('entry', (h, body, next) => {
    if (h.type === 'file' || h.type === 'contiguous-file') total += h.size ?? 0;
    body.on('end', next);
    body.resume();
  });
  const done = new Promise<void>((resolve, reject) => { x.on('finish', resolve); x.on('error', reject); });
  x.end(archive);
  await done;
  return total;
}

function countIn(archive: Buffer, splits: number[]): number {
  const c = new TarContentCounter();
  let off = 0;
  for (const n of splits) {
    if (off >= archive.length) break;
    c.push(archive.subarray(off, off + n));
    off += n;
  }
  if (off < archive.length) c.push(archive.subarray(off));
  return c.total;
}

/** GNU tar of a directory with every kind of entry, in the given --format. */
function gnuTar(format: string): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drydock-tarsize-'));
  try {
    mkdirSync(path.join(dir, 'd/sub'), { recursive: true });
    writeFileSync(path.join(dir, 'empty'), '');
    writeFileSync(path.join(dir, 'd/a'), 'a'.repeat(513));
    writeFileSync(path.join(dir, 'd/sub/b'), Buffer.alloc(70_000, 7));
    linkSync(path.join(dir, 'd/a'), path.join(dir, 'hard')); // a link entry: no content of its own
    symlinkSync('d/a', path.join(dir, 'sym'));
    const long = path.join(dir, `${'n'.repeat(120)}/${'é'.repeat(80)}`);
    mkdirSync(path.dirname(long), { recursive: true });
    writeFileSync(long, 'long name\n');
    return execFileSync('tar', ['-c', '-f', '-', `--format=${format}`, '-C', dir, '.']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('counts regular file bytes like a full parse, for pax, gnu and ustar-with-pax archives', async () => {
  for (const format of ['pax', 'gnu', 'posix']) {
    const archive = gnuTar(format);
    const expected = await referenceTotal(archive);
    assert.equal(expected, 513 + 70_000 + 10);
    assert.equal(countIn(archive, []), expected, format);
  }
});

test('the answer does not depend on how the stream is chunked', async () => {
  const archive = gnuTar('pax');
  const expected = await referenceTotal(archive);
  assert.equal(countIn(archive, Array(archive.length).fill(1)), expected); // byte by byte
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return 1 + (seed % 3000); };
  for (let i = 0; i < 20; i++) assert.equal(countIn(archive, Array.from({ length: 2000 }, rnd)), expected);
});

test('a PAX size record overrides the ustar field; trailing bytes after the end are ignored', async () => {
  const pack = tar.pack();
  pack.entry({ name: 'x', size: 3 }, 'abc');
  // tar-stream writes a PAX header for the long name; the size stays in ustar
  pack.entry({ name: `${'p'.repeat(150)}/${'q'.repeat(110)}`, size: 5 }, 'hello');
  pack.entry({ name: 'dir', type: 'directory' });
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const archive = Buffer.concat([...chunks, Buffer.from('junk after the end')]);
  const c = new TarContentCounter();
  c.push(archive);
  assert.equal(c.total, 8);
  assert.equal(c.ended, true);

  // hand-made: a PAX 'size' record on an entry whose ustar size field says 0
  const rec = '13 size=1000\n'; // the length counts itself, the space and the newline
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  const c2 = new TarContentCounter();
  c2.push(Buffer.concat([
    rawHeader('PaxHeaders/f', 'x', rec.length), pad(Buffer.from(rec)),
    rawHeader('f', '0', 0), pad(Buffer.alloc(1000, 1)),
    Buffer.alloc(1024),
  ]));
  assert.equal(c2.total, 1000);
  assert.equal(c2.ended, true);
});

/** One ustar header block with any typeflag. */
function rawHeader(name: string, typeflag: string, size: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0);
  b.write('0000644\0', 100);
  b.write('0000000\0', 108);
  b.write('0000000\0', 116);
  b.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  b.write('00000000000\0', 136);
  b.write(typeflag, 156);
  b.write('ustar\0' + '00', 257);
  b.fill(' ', 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return b;
}

test('teeMeasure passes the bytes through unchanged and reports the total at the end', async () => {
  const archive = gnuTar('gnu');
  const { stream, size } = teeMeasure(Readable.from([archive.subarray(0, 700), archive.subarray(700)]));
  const out: Buffer[] = [];
  for await (const c of stream) out.push(c as Buffer);
  assert.deepEqual(Buffer.concat(out), archive);
  assert.equal(await size, await referenceTotal(archive));
});

test('a broken header rejects the size but not the stream', async () => {
  const junk = Buffer.alloc(2048, 0x41);
  const { stream, size } = teeMeasure(Readable.from([junk]));
  const out: Buffer[] = [];
  for await (const c of stream) out.push(c as Buffer);
  assert.equal(Buffer.concat(out).length, 2048);
  await assert.rejects(size, /invalid tar header/);
});
