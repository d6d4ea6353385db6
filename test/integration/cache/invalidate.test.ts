/**
 * The key chain starts from the base image's manifest digest: when the base changes (seen with
 * --pull), exactly the steps that rest on it run again; stages that do not use it stay cached.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { openStore } from '../../../src/store/index.js';
import type { BuildEvent } from '../../../src/solver/events.js';
import { imageFiles } from '../build/util.js';
import { buildOn, cacheCounts, contextDir, executedSteps, machine } from './util.js';

let registry: RegistryFixture;
after(async () => {
  await registry?.stop();
  await removeTmpStoreRoots();
});
before(async () => { registry = await startRegistry(); });

/** Pushes a busybox-based image whose /version says `v` to REG/base:latest. */
async function pushBase(root: string, v: string): Promise<void> {
  const ctx = await contextDir({ Dockerfile: `FROM busybox\nRUN echo ${v} > /version\n` });
  await buildOn(root, ctx, { outputs: [{ type: 'registry', name: `${registry.host}/base:latest`, attrs: {} }] });
}

function baseDigest(events: BuildEvent[]): string | undefined {
  return events.flatMap((e) => (e.type === 'base-resolved' && e.ref.includes('/base:') ? [e.digest] : []))[0];
}

test('a new base image digest re-runs exactly the steps that rest on it (--pull), and nothing else', async () => {
  const m = await machine();
  await pushBase(m, 'one');
  const ctx = await contextDir({
    Dockerfile: [
      'FROM scratch AS files',
      'COPY f.txt /f.txt',
      `FROM ${registry.host}/base:latest`,
      'RUN cat /version > /seen',
      'COPY --from=files /f.txt /f.txt',
      'ENV A=1',
      '',
    ].join('\n'),
    'f.txt': 'file\n',
  });

  const first = await buildOn(m, ctx, { tags: ['app'] });
  assert.equal(cacheCounts(first.events).cached, 0);
  const again = await buildOn(m, ctx, { tags: ['app'] });
  assert.deepEqual(executedSteps(again.events), []);

  await pushBase(m, 'two');
  // Without --pull the local copy of the base is used, as docker build does: still all cached.
  const local = await buildOn(m, ctx, { tags: ['app'] });
  assert.deepEqual(executedSteps(local.events), []);
  assert.equal(local.imageId, first.imageId);

  const pulled = await buildOn(m, ctx, { tags: ['app'], pull: true });
  assert.notEqual(baseDigest(pulled.events), baseDigest(first.events));
  assert.deepEqual(executedSteps(pulled.events), [
    'stage-1 RUN cat /version > /seen',
    'stage-1 COPY --from=files /f.txt /f.txt',
  ]);
  const files = await imageFiles(await openStore(m), 'app');
  try {
    assert.equal(await readFile(join(files.dir, 'seen'), 'utf8'), 'two\n');
  } finally {
    await files.cleanup();
  }

  // --pull again: the base has not changed since, so nothing runs.
  const repull = await buildOn(m, ctx, { tags: ['app'], pull: true });
  assert.deepEqual(executedSteps(repull.events), []);
  assert.equal(repull.imageId, pulled.imageId);
});
