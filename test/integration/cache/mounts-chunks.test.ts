/**
 * Cache mounts' chunking and flags: chunk boundaries depend on paths only, so an added file or an
 * edited one leaves every other chunk as it was (hence not uploaded again); `mounts=` parsing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Stats } from 'node:fs';
import { chunkEntries, type MountEntry } from '../../../src/cache/mounts/walk.js';
import { parseCacheSpec } from '../../../src/cache/index.js';

const entry = (path: string, size: number): MountEntry => ({ path, abs: `/x/${path}`, type: 'file', st: { size } as Stats });
const names = (chunks: MountEntry[][]) => chunks.map((c) => c.map((e) => e.path).join(','));

test('an inserted file changes only its chunk (and at most the next); an edited size only its chunk', () => {
  const files = Array.from({ length: 2000 }, (_, i) => entry(`d/f${String(i).padStart(5, '0')}`, 20_000 + (i % 7) * 3000));
  const before = names(chunkEntries(files));
  assert.ok(before.length >= 20, `${before.length} chunks`);
  const inserted = [...files.slice(0, 1000), entry('d/f00999a', 50_000), ...files.slice(1000)];
  const after = names(chunkEntries(inserted));
  const changed = after.filter((c) => !before.includes(c));
  assert.ok(changed.length >= 1 && changed.length <= 2, `${changed.length} of ${after.length} chunks changed`);
  const edited = files.map((e, i) => (i === 500 ? entry(e.path, 21_000) : e));
  assert.ok(names(chunkEntries(edited)).filter((c) => !before.includes(c)).length <= 2);
});

test('--cache-to mounts= and mounts-max-size= parse as documented; inline refuses them', () => {
  assert.deepEqual(parseCacheSpec('type=registry,ref=r/app:c,mode=max,mounts=true', 'to'), { type: 'registry', ref: 'r/app:c', mode: 'max', mounts: true });
  assert.deepEqual(parseCacheSpec('type=local,dest=/c,mounts=go-build:npm,mounts-max-size=2GiB', 'to'), { type: 'local', dir: '/c', mounts: ['go-build', 'npm'], mountsMaxSize: 2 * 1024 ** 3 });
  assert.deepEqual(parseCacheSpec('type=local,dest=/c,mounts=false', 'to'), { type: 'local', dir: '/c' });
  assert.throws(() => parseCacheSpec('type=inline,mounts=true', 'to'), /type=inline cannot carry cache mounts/);
  assert.throws(() => parseCacheSpec('type=local,dest=/c,mounts-max-size=lots', 'to'), /mounts-max-size: invalid size "lots"/);
});
