/** The pieces of a multi-platform build that need no store: the --platform list, the gate, the event renumbering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limiter, planPlatform, platformDir, platformEvents, targetPlatforms } from '../../../src/build/multi-platform.js';
import type { BuildEvent } from '../../../src/solver/events.js';

test('targetPlatforms: a comma list in order, repeats (after normalizing) dropped, bad entries refused', () => {
  assert.deepEqual(targetPlatforms('linux/amd64, linux/arm64,linux/arm64/v8,linux/arm').map((t) => planPlatform(t)), [
    { os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm', variant: 'v7' },
  ]);
  assert.throws(() => targetPlatforms('linux/amd64,,linux/arm64'), /an empty platform in the list/);
  assert.throws(() => targetPlatforms('linux/amd64,windows/amd64'), /only linux images can be built/);
  assert.equal(targetPlatforms(undefined).length, 1);
});

test('limiter: never more than n at once, every result returned', async () => {
  const gate = limiter(2);
  let active = 0;
  let peak = 0;
  const results = await Promise.all([1, 2, 3, 4, 5].map((i) => gate(async () => {
    active++;
    peak = Math.max(peak, active);
    await new Promise((r) => setTimeout(r, 5));
    active--;
    return i * 10;
  })));
  assert.deepEqual(results, [10, 20, 30, 40, 50]);
  assert.equal(peak, 2);
});

test('platformEvents: stage numbers unique per platform, names prefixed, step ids follow', () => {
  const out: BuildEvent[] = [];
  const emit = platformEvents((e) => out.push(e), 2, 3, 'linux/arm64');
  emit({ type: 'stage-start', time: 1, stage: 1, name: 'build' });
  emit({ type: 'step-start', time: 1, stage: 1, step: '1.2', index: 2, total: 3, instruction: 'RUN x' });
  emit({ type: 'warning', time: 1, message: 'w' });
  assert.deepEqual(out, [
    { type: 'stage-start', time: 1, stage: 7, name: 'linux/arm64 build' },
    { type: 'step-start', time: 1, stage: 7, step: '7.2', index: 2, total: 3, instruction: 'RUN x' },
    { type: 'warning', time: 1, message: 'w' },
  ]);
  assert.equal(platformDir({ os: 'linux', architecture: 'arm', variant: 'v7' }), 'linux_arm_v7');
});
