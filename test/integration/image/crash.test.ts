import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runDrydock, spawnDrydock } from '../../helpers/cli.js';
import { tempDir } from './fixtures.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function rootfs(dir: string, name: string, bytes: number): Promise<string> {
  const p = join(dir, name);
  await mkdir(p, { recursive: true });
  await writeFile(join(p, 'data'), randomBytes(bytes));
  return p;
}

test('4 imports and loads at once on one store, then prune and fsck are clean', async () => {
  const dir = await tempDir('concurrent');
  dirs.push(dir);
  const store = join(dir, 'store');
  const seedStore = join(dir, 'seed');
  const a = await rootfs(dir, 'a', 1 << 20);
  assert.equal((await runDrydock(['import', a, 'seed:1'], { root: seedStore })).code, 0);
  assert.equal((await runDrydock(['save', '-o', join(dir, 'seed.tar'), 'seed:1'], { root: seedStore })).code, 0);
  const jobs = [
    runDrydock(['import', await rootfs(dir, 'b', 2 << 20), 'b:1'], { root: store }),
    runDrydock(['import', await rootfs(dir, 'c', 2 << 20), 'c:1'], { root: store }),
    runDrydock(['load', '-i', join(dir, 'seed.tar')], { root: store }),
    runDrydock(['import', a, 'a:1'], { root: store }), // same content as seed: shared blobs written twice at once
  ];
  for (const r of await Promise.all(jobs)) assert.equal(r.code, 0, r.stderr);
  const [prune, images] = await Promise.all([runDrydock(['prune'], { root: store }), runDrydock(['images'], { root: store })]);
  assert.equal(prune.code, 0, prune.stderr);
  assert.equal(images.code, 0, images.stderr);
  for (const name of ['a', 'b', 'c', 'seed']) assert.match((await runDrydock(['images'], { root: store })).stdout, new RegExp(`^${name} `, 'm'));
  const fsck = await runDrydock(['fsck'], { root: store });
  assert.equal(fsck.code, 0, fsck.stdout);
  assert.match(fsck.stdout, /: ok$/m);
});

test('kill -9 in the middle of a load leaves a usable store', async () => {
  const dir = await tempDir('kill');
  dirs.push(dir);
  const store = join(dir, 'store');
  // an uncompressed 400 MB layer: long enough to be caught mid-write
  const big = join(dir, 'big');
  await mkdir(big);
  await writeFile(join(big, 'f'), '');
  await truncate(join(big, 'f'), 400 << 20);
  execFileSync('sh', ['-c', `cd ${dir} && mkdir x && tar -C ${big} -cf x/layer.tar . && cat > x/manifest.json <<E
[{"Config":"config.json","RepoTags":["big:2"],"Layers":["layer.tar"]}]
E
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' $(sha256sum x/layer.tar | cut -d' ' -f1) > x/config.json && tar -C x -cf big.tar manifest.json config.json layer.tar`]);
  await runDrydock(['images'], { root: store }); // creates the store
  const child = spawnDrydock(['load', '-i', join(dir, 'big.tar')], { root: store });
  const exited = new Promise((r) => child.on('close', r));
  // wait until it is writing a blob, then kill it
  for (;;) {
    const tmp = await readdir(join(store, 'tmp')).catch(() => []);
    if (tmp.some((n) => n.endsWith('.blob'))) break;
    if (child.exitCode !== null) assert.fail('load finished before it could be killed');
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  await exited;
  assert.equal((await runDrydock(['images', '-q'], { root: store })).stdout, '');
  const fsck = await runDrydock(['fsck'], { root: store });
  assert.equal(fsck.code, 0, fsck.stdout);
  const prune = await runDrydock(['prune'], { root: store });
  assert.equal(prune.code, 0, prune.stderr);
  assert.deepEqual(await readdir(join(store, 'tmp')), []);
  const again = await runDrydock(['load', '-i', join(dir, 'big.tar')], { root: store });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Loaded image: big:2/);
  assert.equal((await runDrydock(['fsck'], { root: store })).code, 0);
});
