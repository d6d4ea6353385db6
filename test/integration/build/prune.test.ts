import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import { StepCache } from '../../../src/solver/cache.js';
import { runDrydock } from '../../helpers/cli.js';
import { storeWith, contextDir, executedSteps } from './util.js';

async function records(root: string, store: import('../../../src/store/index.js').Store): Promise<number> {
  let n = 0;
  for await (const _ of new StepCache(root, store).list()) n++;
  return n;
}

test('prune --cache --keep-storage drops the least recently used records; snapshots follow', async () => {
  const { root, store } = await storeWith('busybox');
  const old = await contextDir({ Dockerfile: 'FROM busybox\nRUN head -c 300000 /dev/urandom > /old.bin\n' });
  const recent = await contextDir({ Dockerfile: 'FROM busybox\nRUN head -c 300000 /dev/urandom > /recent.bin\n' });
  await build({ context: old, root });
  await new Promise((r) => setTimeout(r, 20));
  await build({ context: recent, root });
  const layersBefore = (await readdir(join(root, 'snapshots', 'layers'))).length;

  // room for one random 300 kB layer: the older build's record goes
  const r = await runDrydock(['prune', '--cache', '--keep-storage', '400kB'], { root });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await records(root, store), 1, 'only the recent RUN record is kept');
  assert.deepEqual(executedSteps((await build({ context: recent, root })).events), []);
  assert.equal(executedSteps((await build({ context: old, root })).events).length, 1);
  assert.ok((await readdir(join(root, 'snapshots', 'layers'))).length <= layersBefore);

  // everything
  const all = await runDrydock(['prune', '--cache'], { root });
  assert.equal(all.code, 0, all.stderr);
  assert.equal(await records(root, store), 0);
  // only the base image's layer is still unpacked
  assert.equal((await readdir(join(root, 'snapshots', 'layers'))).length, 1);
  assert.equal((await runDrydock(['fsck'], { root })).code, 0);
});

test('build-cache.max-size in config.json bounds the cache after each build', async () => {
  const { root, store } = await storeWith('busybox');
  await writeFile(join(root, 'config.json'), JSON.stringify({ 'build-cache': { 'max-size': '400kB' } }));
  for (const name of ['a', 'b', 'c']) {
    await build({ context: await contextDir({ Dockerfile: `FROM busybox\nRUN head -c 300000 /dev/urandom > /${name}.bin\n` }), root });
  }
  assert.equal(await records(root, store), 1);
  await assert.rejects(runDrydock(['prune', '--cache', '--keep-storage', 'lots'], { root }).then((r) => { if (r.code !== 0) throw new Error(r.stderr); }), /--keep-storage: invalid size "lots"/);
});
