import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, normalizeTarPath, scanTar, type LayerScan, type ScanEntry } from '../../../src/report/scan.js';
import { FsTree } from '../../../src/report/fstree.js';
import { WasteCounter } from '../../../src/report/waste.js';
import { leftBehind } from '../../../src/report/left-behind.js';
import { layerHistory } from '../../../src/report/analyze.js';
import { tarStream } from '../../../src/archive/writer.js';
import type { TarHeader } from '../../../src/archive/header.js';
import type { ImageConfig } from '../../../src/image/oci.js';

const f = (path: string, size: number): ScanEntry => ({ path, kind: 'file', size });
const d = (path: string): ScanEntry => ({ path, kind: 'dir', size: 0 });
const wh = (path: string): ScanEntry => ({ path, kind: 'whiteout', size: 0 });
const layer = (...entries: ScanEntry[]): LayerScan => ({ size: entries.reduce((a, e) => a + (e.kind === 'file' ? e.size : 0), 0), entries });

function stack(...layers: LayerScan[]): { tree: FsTree; waste: WasteCounter } {
  const tree = new FsTree();
  const waste = new WasteCounter();
  for (const l of layers) tree.apply(l, waste.observe);
  tree.totals();
  return { tree, waste };
}

test('tar names normalise and whiteouts name the path they delete', () => {
  assert.equal(normalizeTarPath('./usr/bin/'), 'usr/bin');
  assert.equal(normalizeTarPath('/etc//passwd'), 'etc/passwd');
  assert.equal(normalizeTarPath('./'), '');
  assert.deepEqual(classify('./etc/.wh.motd', 'file', 0), { path: 'etc/motd', kind: 'whiteout', size: 0 });
  assert.deepEqual(classify('.wh.tmp', 'file', 0), { path: 'tmp', kind: 'whiteout', size: 0 });
  assert.deepEqual(classify('var/cache/.wh..wh..opq', 'file', 0), { path: 'var/cache', kind: 'opaque', size: 0 });
  assert.deepEqual(classify('bin/sh', 'symlink', 0), { path: 'bin/sh', kind: 'other', size: 0 });
  assert.deepEqual(classify('bin/', 'directory', 0), { path: 'bin', kind: 'dir', size: 0 });
  assert.equal(classify('./', 'directory', 0), undefined);
});

test('scanTar reads a real tar stream: sizes of regular files only, whiteouts classified', async () => {
  const h = (name: string, type: TarHeader['type'], size = 0): TarHeader => ({ name, type, size, mode: 0o644, uid: 0, gid: 0, mtime: 0, ...(type === 'symlink' ? { linkname: 'busybox' } : {}) });
  const scan = await scanTar(tarStream(async (w) => {
    await w.add(h('bin/', 'directory'));
    await w.add(h('bin/busybox', 'file', 1000), Buffer.alloc(1000, 1));
    await w.add(h('bin/sh', 'symlink'));
    await w.add(h('etc/.wh.old', 'file'));
    await w.add(h('data/big', 'file', 70_000), Buffer.alloc(70_000, 2));
  }));
  assert.equal(scan.size, 71_000);
  assert.deepEqual(scan.entries, [d('bin'), f('bin/busybox', 1000), { path: 'bin/sh', kind: 'other', size: 0 }, wh('etc/old'), f('data/big', 70_000)]);
});

test('whiteouts and opaque directories act on lower layers only', () => {
  const { tree } = stack(
    layer(d('a'), f('a/x', 10), f('a/y', 20), d('b'), f('b/z', 5), f('keep', 1)),
    // opaque a/ hides x and y from below, while this layer's own a/new stays; b/z is deleted
    layer({ path: 'a', kind: 'opaque', size: 0 }, f('a/new', 7), wh('b/z'), wh('nothing/here')),
  );
  assert.deepEqual([...tree.leaves()].map(([p, n]) => [p, n.size]), [['a/new', 7], ['keep', 1]]);
  assert.equal(tree.get('b')?.kind, 'dir');
  assert.equal(tree.root.size, 8);
  assert.equal(tree.get('a')!.size, 7);
});

test("wasted bytes and efficiency follow dive's definition", () => {
  // layer 0: base; layer 1 overwrites /app/a (100 → 300) and adds /tmp/b; layer 2 deletes /tmp/b.
  const { waste } = stack(
    layer(d('app'), f('app/a', 100), f('base', 1000)),
    layer(f('app/a', 300), f('tmp/b', 50)),
    layer(wh('tmp/b')),
  );
  const r = waste.result(350);
  // dive counts every copy of a path seen more than once: a = 100 + 300, b = 50 + 0
  assert.equal(r.bytes, 450);
  assert.deepEqual(r.paths, [{ path: '/app/a', size: 400, count: 2 }, { path: '/tmp/b', size: 50, count: 2 }]);
  // score = sum of each path's smallest copy / sum of all copies = (100 + 0 + 1000) / (400 + 50 + 1000)
  assert.equal(r.efficiency, 1100 / 1450);
  assert.equal(r.userFraction, 450 / 350);
});

test('a deleted directory counts each file in it as deleted; replacing a file by a directory deletes it', () => {
  const { waste, tree } = stack(
    layer(d('cache'), f('cache/one', 30), f('cache/sub/two', 12), f('p', 9)),
    layer(wh('cache'), d('p'), f('p/inner', 4)),
  );
  const r = waste.result(4);
  assert.equal(r.bytes, 30 + 12 + 9);
  assert.deepEqual(r.paths.map((p) => p.path), ['/cache/one', '/cache/sub/two', '/p']);
  assert.equal(tree.root.size, 4);
});

test('an image with no waste scores 1 and lists nothing', () => {
  const r = stack(layer(f('x', 5)), layer(f('y', 6))).waste.result(6);
  assert.deepEqual(r, { bytes: 0, userFraction: 0, efficiency: 1, paths: [] });
  assert.equal(new WasteCounter().result(0).efficiency, 1);
});

test('left behind: files the image lacks, narrowed to the directory that holds them', () => {
  const base = layer(f('bin/busybox', 1000), f('etc/passwd', 10));
  const stage = stack(base, layer(f('usr/local/go/bin/go', 600), f('usr/local/go/pkg/x', 390), f('usr/share/doc', 10), f('build-cache/blob', 5000), f('out/app', 77), f('etc/passwd', 11))).tree;
  const image = stack(base, layer(f('app', 77))).tree;
  const r = leftBehind(stage, image);
  // /out/app is a different path from /app, so it is left behind; /etc/passwd changed size
  assert.equal(r.bytes, 600 + 390 + 10 + 5000 + 77 + 11);
  // /usr and /usr/local only group things: named one level down; /usr/local/go is not opened
  // (bin is 61% of it); files stay in their directory
  assert.deepEqual(r.dirs, [
    { path: '/build-cache', size: 5000 },
    { path: '/usr/local/go', size: 990 },
    { path: '/out', size: 77 },
    { path: '/etc', size: 11 },
    { path: '/usr/share/doc', size: 10 },
  ]);
  // a directory whose only content is one directory is named by that directory
  const deep = stack(layer(f('a/b/c/x', 95), f('a/b/c/y', 5), f('d/e', 1), f('d/f/g', 1))).tree;
  assert.deepEqual(leftBehind(deep, new FsTree()).dirs, [{ path: '/a/b/c', size: 100 }, { path: '/d', size: 2 }]);
});

test('layer history pairs with layers, skipping empty_layer entries', () => {
  const config = {
    architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] },
    history: [
      { created_by: 'ADD rootfs /' },
      { created_by: 'ENV A=1', empty_layer: true },
      { created_by: 'RUN make' },
      { created_by: 'CMD ["sh"]', empty_layer: true },
      { created_by: 'COPY app /' },
    ],
  } as ImageConfig;
  assert.deepEqual(layerHistory(config, 3).map((h) => h.created_by), ['ADD rootfs /', 'RUN make', 'COPY app /']);
  // fewer history entries than layers: they describe the top layers
  assert.deepEqual(layerHistory(config, 4).map((h) => h.created_by), [undefined, 'ADD rootfs /', 'RUN make', 'COPY app /']);
});
