import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { readTar, type TarEntry } from '../../../src/archive/reader.js';
import { tarStream } from '../../../src/archive/writer.js';
import { decodeHeader, encodeHeader, parsePax, applyPax, type TarHeader } from '../../../src/archive/header.js';
import { DrydockError } from '../../../src/util/errors.js';

const base = { mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1700000000 };
const longName = `${'d'.repeat(120)}/${'f'.repeat(120)}.txt`;
const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x80, 0xff, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

const entries: Array<[TarHeader, Buffer?]> = [
  [{ ...base, name: 'dir/', type: 'directory', mode: 0o755 }],
  [{ ...base, name: 'dir/file', type: 'file', size: 5 }, Buffer.from('hello')],
  [{ ...base, name: longName, type: 'file', size: 3 }, Buffer.from('abc')],
  [{ ...base, name: 'big-ids', type: 'file', uid: 3000000, gid: 4000000, size: 0 }],
  [{ ...base, name: 'ping', type: 'file', size: 1, xattrs: { 'security.capability': cap, 'user.note': Buffer.from('hé') } }, Buffer.from('x')],
  [{ ...base, name: 'hard', type: 'link', linkname: 'dir/file' }],
  [{ ...base, name: 'sym', type: 'symlink', linkname: `/${'t'.repeat(150)}` }],
  [{ ...base, name: 'dev/null', type: 'char', mode: 0o666, devmajor: 1, devminor: 3 }],
  [{ ...base, name: 'dev/sda', type: 'block', mode: 0o660, devmajor: 8, devminor: 0 }],
  [{ ...base, name: 'fifo', type: 'fifo' }],
  [{ ...base, name: 'ünïcode', type: 'file', size: 1 }, Buffer.from('u')],
];

async function collect(src: Readable): Promise<Array<{ header: TarHeader; data: Buffer }>> {
  const out = [];
  for await (const e of readTar(src) as AsyncIterable<TarEntry>) out.push({ header: e.header, data: await buffer(Readable.from(e.body)) });
  return out;
}

test('tar writer and reader round-trip PAX names, big ids, binary xattrs, links and devices', async () => {
  const tar = tarStream(async (w) => {
    for (const [h, body] of entries) await w.add(h, body);
  });
  const bytes = await buffer(tar);
  const got = await collect(Readable.from([bytes]));
  assert.equal(got.length, entries.length);
  for (let i = 0; i < entries.length; i++) {
    const [h, body] = entries[i]!;
    assert.deepEqual(got[i]!.header, h, h.name);
    assert.deepEqual(got[i]!.data, body ?? Buffer.alloc(0), h.name);
  }
  // GNU tar agrees
  const dir = await mkdtemp(join(tmpdir(), 'drydock-tar-'));
  try {
    await writeFile(join(dir, 'a.tar'), bytes);
    const listing = execFileSync('tar', ['--numeric-owner', '-tvf', join(dir, 'a.tar')], { encoding: 'utf8' });
    assert.match(listing, new RegExp(longName));
    assert.match(listing, /3000000\/4000000/);
    assert.match(listing, /hard link to dir\/file/);
    assert.match(listing, /1,3 .*dev\/null/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('sizes of 8 GiB and more go in a PAX record', () => {
  const h: TarHeader = { ...base, name: 'huge', type: 'file', size: 9 * 1024 ** 3 };
  const enc = encodeHeader(h);
  const paxHdr = decodeHeader(enc.subarray(0, 512));
  assert.equal(paxHdr.typeflag, 'x');
  const pax = parsePax(enc.subarray(512, 512 + paxHdr.header.size));
  const main = decodeHeader(enc.subarray(enc.length - 512)).header;
  applyPax(main, pax);
  assert.equal(main.size, 9 * 1024 ** 3);
});

test('reader reads base-256 numbers and GNU long names', async () => {
  const h = Buffer.from(encodeHeader({ ...base, name: 'x', type: 'file', size: 0 }));
  // uid as base-256
  h.fill(0, 108, 116);
  h[108] = 0x80;
  h.writeUInt32BE(5000000, 112);
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  const got = await collect(Readable.from([Buffer.concat([h, Buffer.alloc(1024)])]));
  assert.equal(got[0]!.header.uid, 5000000);
  // GNU tar long names
  const dir = await mkdtemp(join(tmpdir(), 'drydock-tar-'));
  try {
    const name = 'n'.repeat(200);
    await writeFile(join(dir, name), 'gnu');
    const gnu = execFileSync('tar', ['--format=gnu', '-C', dir, '-cf', '-', name]);
    const entries2 = await collect(Readable.from([gnu]));
    assert.equal(entries2[0]!.header.name, name);
    assert.equal(entries2[0]!.data.toString(), 'gnu');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('reader rejects garbage and truncation', async () => {
  await assert.rejects(collect(Readable.from([Buffer.from('this is not a tar archive'.repeat(40))])),
    (e: unknown) => e instanceof DrydockError && e.message === 'not a tar archive');
  const tar = await buffer(tarStream(async (w) => w.add({ ...base, name: 'f', type: 'file', size: 2000 }, Buffer.alloc(2000, 1))));
  await assert.rejects(collect(Readable.from([tar.subarray(0, 1200)])),
    (e: unknown) => e instanceof DrydockError && /truncated/.test(e.message));
});
