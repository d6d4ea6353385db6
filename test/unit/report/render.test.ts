import { test } from 'node:test';
import assert from 'node:assert/strict';
import { squarify, buildTreemap, ASPECT } from '../../../src/report/treemap.js';
import { FsTree } from '../../../src/report/fstree.js';
import { escapeHTML, renderHTML, scriptJSON } from '../../../src/report/render-html.js';
import { renderText } from '../../../src/report/render-text.js';
import { renderJSON } from '../../../src/report/render-json.js';
import { FORMAT_BYTES_JS } from '../../../src/report/html/script.js';
import { formatForFile } from '../../../src/report/index.js';
import { formatBytes } from '../../../src/util/units.js';
import type { ReportResult, TreeNode } from '../../../src/report/types.js';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

test('squarify tiles the box: areas proportional to values, inside the box, no overlaps', () => {
  const values = [600, 300, 250, 120, 60, 60, 30, 5];
  const box: [number, number, number, number] = [0, 0, 2, 1];
  const rects = squarify(values, box);
  const total = values.reduce((a, b) => a + b);
  rects.forEach(([x, y, w, h], i) => {
    assert.ok(close(w * h, (values[i]! / total) * 2), `area of ${i}`);
    assert.ok(x >= -1e-9 && y >= -1e-9 && x + w <= 2 + 1e-9 && y + h <= 1 + 1e-9, `rect ${i} inside`);
  });
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const [ax, ay, aw, ah] = rects[i]!;
      const [bx, by, bw, bh] = rects[j]!;
      const ox = Math.min(ax + aw, bx + bw) - Math.max(ax, bx);
      const oy = Math.min(ay + ah, by + bh) - Math.max(ay, by);
      assert.ok(ox <= 1e-9 || oy <= 1e-9, `rects ${i} and ${j} overlap`);
    }
  }
  // squarified: the largest cell is not a sliver
  const [, , w0, h0] = rects[0]!;
  assert.ok(Math.max(w0 / h0, h0 / w0) < 3);
  assert.deepEqual(squarify([0, 0], box).map((r) => r[2] * r[3]), [0, 0]);
});

test('treemap folds entries too small to see into one cell per directory', () => {
  const tree = new FsTree();
  const entries = [{ path: 'big', kind: 'file' as const, size: 10_000 }];
  for (let i = 0; i < 50; i++) entries.push({ path: `small/f${i}`, kind: 'file', size: 1 });
  entries.push({ path: 'empty', kind: 'file', size: 0 });
  tree.apply({ size: 10_050, entries });
  tree.totals();
  const map = buildTreemap(tree.root, '/', 100); // fold below 1% (100.5 bytes)
  assert.deepEqual(map.children!.map((c) => [c.name, c.size, c.rest]), [['big', 10_000, undefined], ['1 more', 50, 1]]);
  const sum = (n: TreeNode): number => n.children!.reduce((a, c) => a + c.r![2] * c.r![3], 0);
  assert.ok(close(sum(map), 1), 'children cover the parent box');
  assert.equal(ASPECT, 2);
});

test('the page script formats bytes exactly like formatBytes', () => {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const fmt = new Function(`${FORMAT_BYTES_JS}; return formatBytes;`)() as (n: number) => string;
  for (const n of [0, 999, 1000, 1234, 99_999, 100_000, 5_242_880, 123_456_789, 9.99e11, 3e12, 4e15]) {
    assert.equal(fmt(n), formatBytes(n), String(n));
  }
});

test('HTML escapes names and embeds data that cannot close its script element', () => {
  assert.equal(escapeHTML(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  const json = scriptJSON({ name: '</script><script>alert(1)</script>' });
  assert.ok(!json.includes('</script>'));
  assert.deepEqual(JSON.parse(json), { name: '</script><script>alert(1)</script>' });
});

const sample: ReportResult = {
  image: { ref: 'app:1', id: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', size: 5000, layersSize: 5400, compressedSize: 2100, layers: 2, files: 3 },
  layers: [
    { index: 0, digest: 'sha256:aa', compressedSize: 2000, size: 5000, entries: 3, createdBy: 'ADD rootfs.tar / # <base>' },
    { index: 1, digest: 'sha256:bb', compressedSize: 100, size: 400, entries: 1, createdBy: 'RUN  make\n  install' },
  ],
  largestFiles: [{ path: '/bin/<tool>', size: 4000 }],
  largestDirs: [{ path: '/bin', size: 4600 }],
  waste: { bytes: 400, userFraction: 1, efficiency: 0.5, paths: [{ path: '/tmp/x', size: 400, count: 2 }] },
  stages: [
    { name: 'builder', inImage: false, size: 9000, layers: 3, leftBehind: 6000, leftBehindDirs: [{ path: '/root/.cache', size: 6000 }] },
    { name: 'old', inImage: false, size: 0, layers: 2, leftBehind: 0, leftBehindDirs: [], unavailable: 'gone' },
    { name: 'stage-2', inImage: true, size: 5000, layers: 2, leftBehind: 0, leftBehindDirs: [] },
  ],
  tree: { name: '/', size: 5000, dir: true, children: [{ name: 'bin', size: 5000, dir: true, r: [0, 0, 1, 1] }] },
};

test('text report: summary, layers with their instruction on one line, stages and where their bytes went', () => {
  const lines = renderText(sample).split('\n');
  assert.deepEqual(lines.slice(0, 3), [
    'Image app:1 0123456789ab',
    '  5.00 kB in 3 files; 2 layers: 5.40 kB, 2.10 kB compressed',
    '  efficiency 50.0%, wasted 400 B (100.0% of the layers above the first)',
  ]);
  const after = (heading: string, n: number) => lines.slice(lines.indexOf(heading) + 1, lines.indexOf(heading) + 1 + n);
  assert.deepEqual(after('Layers', 3), [
    '    #       SIZE       BLOB  CREATED BY',
    '    0    5.00 kB    2.00 kB  ADD rootfs.tar / # <base>',
    '    1      400 B      100 B  RUN make install',
  ]);
  assert.deepEqual(after('Largest files', 1), ['    4.00 kB  /bin/<tool>']);
  assert.ok(lines.includes('Wasted space: 400 B in 1 path written or removed by more than one layer'));
  assert.ok(lines.includes('      2      400 B  /tmp/x'));
  assert.deepEqual(after('Stages', 5), [
    '  builder    9.00 kB  not in image; left behind 6.00 kB',
    '             6.00 kB  /root/.cache',
    '  old            0 B  not in image; its layers are gone from the store',
    '  stage-2    5.00 kB  final image',
    '',
  ]);
});

test('HTML report: self-contained, tables and stage bars rendered, treemap data embedded', () => {
  const html = renderHTML(sample);
  assert.ok(!/\b(src|href)=["']?https?:/i.test(html), 'no network references');
  assert.ok(!/<link\b/i.test(html));
  assert.match(html, /<tr data-layer="1" data-digest="sha256:bb">.*<td class="cmd">RUN  make\n  install<\/td><\/tr>/s);
  assert.match(html, /<td class="cmd">ADD rootfs.tar \/ # &lt;base&gt;<\/td>/);
  assert.match(html, /<g class="stage" data-stage="builder" data-bytes="9000" data-left="6000"/);
  assert.match(html, /<td>\/bin\/&lt;tool&gt;<\/td>/);
  const data = /<script type="application\/json" id="tree-data">(.*?)<\/script>/s.exec(html)![1]!;
  assert.deepEqual(JSON.parse(data), sample.tree);
  assert.deepEqual(JSON.parse(renderJSON(sample)), sample);
});

test('report format follows the file extension', () => {
  assert.equal(formatForFile('out/Report.HTML'), 'html');
  assert.equal(formatForFile('r.htm'), 'html');
  assert.equal(formatForFile('r.json'), 'json');
  assert.equal(formatForFile('r.txt'), 'text');
  assert.equal(formatForFile('report'), 'text');
});
