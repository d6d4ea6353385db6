import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WriteBehindFile } from '../../../src/store/write-behind.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('WriteBehindFile writes every byte in order while it flushes behind itself', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'write-behind-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const data = randomBytes(9 << 20);
  // Uneven chunks, and a flush every 1 MiB so several run while writing goes on.
  const chunks: Buffer[] = [];
  for (let off = 0, n = 1; off < data.length; off += n, n = (n * 7919) % 700_001 + 1) chunks.push(data.subarray(off, off + n));
  const file = path.join(dir, 'blob');
  await pipeline(Readable.from(chunks), new WriteBehindFile(file, 0o644, 1 << 20));
  assert.equal(sha(await readFile(file)), sha(data));
});

test('WriteBehindFile never overwrites: an existing file fails the stream and stays as it was', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'write-behind-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'blob');
  await writeFile(file, 'before');
  await assert.rejects(pipeline(Readable.from([Buffer.from('after')]), new WriteBehindFile(file)), { code: 'EEXIST' });
  assert.equal(await readFile(file, 'utf8'), 'before');
});

test('WriteBehindFile passes a failing source on and closes its file', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'write-behind-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'blob');
  async function* failing() {
    yield randomBytes(3 << 20);
    throw new Error('source broke');
  }
  const fds = async () => (await readdir('/proc/self/fd')).length;
  const before = await fds();
  const w = new WriteBehindFile(file, 0o644, 1 << 20);
  const closed = new Promise((resolve) => w.on('close', resolve));
  await assert.rejects(pipeline(Readable.from(failing()), w), /source broke/);
  await closed;
  assert.equal(await fds(), before);
});
