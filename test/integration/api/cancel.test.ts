/**
 * Cancellation through the API: aborting mid-RUN kills the container, rejects with
 * DrydockError CANCELLED, and leaves the store as if the step never began — no snapshot, no
 * temp file, no cache record, a clean fsck, and the next build reuses what was done before.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { buildEvents, isDrydockError, type BuildEvent } from '../../../src/index.js';
import { fsck, openStore } from '../../../src/store/index.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { contextDir, storeWith } from '../build/util.js';

let root: string;
before(async () => { ({ root } = await storeWith('busybox')); });
after(() => removeTmpStoreRoots());

/** A sleep nobody else runs, so its process can be looked for. */
const uniqueSleep = () => `sleep ${randomInt(100_000, 999_999)}`;

async function processesRunning(cmd: string): Promise<number> {
  let n = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').join(' ').trim() === cmd) n++;
  }
  return n;
}

/** `echo started` comes just before the sleep is forked: wait until it is there. */
async function waitForProcess(cmd: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const n = await processesRunning(cmd);
    if (n > 0) return n;
    await new Promise((r) => setTimeout(r, 25));
  }
  return 0;
}

const isCancelled = (e: unknown) => isDrydockError(e) && e.code === 'CANCELLED';

async function assertStoreClean(): Promise<void> {
  assert.deepEqual(await readdir(join(root, 'snapshots', 'active')), [], 'no snapshot left prepared');
  assert.deepEqual(await readdir(join(root, 'tmp')), [], 'no temp files left');
  const report = await fsck(await openStore(root));
  assert.ok(report.ok, JSON.stringify(report));
  assert.equal(report.staleTemps, 0);
}

test('aborting the signal mid-RUN kills the container and rejects with CANCELLED; the store stays consistent', async () => {
  const sleep = uniqueSleep();
  const context = await contextDir({ Dockerfile: `FROM busybox\nRUN echo one > /one\nRUN echo started; ${sleep}\n` });
  const ac = new AbortController();
  const seen: BuildEvent[] = [];
  const run = buildEvents({ context, root, tags: ['cancel-me'], signal: ac.signal });
  let running = -1;
  await assert.rejects(async () => {
    for await (const e of run) {
      seen.push(e);
      if (e.type === 'step-log' && e.data.includes('started')) {
        running = await waitForProcess(sleep);
        ac.abort();
      }
    }
  }, isCancelled);
  await assert.rejects(run.result, isCancelled);
  assert.equal(running, 1, 'the RUN was running when the build was cancelled');
  assert.equal(await processesRunning(sleep), 0, 'its process is gone');
  assert.ok(seen.some((e) => e.type === 'step-error' && e.step === '0.3'));
  assert.ok(!seen.some((e) => e.type === 'build-done'));
  assert.equal(await (await openStore(root)).images.get('cancel-me'), undefined, 'no image was tagged');
  await assertStoreClean();

  // The store is usable: the step done before the cancel is cached, the rest runs.
  const next = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo one > /one\nRUN echo finished\n' });
  const events: BuildEvent[] = [];
  const again = buildEvents({ context: next, root, tags: ['cancel-me'] });
  for await (const e of again) events.push(e);
  const done = events.filter((e): e is Extract<BuildEvent, { type: 'step-done' }> => e.type === 'step-done');
  assert.deepEqual(done.map((e) => [e.step, e.cached]), [['0.2', true], ['0.3', false]]);
  assert.ok((await again.result).imageId.startsWith('sha256:'));
  await assertStoreClean();
});

test('leaving the for-await loop early cancels the build', async () => {
  const sleep = uniqueSleep();
  const context = await contextDir({ Dockerfile: `FROM busybox\nRUN echo started; ${sleep}\n` });
  const run = buildEvents({ context, root });
  for await (const e of run) {
    if (e.type === 'step-log' && e.data.includes('started')) break;
  }
  await assert.rejects(run.result, isCancelled);
  assert.equal(await processesRunning(sleep), 0);
  await assertStoreClean();
});

test('cancel() stops a build; a signal aborted before the start stops it before anything runs', async () => {
  const sleep = uniqueSleep();
  const context = await contextDir({ Dockerfile: `FROM busybox\nRUN echo started; ${sleep}\n` });
  const run = buildEvents({ context, root });
  await assert.rejects(async () => {
    for await (const e of run) if (e.type === 'step-log' && e.data.includes('started')) run.cancel();
  }, isCancelled);
  assert.equal(await processesRunning(sleep), 0);

  const seen: BuildEvent[] = [];
  const early = buildEvents({ context: await contextDir({ Dockerfile: 'FROM busybox\nENV A=1\n' }), root, signal: AbortSignal.abort() });
  await assert.rejects(async () => { for await (const e of early) seen.push(e); }, isCancelled);
  assert.deepEqual(seen, []);
  await assertStoreClean();
});
