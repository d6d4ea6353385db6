/**
 * The runner's own checks, on synthetic layers (no builder): what it reads from a layer tar, how
 * layers flatten, that a difference of each kind is reported, and the v0.8 normalizations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { SavedImage } from './archive.js';
import { compareImages, platformDiff } from './compare.js';
import { checkExpected } from './expected.js';
import { flatten, readLayer, type Layer } from './layers.js';
import { canonicalHistory, declaredArgs, normalizeV08 } from './v08.js';

type E = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; mode?: number; uid?: number; body?: string; linkname?: string; pax?: Record<string, string> };

async function layer(entries: E[]): Promise<Layer> {
  const pack = tar.pack();
  for (const e of entries) {
    const type = e.type ?? (e.name.endsWith('/') ? 'directory' : 'file');
    pack.entry({ name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: e.uid ?? 0, gid: 0, linkname: e.linkname, pax: e.pax } as tar.Header, e.body ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return readLayer(Readable.from([Buffer.concat(chunks)]));
}

function image(layers: Layer[], history: string[], config: Record<string, unknown> = {}): SavedImage {
  return {
    config: { config, history: history.map((h) => ({ created_by: h })), rootfs: { diff_ids: layers.map((_, i) => `sha256:${i}`) } },
    diffIds: layers.map((_, i) => `sha256:${i}`),
    layers,
  };
}

test('a layer reads as entries, whiteouts, opaque dirs and hard links; layers flatten as Docker applies them', async () => {
  const base = await layer([{ name: 'etc/' }, { name: 'etc/a', body: 'a' }, { name: 'old/' }, { name: 'old/x', body: 'x' }, { name: 'f', body: '1' }]);
  const top = await layer([
    { name: 'etc/.wh.a' }, { name: 'old/' }, { name: 'old/.wh..wh..opq' }, { name: 'old/y', body: 'y' },
    { name: 'f/', type: 'directory' }, { name: 'h1', body: 'same', mode: 0o4755 }, { name: 'h2', type: 'link', linkname: 'h1' },
    { name: 'l', type: 'symlink', linkname: '../etc' }, { name: 'x', body: 'x', pax: { 'SCHILY.xattr.user.k': 'v' } },
    { name: 'cap', body: 'c', pax: { 'SCHILY.xattr.security.capability': '\u0001\u00ff' } },
  ]);
  assert.deepEqual([...top.whiteouts], ['/etc/a']);
  assert.deepEqual([...top.opaque], ['/old']);
  assert.deepEqual([...top.hardlinks], [['/h2', '/h1']]);
  const fs = flatten([base, top]);
  assert.deepEqual([...fs.keys()].sort(), ['/cap', '/etc', '/f', '/h1', '/h2', '/l', '/old', '/old/y', '/x']);
  assert.equal(fs.get('/f')!.type, 'dir');
  assert.deepEqual(fs.get('/h2')!.links, ['/h1', '/h2']);
  assert.equal(fs.get('/h2')!.mode, 0o4755);
  assert.equal(fs.get('/l')!.linkname, '../etc');
  assert.deepEqual(fs.get('/x')!.xattrs, { 'user.k': Buffer.from('v').toString('hex') });
  // tar-stream writes a PAX value as UTF-8 (U+00FF: c3 bf); the raw bytes are kept, not decoded lossily.
  assert.deepEqual(fs.get('/cap')!.xattrs, { 'security.capability': '01c3bf' });
});

test('every kind of difference is reported: config, history, layer count, a layer entry, the root filesystem', async () => {
  const base = await layer([{ name: 'bin/' }, { name: 'bin/sh', body: 'sh' }]);
  const a = image([base, await layer([{ name: 'app', body: 'one', mode: 0o755 }])], ['base', 'COPY app /'], { Env: ['A=1'], Cmd: ['sh'] });
  assert.deepEqual(compareImages(a, a), []);
  const b = image([base, await layer([{ name: 'app', body: 'two', mode: 0o700, uid: 1 }])], ['base', 'COPY app /app'], { Env: ['A=2'], Cmd: ['sh'] });
  const out = compareImages(a, b).join('\n');
  assert.match(out, /config: 1 difference/);
  assert.match(out, /Env\n\s+buildkit: \["A=1"\]\n\s+drydock: {2}\["A=2"\]/);
  assert.match(out, /history: 1 difference/);
  assert.match(out, /layer 1 \(COPY app \/\): 1 difference/);
  assert.match(out, /buildkit: file 0755 0:0 3B sha256:\w+\n\s+drydock: {2}file 0700 1:0 3B/);
  assert.match(out, /root filesystem: 1 difference/);
  const c = image([base], ['base'], { Env: ['A=1'], Cmd: ['sh'] });
  assert.match(compareImages(a, c).join('\n'), /layers: buildkit has 2, drydock 1/);
  // An empty Cmd is not an absent one; empty Labels are.
  assert.match(compareImages(image([base], ['base'], { Cmd: [] }), image([base], ['base'], {})).join('\n'), /Cmd/);
  assert.deepEqual(compareImages(image([base], ['base'], { Labels: {} }), image([base], ['base'], { Labels: null })), []);
});

test('v0.8 normalizations: history texts, and mount stubs only where drydock has none', async () => {
  const args = declaredArgs('ARG A=1 B\nFROM x\narg C="x y"\n');
  assert.deepEqual([...args], ['A', 'B', 'C']);
  const c = (h: string) => canonicalHistory(h, args);
  assert.equal(c('COPY --chown=1:2 --chmod=640 a /b'), 'COPY a /b');
  assert.equal(c('EXPOSE [80/tcp 53/udp]'), c('EXPOSE map[53/udp:{} 80/tcp:{}]'));
  assert.equal(c('ARG A=1 B'), c('ARG A B'));
  assert.equal(c('ARG C=x y A=2'), 'ARG C A');
  assert.equal(c('RUN |2 A=1 A=1 /bin/sh -c x'), 'RUN |1 A=1 /bin/sh -c x');
  assert.equal(c(`HEALTHCHECK &{["CMD" "a b"] "5s" "3s" "0s" '\\x03'}`),
    c('HEALTHCHECK {Test:[CMD a b] Interval:5s Timeout:3s StartPeriod:0s StartInterval:0s Retries:3}'));

  const base = await layer([{ name: 'etc/' }, { name: 'etc/passwd', body: 'root' }]);
  const ours = await layer([{ name: 'out', body: 'x' }]);
  const v08 = await layer([{ name: 'etc/' }, { name: 'out', body: 'x' }, { name: 'cache/' }, { name: 'cache/x/' }]);
  const history = ['base', 'RUN /bin/sh -c echo x > /out # buildkit'];
  const n = normalizeV08(image([base, v08], history), image([base, ours], history), 'RUN --mount=type=cache,target=/cache/x echo x > /out');
  assert.deepEqual(compareImages(n.bk, n.dd), []);
  // A directory that is not a stub, or a stub that drydock keeps too, is compared as it is.
  const kept = normalizeV08(image([base, await layer([{ name: 'etc/' }, { name: 'madedir/' }])], history), image([base, ours], history), '');
  assert.match(compareImages(kept.bk, kept.dd).join('\n'), /\/madedir/);

  // COPY of an empty directory's contents onto /app: drydock's layer holds /app (times restored,
  // as fsutil does since v0.11), v0.8's layer nothing; with other attributes it is a difference.
  const app = await layer([{ name: 'app/' }]);
  const copied = ['base', 'COPY /empty/ /app/ # buildkit'];
  const restored = normalizeV08(image([app, await layer([])], copied), image([app, await layer([{ name: 'app/' }])], copied), '');
  assert.deepEqual(compareImages(restored.bk, restored.dd), []);
  const chmodded = normalizeV08(image([app, await layer([])], copied), image([app, await layer([{ name: 'app/', mode: 0o700 }])], copied), '');
  assert.match(compareImages(chmodded.bk, chmodded.dd).join('\n'), /\/app/);
});

test('expected.json: paths present with attributes and content, absent paths, config, layer count', async () => {
  const dd = image([await layer([{ name: 'app/' }, { name: 'app/x', body: 'hi\n', mode: 0o600 }, { name: 'app/l', type: 'symlink', linkname: 'x' }])], ['COPY'], { WorkingDir: '/app' });
  assert.deepEqual(checkExpected(dd, {
    paths: { '/app/x': { type: 'file', mode: '0600', uid: 0, content: 'hi\n' }, '/app/l': { type: 'symlink', linkname: 'x' }, '/gone': null },
    config: { WorkingDir: '/app' }, layers: 1,
  }), []);
  const bad = checkExpected(dd, { paths: { '/app/x': { type: 'file', mode: '0644', content: 'no' }, '/app': null, '/missing': { type: 'dir' } }, config: { User: 'x' }, layers: 2 }).join('\n');
  for (const re of [/\/app\/x: expected mode 0644, content "no"/, /\/app: expected absent/, /\/missing: expected dir/, /config.User/, /layers: expected 2/]) assert.match(bad, re);
});

test('a platform case names an image built for another platform (os/architecture/variant)', () => {
  const arm64 = { os: 'linux', architecture: 'arm64' };
  assert.deepEqual(platformDiff('linux/arm64', arm64, 'drydock'), []);
  assert.deepEqual(platformDiff('linux/arm/v7', { os: 'linux', architecture: 'arm', variant: 'v7' }, 'BuildKit'), []);
  assert.deepEqual(platformDiff('linux/arm64', { os: 'linux', architecture: 'amd64' }, 'drydock'), ["drydock's image is for linux/amd64, the case's platform is linux/arm64"]);
  assert.equal(platformDiff('linux/arm/v7', { os: 'linux', architecture: 'arm' }, 'BuildKit').length, 1);
});
