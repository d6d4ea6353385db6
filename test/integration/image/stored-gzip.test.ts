/**
 * Layers holding random-looking data are gzip streams of several members (stored blocks for
 * the random part): the OCI tools that consume drydock's images must read them. A real build,
 * exported as an OCI layout, unpacked by umoci (Go) and by GNU tar + gzip.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith } from '../build/util.js';

const work: string[] = [];
after(async () => {
  for (const d of work) await rm(d, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

test('a layer with random and text data unpacks byte for byte with umoci and tar', async () => {
  for (const tool of ['umoci', 'tar', 'gzip']) {
    assert.ok(existsSync(`/usr/bin/${tool}`), `${tool} is missing: run scripts/setup.sh --test`);
  }
  const { root } = await storeWith('busybox');
  const dir = await mkdtemp(join(tmpdir(), 'drydock-storedgz-'));
  work.push(dir);
  const ctx = join(dir, 'ctx');
  execFileSync('mkdir', ['-p', ctx]);
  const random = randomBytes(3 * 1024 * 1024 + 4321);
  const text = Buffer.from('all work and no play makes jack a dull boy\n'.repeat(60_000));
  await writeFile(join(ctx, 'random.bin'), random);
  await writeFile(join(ctx, 'text.txt'), text);
  await writeFile(join(ctx, 'Dockerfile'), 'FROM busybox:latest\nCOPY random.bin text.txt /data/\n');
  const layout = join(dir, 'layout');
  await build({ context: ctx, root, tags: ['storedgz:1'], outputs: [{ type: 'oci', dest: `${layout}.tar`, attrs: {} }] });
  execFileSync('mkdir', ['-p', layout]);
  execFileSync('tar', ['-xf', `${layout}.tar`, '-C', layout]);
  const refName = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')).manifests[0].annotations['org.opencontainers.image.ref.name'];

  // the COPY layer is the largest blob: it must be several gzip members, yet one valid stream
  const blobs = join(layout, 'blobs', 'sha256');
  const sizes = await Promise.all((await readdir(blobs)).map(async (f) => ({ f, n: (await readFile(join(blobs, f))).length })));
  const layer = sizes.sort((a, b) => b.n - a.n)[0]!;
  const bytes = await readFile(join(blobs, layer.f));
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  let members = 0;
  for (let at = bytes.indexOf(header); at >= 0; at = bytes.indexOf(header, at + 1)) members++;
  assert.ok(members >= 2, `the random part is stored in a gzip member of its own (${members} members)`);
  const untarred = join(dir, 'untarred');
  execFileSync('mkdir', ['-p', untarred]);
  execFileSync('tar', ['-xzf', join(blobs, layer.f), '-C', untarred]);
  assert.deepEqual(await readFile(join(untarred, 'data/random.bin')), random);
  assert.deepEqual(await readFile(join(untarred, 'data/text.txt')), text);

  const bundle = join(dir, 'bundle');
  execFileSync('umoci', ['raw', 'unpack', '--rootless', '--image', `${layout}:${refName}`, bundle], { stdio: 'pipe' });
  assert.deepEqual(await readFile(join(bundle, 'data/random.bin')), random);
  assert.deepEqual(await readFile(join(bundle, 'data/text.txt')), text);
});
