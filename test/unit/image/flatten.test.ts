import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../../src/store/index.js';
import { tarStream } from '../../../src/archive/writer.js';
import type { TarHeader } from '../../../src/archive/header.js';
import { writeLayer } from '../../../src/image/layer.js';
import { flattenLayers, flattenToTar } from '../../../src/image/flatten.js';
import { readTar } from '../../../src/archive/reader.js';
import type { Compression, Descriptor } from '../../../src/image/oci.js';

const d = (name: string): [TarHeader] => [{ name, type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 1 }];
const f = (name: string, body: string, mode = 0o644): [TarHeader, Buffer] => [{ name, type: 'file', mode, uid: 0, gid: 0, size: Buffer.byteLength(body), mtime: 1 }, Buffer.from(body)];
const wh = (name: string): [TarHeader, Buffer] => f(name, '');
const l = (name: string, type: 'link' | 'symlink', linkname: string): [TarHeader] => [{ name, type, linkname, mode: 0o777, uid: 0, gid: 0, size: 0, mtime: 1 }];

async function layer(store: Store, entries: Array<[TarHeader, Buffer?]>, c: Compression): Promise<Descriptor> {
  const tar = tarStream(async (w) => {
    for (const [h, b] of entries) await w.add(h, b);
  });
  return (await writeLayer(store, tar, c)).descriptor;
}

test('flattening applies whiteouts, opaque directories, replacements and hard links', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-flatten-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore(join(dir, 'store'));
  const layers = [
    await layer(store, [d('etc/'), f('etc/keep', 'keep'), f('etc/gone', 'gone'), d('opq/'), f('opq/old', 'old'), d('a/'), f('a/b', 'ab'), f('top', 'v1'), f('linked', 'L')], 'gzip'),
    await layer(store, [d('etc/'), wh('etc/.wh.gone'), d('opq/'), wh('opq/.wh..wh..opq'), f('opq/new', 'new'), f('a', 'now a file'), f('top', 'v2', 0o600), l('hard', 'link', 'linked'), l('sym', 'symlink', 'etc/keep')], 'zstd'),
    await layer(store, [f('etc/gone', 'back'), wh('.wh.sym')], 'uncompressed'),
  ];
  const out = join(dir, 'rootfs');
  await flattenLayers(store, layers, out);
  assert.deepEqual((await readdir(out)).sort(), ['a', 'etc', 'hard', 'linked', 'opq', 'top']);
  assert.equal(await readFile(join(out, 'etc/keep'), 'utf8'), 'keep');
  assert.equal(await readFile(join(out, 'etc/gone'), 'utf8'), 'back');
  assert.deepEqual(await readdir(join(out, 'opq')), ['new']);
  assert.equal(await readFile(join(out, 'a'), 'utf8'), 'now a file');
  assert.equal(await readFile(join(out, 'top'), 'utf8'), 'v2');
  assert.equal((await stat(join(out, 'top'))).mode & 0o777, 0o600);
  assert.equal((await stat(join(out, 'hard'))).ino, (await stat(join(out, 'linked'))).ino);

  const names: string[] = [];
  for await (const e of readTar(flattenToTar(store, layers))) names.push(e.header.name);
  assert.ok(!names.some((n) => n.includes('.wh.')), names.join(','));
  assert.equal(names.filter((n) => n === 'top').length, 1);
});

test('extraction keeps paths inside the destination, even through symlinks', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-flatten-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore(join(dir, 'store'));
  const layers = [
    await layer(store, [l('escape', 'symlink', '/'), l('up', 'symlink', '../../..')], 'gzip'),
    await layer(store, [f('escape/etc-evil', 'x'), f('up/evil2', 'y')], 'gzip'),
  ];
  const out = join(dir, 'rootfs');
  await flattenLayers(store, layers, out);
  assert.equal(await readFile(join(out, 'etc-evil'), 'utf8'), 'x');
  assert.equal(await readFile(join(out, 'evil2'), 'utf8'), 'y');
  assert.equal(await readlink(join(out, 'escape')), '/');
  assert.ok((await lstat(join(out, 'escape'))).isSymbolicLink());
});
