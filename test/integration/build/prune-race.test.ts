/**
 * `rm`, `prune` and `prune --cache` racing running builds (issue 15, part 4): they never remove
 * what a running build uses, and tags written concurrently end consistent. The races are made
 * on purpose, from drydock's own step events (the removal runs while a RUN step is in progress),
 * not from timing.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runDrydock, spawnDrydock } from '../../helpers/cli.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { contextDir, imageFiles, storeWith } from './util.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

/** Starts a build and resolves once its step running `marker` has started; then waits for its end. */
function buildUntilStep(root: string, ctx: string, marker: string, tag: string) {
  const child = spawnDrydock(['build', '--progress=rawjson', '-t', tag, ctx], { root });
  let stderr = '';
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (stderr.split('\n').some((l) => l.startsWith('{') && l.includes('"step-start"') && l.includes(marker))) started();
  });
  const done = new Promise<{ code: number; stderr: string }>((resolve) => child.on('close', (code) => { started(); resolve({ code: code ?? 1, stderr }); }));
  return { running, done };
}

test('rm of the base image, prune and prune --cache while builds run: the builds finish whole, fsck is clean', async () => {
  const { root, store } = await storeWith('busybox');
  const a = await contextDir({ Dockerfile: 'FROM busybox AS s\nRUN echo one > /one\nRUN sleep 2 && echo two > /two\nFROM busybox\nCOPY --from=s /one /two /\nRUN cat /one /two > /both\n' });
  const b = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo first > /f\nRUN sleep 2 && cat /f > /g\n' });
  dirs.push(a, b);
  // A first build leaves cache records and layers a prune could take.
  assert.equal((await runDrydock(['build', '-q', '-t', 'warm:1', b], { root })).code, 0);
  const x = buildUntilStep(root, a, 'sleep 2', 'race-a:1');
  const y = buildUntilStep(root, b, 'sleep 2', 'race-b:1');
  await Promise.all([x.running, y.running]);
  for (const args of [['rm', 'busybox:latest', 'warm:1'], ['prune'], ['prune', '--cache']]) {
    const r = await runDrydock(args, { root });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  const [rx, ry] = await Promise.all([x.done, y.done]);
  assert.equal(rx.code, 0, rx.stderr);
  assert.equal(ry.code, 0, ry.stderr);
  const img = await imageFiles(store, 'race-a:1');
  try {
    assert.equal(await readFile(join(img.dir, 'both'), 'utf8'), 'one\ntwo\n');
  } finally {
    await img.cleanup();
  }
  const f = await runDrydock(['fsck'], { root });
  assert.equal(f.code, 0, f.stdout + f.stderr);
  assert.doesNotMatch(f.stdout, /dangling|corrupt/);
  const run = await runDrydock(['run', 'race-b:1', 'cat', '/g'], { root });
  assert.equal(run.stdout, 'first\n', run.stderr);
});

test('one tag written by eight concurrent builds ends pointing at one of them, whole', async () => {
  const { root } = await storeWith('busybox');
  const ctxs = await Promise.all(Array.from({ length: 8 }, (_, i) => contextDir({ Dockerfile: `FROM busybox\nLABEL n=${i}\nRUN echo ${i} > /n\n` })));
  dirs.push(...ctxs);
  const runs = await Promise.all(ctxs.map((c, i) => runDrydock(['build', '-t', 'contended:1', '--iidfile', join(c, 'iid'), c], { root }).then((r) => ({ r, i }))));
  const ids = new Map<string, number>();
  for (const { r, i } of runs) {
    assert.equal(r.code, 0, r.stderr);
    ids.set((await readFile(join(ctxs[i]!, 'iid'), 'utf8')).trim(), i);
  }
  const ins = await runDrydock(['inspect', 'contended:1'], { root });
  assert.equal(ins.code, 0, ins.stderr);
  const id: string = JSON.parse(ins.stdout)[0].Id;
  const winner = ids.get(id);
  assert.ok(winner !== undefined, `the tag points at ${id}, which none of the builds made`);
  const run = await runDrydock(['run', 'contended:1', 'cat', '/n'], { root });
  assert.equal(run.stdout, `${winner}\n`, run.stderr);
  const f = await runDrydock(['fsck'], { root });
  assert.equal(f.code, 0, f.stdout + f.stderr);
});
