import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BLOCK, encodeHeader, padding as paddingSize } from '../../../src/archive/header.js';

const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);
const padding = (n: number) => Buffer.alloc(paddingSize(n));

function archive(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, END_OF_ARCHIVE]);
}

async function gnuList(tar: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drydock-tarfmt-'));
  await writeFile(path.join(dir, 'a.tar'), tar);
  return execFileSync('tar', ['--numeric-owner', '--xattrs', '--xattrs-include=*', '-tvvf', path.join(dir, 'a.tar')], { env: { ...process.env, TZ: 'UTC' } }).toString();
}

test('a plain ustar header: fields, checksum, one block', async () => {
  const h = encodeHeader({ name: 'etc/hosts', mode: 0o644, uid: 1, gid: 2, size: 3, mtime: 1000, type: 'file' });
  assert.equal(h.length, BLOCK);
  assert.equal(h.subarray(257, 263).toString(), 'ustar\0');
  const out = await gnuList(archive(h, Buffer.from('abc'), padding(3)));
  assert.match(out, /^-rw-r--r--\s+1\/2\s+3 1970-01-01 00:16 etc\/hosts\n$/);
});

test('long and non-ASCII names go in a PAX path record; long names split into prefix when they can', async () => {
  const long = `${'a'.repeat(120)}/b`;
  assert.equal(encodeHeader({ name: long, mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, type: 'file' }).length, BLOCK);
  const odd = `${'c'.repeat(150)}-é`;
  const h = encodeHeader({ name: odd, mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, type: 'file' });
  assert.ok(h.length > BLOCK);
  assert.ok(h.includes(Buffer.from(` path=${odd}\n`, 'utf8')));
  const out = await gnuList(archive(encodeHeader({ name: long, mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, type: 'file' }), h));
  assert.ok(out.includes(long) && out.includes(odd), out);
});

test('binary xattr values are written as raw bytes; large ids in PAX', async () => {
  const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0xff, 0xfe, 0x80, 0x00]);
  const h = encodeHeader({ name: 'bin/ping', mode: 0o755, uid: 3000000, gid: 5, size: 0, mtime: 0, type: 'file', xattrs: { 'security.capability': cap } });
  const rec = Buffer.concat([Buffer.from(' SCHILY.xattr.security.capability='), cap, Buffer.from('\n')]);
  const len = String(rec.length + 2);
  assert.ok(h.includes(Buffer.concat([Buffer.from(len), rec])), 'record length counts itself and the raw bytes');
  assert.ok(h.includes(Buffer.from(' uid=3000000\n')));
  const out = await gnuList(archive(h));
  assert.match(out, /3000000\/5/);
});

test('PAX record length includes its own digits (the 99/100 boundary)', () => {
  for (let n = 80; n < 110; n++) {
    const name = `${'d/'.repeat(60)}${'e'.repeat(n)}é`;
    const h = encodeHeader({ name, mode: 0, uid: 0, gid: 0, size: 0, mtime: 0, type: 'file' });
    const size = Number.parseInt(h.subarray(124, 136).toString('ascii'), 8);
    const data = h.subarray(BLOCK, BLOCK + size);
    const declared = Number(data.toString('latin1').split(' ')[0]);
    assert.equal(declared, data.length, name);
  }
});

