import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Change } from '../../../src/snapshot/changes.js';
import { writeLayerTar } from '../../../src/snapshot/tar-writer.js';

function add(root: string, rel: string): Change {
  const source = path.join(root, rel);
  const stat = lstatSync(source, { bigint: true });
  return { kind: 'add', path: rel, source, stat, xattrs: new Map(), linkTarget: stat.isSymbolicLink() ? 'target' : undefined };
}

async function entries(stream: Readable): Promise<Array<{ name: string; type: string; body: Buffer }>> {
  const out: Array<{ name: string; type: string; body: Buffer }> = [];
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (h, s, next) => {
      const parts: Buffer[] = [];
      s.on('data', (b: unknown) => parts.push(b as Buffer));
      s.on('end', () => {
        out.push({ name: h.name, type: h.type ?? '', body: Buffer.concat(parts) });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  stream.pipe(extract);
  await done;
  return out;
}

test('many small files and a large one: every entry whole, in order, in a few large chunks', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'drydock-tarw-'));
  try {
    await mkdir(path.join(root, 'd'));
    const changes: Change[] = [add(root, 'd')];
    for (let i = 0; i < 600; i++) {
      const rel = `d/f${String(i).padStart(3, '0')}`;
      await writeFile(path.join(root, rel), 'x'.repeat(i * 7));
      changes.push(add(root, rel));
    }
    const big = Buffer.alloc(700 * 1024, 3);
    await writeFile(path.join(root, 'd/zbig'), big);
    changes.push(add(root, 'd/zbig'));
    await symlink('target', path.join(root, 'd/zlink'));
    changes.push(add(root, 'd/zlink'), { kind: 'delete', path: 'd/gone' });

    const chunks: Buffer[] = [];
    for await (const c of writeLayerTar(changes)) chunks.push(c as Buffer);
    assert.ok(chunks.length < 20, `${chunks.length} chunks for ${changes.length} entries`);
    const got = await entries(Readable.from([Buffer.concat(chunks)]));
    assert.deepEqual(got.map((e) => e.name), [...changes.map((c) => (c.path === 'd' ? 'd/' : c.path === 'd/gone' ? 'd/.wh.gone' : c.path))]);
    for (let i = 0; i < 600; i++) assert.equal(got[i + 1]!.body.toString(), 'x'.repeat(i * 7));
    assert.ok(got[601]!.body.equals(big));
    assert.equal(got[602]!.type, 'symlink');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a small file that changed size since its lstat fails the layer', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'drydock-tarw-'));
  try {
    await writeFile(path.join(root, 'f'), 'short');
    const c = add(root, 'f');
    await writeFile(path.join(root, 'f'), 'longer now');
    await assert.rejects(async () => {
      for await (const _ of writeLayerTar([c])) { /* drain */ }
    }, /changed size while being archived/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
