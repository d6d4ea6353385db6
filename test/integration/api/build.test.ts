/**
 * The programmatic API as a user imports it (src/index.ts, `import … from 'drydock'`): a real
 * multi-stage build on the busybox fixture, read through the event iterator.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { build, buildEvents, parse, isDrydockError, type BuildEvent } from '../../../src/index.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { contextDir, storeWith } from '../build/util.js';

let root: string;
before(async () => { ({ root } = await storeWith('busybox')); });
after(() => removeTmpStoreRoots());

const dockerfile = [
  'FROM busybox AS left',
  'RUN echo left-out && sleep 1 && echo L > /left.txt',
  'FROM busybox AS right',
  'RUN echo right-out && sleep 1 && echo R > /right.txt',
  'FROM busybox',
  'COPY --from=left /left.txt /',
  'COPY --from=right /right.txt /',
  '',
].join('\n');

test('buildEvents: a multi-stage build read with for await, the same events the result carries', async () => {
  const context = await contextDir({ Dockerfile: dockerfile });
  const seen: BuildEvent[] = [];
  const viaCallback: BuildEvent[] = [];
  const run = buildEvents({ context, root, tags: ['api-multi:1'], onEvent: (e) => viaCallback.push(e) });
  for await (const e of run) seen.push(e);
  const result = await run.result;

  assert.deepEqual(seen, result.events);
  assert.deepEqual(viaCallback, seen, 'onEvent still gets every event');
  assert.equal(seen[0].type, 'build-start');
  assert.equal(seen[seen.length - 1].type, 'build-done');
  const start = seen[0] as Extract<BuildEvent, { type: 'build-start' }>;
  assert.deepEqual(start.stages.map((s) => s.name), ['left', 'right', 'stage-2']);

  const logs = seen.filter((e): e is Extract<BuildEvent, { type: 'step-log' }> => e.type === 'step-log').map((e) => e.data).join('');
  assert.match(logs, /left-out/);
  assert.match(logs, /right-out/);

  // the two RUNs overlapped: each started before the other finished
  const at = (type: string, instr: RegExp) => {
    const s = seen.find((e) => e.type === 'step-start' && instr.test(e.instruction)) as Extract<BuildEvent, { type: 'step-start' }>;
    return type === 'start' ? s.time : (seen.find((e) => e.type === 'step-done' && e.step === s.step) as Extract<BuildEvent, { type: 'step-done' }>).time;
  };
  assert.ok(at('start', /left-out/) < at('done', /right-out/) && at('start', /right-out/) < at('done', /left-out/), 'stages ran in parallel');

  const done = seen[seen.length - 1] as Extract<BuildEvent, { type: 'build-done' }>;
  assert.equal(done.image?.id, result.imageId);
  assert.deepEqual(result.refs, ['api-multi:1']);
  assert.deepEqual(done.stages.map((s) => [s.name, s.inImage]), [['left', false], ['right', false], ['stage-2', true]]);
});

test('build(): the CLI\'s own function; a second build of the same file is all cached', async () => {
  const context = await contextDir({ Dockerfile: dockerfile });
  const first = await build({ context, root, tags: ['api-multi:2'] });
  const events: BuildEvent[] = [];
  const again = await build({ context, root, tags: ['api-multi:2'], onEvent: (e) => events.push(e) });
  assert.equal(again.imageId, first.imageId);
  const steps = events.filter((e) => e.type === 'step-done');
  assert.equal(steps.length, 4);
  assert.ok(steps.every((e) => e.type === 'step-done' && e.cached));
  assert.equal(events.filter((e) => e.type === 'step-cached').length, 4);
});

test('a failing build: the iterator yields the events up to the failure, then throws the DrydockError', async () => {
  const context = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo bad-news >&2; exit 7\n' });
  const seen: BuildEvent[] = [];
  const run = buildEvents({ context, root });
  await assert.rejects(async () => { for await (const e of run) seen.push(e); }, (e: unknown) => {
    assert.ok(isDrydockError(e));
    assert.equal(e.code, 'EXEC');
    assert.match(e.message, /exit code: 7/);
    return true;
  });
  assert.ok(seen.some((e) => e.type === 'step-log' && e.data.includes('bad-news')));
  assert.ok(seen.some((e) => e.type === 'step-error'));
  await assert.rejects(run.result, { code: 'EXEC' });
});

test('parse: typed instructions and the plan, without building', () => {
  const r = parse(dockerfile, { target: 'left' });
  assert.deepEqual(r.dockerfile.stages.map((s) => s.name), ['left', 'right', undefined]);
  assert.deepEqual(r.plan.stages.map((s) => s.name), ['left']);
  assert.deepEqual(r.plan.target.base, { kind: 'image', ref: 'busybox' });
  assert.throws(() => parse('FROM busybox\nCOPPY a b\n'), (e: unknown) => isDrydockError(e) && e.code === 'PARSE' && e.location?.line === 2);
  assert.throws(() => parse('FROM busybox\n', { platform: 'not a platform' }), { code: 'USAGE' });
});
