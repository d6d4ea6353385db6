/**
 * Concurrent builds on one store (issue 15, part 4): identical in-flight steps are shared, as
 * BuildKit's solver shares vertices between jobs (solver/jobs.go): each step runs once and every
 * build gets the same image; different Dockerfiles still build side by side. Asserted from
 * drydock's own step events (--progress=rawjson), never from timing thresholds.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runDrydock } from '../../helpers/cli.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import type { BuildEvent } from '../../../src/solver/events.js';
import { contextDir, storeWith } from './util.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

function events(stderr: string): BuildEvent[] {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as BuildEvent);
}

/** Instruction → how many times a build really ran it (step-done with cached false). */
function executed(all: BuildEvent[][]): Map<string, number> {
  const out = new Map<string, number>();
  for (const evs of all) {
    const instr = new Map<string, string>();
    for (const e of evs) {
      if (e.type === 'step-start') instr.set(e.step, e.instruction);
      if (e.type === 'step-done' && !e.cached) out.set(instr.get(e.step)!, (out.get(instr.get(e.step)!) ?? 0) + 1);
    }
  }
  return out;
}

test('four concurrent builds of one Dockerfile on an empty store run each step once and give one image', async () => {
  const { root } = await storeWith('busybox');
  // Every RUN writes random bytes: two executions of one step would give two layers, so two images.
  const ctx = await contextDir({
    Dockerfile: [
      'FROM busybox AS a',
      'RUN head -c 16 /dev/urandom | od -An -tx1 > /r1 && sleep 0.3',
      'ENV STAGE=a',
      'RUN head -c 16 /dev/urandom | od -An -tx1 > /r2',
      'FROM busybox',
      'LABEL made=concurrently',
      'COPY --from=a /r1 /r2 /',
      'RUN head -c 16 /dev/urandom | od -An -tx1 > /r3',
    ].join('\n'),
  });
  dirs.push(ctx);
  const runs = await Promise.all([1, 2, 3, 4].map((i) => runDrydock(['build', '--progress=rawjson', '--iidfile', join(ctx, `iid${i}`), ctx], { root })));
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  const ids = await Promise.all([1, 2, 3, 4].map((i) => readFile(join(ctx, `iid${i}`), 'utf8')));
  assert.equal(new Set(ids).size, 1, `image IDs: ${ids.join(' ')}`);
  const counts = executed(runs.map((r) => events(r.stderr)));
  for (const instr of ['RUN head -c 16 /dev/urandom | od -An -tx1 > /r1 && sleep 0.3', 'RUN head -c 16 /dev/urandom | od -An -tx1 > /r2', 'COPY --from=a /r1 /r2 /', 'RUN head -c 16 /dev/urandom | od -An -tx1 > /r3']) {
    assert.equal(counts.get(instr), 1, `${instr} ran ${counts.get(instr) ?? 0} times over the four builds`);
  }
});

test('concurrent builds of different Dockerfiles are not serialized: their RUN steps overlap', async () => {
  const { root } = await storeWith('busybox');
  const ctxs = await Promise.all(['one', 'two'].map((n) => contextDir({ Dockerfile: `FROM busybox\nRUN echo ${n} > /n && sleep 1.5\n` })));
  dirs.push(...ctxs);
  const runs = await Promise.all(ctxs.map((c) => runDrydock(['build', '--progress=rawjson', c], { root })));
  const spans = runs.map((r) => {
    assert.equal(r.code, 0, r.stderr);
    const evs = events(r.stderr);
    const start = evs.find((e) => e.type === 'step-start' && e.instruction.startsWith('RUN'));
    const done = evs.find((e) => e.type === 'step-done' && start?.type === 'step-start' && e.step === start.step);
    assert.ok(start && done);
    return [start.time, done.time] as const;
  });
  assert.ok(spans[0]![0] < spans[1]![1] && spans[1]![0] < spans[0]![1], `RUN intervals ${JSON.stringify(spans)} do not overlap`);
});
