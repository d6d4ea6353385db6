/**
 * Steps with identical diffs, and base images that carry one layer twice: the layer store keys
 * layers by digest, so one directory appears twice in the chain, which overlayfs refuses among its
 * lowerdirs (ELOOP). Both used to crash the build (issue 14, item 1).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runDrydock } from '../../helpers/cli.js';
import { fixtureRootfs } from '../../helpers/fixtures.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { topFirstUnique } from '../../../src/snapshot/overlay.js';
import type { Digest } from '../../../src/image/oci.js';
import { contextDir, imageFiles, storeWith } from './util.js';

const run = promisify(execFile);
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

test('only the topmost occurrence of a repeated layer is kept, top first', () => {
  const [a, b, c] = ['sha256:a', 'sha256:b', 'sha256:c'] as Digest[];
  assert.deepEqual(topFirstUnique([a!, b!, a!, c!, b!]), [b, c, a]);
  assert.deepEqual(topFirstUnique([a!, a!]), [a]);
  assert.deepEqual(topFirstUnique([]), []);
});

test('two RUN steps that write nothing in one chain build, and the steps after them see every change', async () => {
  const { root, store } = await storeWith('busybox');
  const ctx = await contextDir({
    Dockerfile: 'FROM busybox\nRUN mkdir /a\nRUN true\nRUN touch /b\nRUN true\nRUN echo x > /y\nWORKDIR /a\nRUN true\nRUN mkdir /x && rm -rf /x\nRUN ls / > /listing\n',
  });
  dirs.push(ctx);
  const r = await runDrydock(['build', '-q', '-t', 'empty-steps:1', ctx], { root });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /ELOOP|internal error/);
  const img = await imageFiles(store, 'empty-steps:1');
  try {
    assert.equal(await readFile(join(img.dir, 'y'), 'utf8'), 'x\n');
    const listing = (await readFile(join(img.dir, 'listing'), 'utf8')).split('\n');
    for (const n of ['a', 'b', 'y']) assert.ok(listing.includes(n), `${n} in ${listing.join(' ')}`);
    assert.ok(!listing.includes('x'));
  } finally {
    await img.cleanup();
  }
  // The image really holds one layer digest several times (what the fix had to cope with).
  const ins = JSON.parse((await runDrydock(['inspect', 'empty-steps:1'], { root })).stdout);
  const layers: string[] = ins[0].RootFS.Layers;
  assert.ok(new Set(layers).size < layers.length, `repeated layers in ${layers.join(' ')}`);
});

/** A `docker save` archive whose manifest lists layer A, then B deleting A's file, then A again. */
async function repeatedLayerArchive(dir: string): Promise<string> {
  const tars: Buffer[] = [await readFile(await fixtureRootfs('busybox'))];
  const layerTar = async (name: string, files: Record<string, string>) => {
    const d = join(dir, name);
    await mkdir(d, { recursive: true });
    for (const [f, c] of Object.entries(files)) await writeFile(join(d, f), c);
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '--mtime=@0', '-C', d, '-cf', join(dir, `${name}.tar`), ...Object.keys(files)]);
    return readFile(join(dir, `${name}.tar`));
  };
  const A = await layerTar('A', { f: 'from A\n' });
  const B = await layerTar('B', { '.wh.f': '' });
  tars.push(A, B, A);
  const digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  const out = join(dir, 'archive');
  await mkdir(out);
  const names: string[] = [];
  for (const t of tars) {
    const name = `${digest(t).slice(7)}.tar`;
    if (!names.includes(name)) await writeFile(join(out, name), t);
    names.push(name);
  }
  const config = {
    architecture: 'amd64', os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: tars.map(digest) },
    history: tars.map((_, i) => ({ created_by: `layer ${i}` })),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  await writeFile(join(out, `${digest(configBytes).slice(7)}.json`), configBytes);
  await writeFile(join(out, 'manifest.json'), JSON.stringify([{ Config: `${digest(configBytes).slice(7)}.json`, RepoTags: ['repeated:1'], Layers: names }]));
  const file = join(dir, 'repeated.tar');
  await run('tar', ['-C', out, '-cf', file, '.']);
  return file;
}

test('a base image that carries one layer twice builds, and its topmost copy wins over what lies between', async () => {
  const { root, store } = await storeWith();
  const ctx = await contextDir({ Dockerfile: 'FROM repeated:1\nRUN cat /f > /g\nRUN true\nRUN true\n' });
  dirs.push(ctx);
  const archive = await repeatedLayerArchive(ctx);
  const l = await runDrydock(['load', '-i', archive], { root });
  assert.equal(l.code, 0, l.stderr);
  const r = await runDrydock(['build', '-q', '-t', 'on-repeated:1', ctx], { root });
  assert.equal(r.code, 0, r.stderr);
  const img = await imageFiles(store, 'on-repeated:1');
  try {
    // A, B (deletes f), A: f is back, as a chain of four distinct layers would have it.
    assert.equal(await readFile(join(img.dir, 'g'), 'utf8'), 'from A\n');
    assert.equal(await readFile(join(img.dir, 'f'), 'utf8'), 'from A\n');
  } finally {
    await img.cleanup();
  }
  const x = await runDrydock(['run', 'on-repeated:1', 'cat', '/f'], { root });
  assert.equal(x.stdout, 'from A\n', x.stderr);
});
