/**
 * SIGKILL at seeded random points of build, build --cache-to, pull, push, load and prune
 * (crash-harness.ts): every kill leaves a store that fsck finds clean or repairs, and the next
 * identical build succeeds, reuses what survived and gives the uninterrupted build's digest.
 * CRASH_KILLS (default 20) and CRASH_SEED (default: random, printed) replay a run;
 * scripts/crash.sh runs 200.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrashHarness, runKills } from './crash-harness.js';

const kills = Number(process.env.CRASH_KILLS ?? 20);
const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

test(`${kills} kills with SIGKILL leave a usable store (CRASH_SEED=${seed})`, { timeout: Math.max(600_000, kills * 30_000) }, async () => {
  process.stderr.write(`crash-kill: CRASH_SEED=${seed} CRASH_KILLS=${kills}\n`);
  const h = await CrashHarness.start();
  try {
    const results = await runKills(h, kills, seed, (r) => {
      const fsck = r.repaired.length ? `repaired: ${r.repaired.join('; ')}` : r.leftovers.length ? `clean, leftovers: ${r.leftovers.join('; ')}` : 'clean';
      process.stderr.write(`kill ${r.index} ${r.scenario} at ${r.point}${r.finishedFirst ? ' (finished first)' : ''}: fsck ${fsck}; ${r.stepsDone} step(s) done before; next build ${r.cachedAfter} cached\n`);
    });
    const killed = results.filter((r) => !r.finishedFirst);
    const reused = results.filter((r) => (r.scenario === 'build' || r.scenario === 'cache-to') && !r.finishedFirst && r.stepsDone > 0 && r.cachedAfter > 0);
    process.stderr.write(`crash-kill: ${results.length} runs, ${killed.length} killed mid-way, all survived; ${results.filter((r) => r.repaired.length).length} needed fsck --repair; ${reused.length} next builds reused steps a killed build finished\n`);
    assert.equal(results.length, kills);
    // A statistic: only meaningful over enough kills.
    if (kills >= 10) assert.ok(killed.length >= kills / 4, 'kills land before the command ends');
    if (results.some((r) => (r.scenario === 'build' || r.scenario === 'cache-to') && !r.finishedFirst && r.stepsDone > 0)) {
      assert.ok(reused.length > 0, 'a build killed after finishing steps has them reused by the next build');
    }
  } finally {
    await h.stop();
  }
});
