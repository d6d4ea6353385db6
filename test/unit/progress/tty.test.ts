import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TtyRenderer } from '../../../src/cli/progress/index.js';
import { T0, start, finish } from './events.js';

/** A renderer on a fake terminal and a fake clock; `frames` are the writes, as the terminal got them. */
function setup(opts: { color?: boolean; columns?: number; rows?: number } = {}) {
  const writes: string[] = [];
  let now = T0;
  const size = { columns: opts.columns ?? 120, rows: opts.rows ?? 30 };
  const r = new TtyRenderer({ write: (s) => writes.push(s), size: () => size, color: opts.color ?? false, now: () => now, interval: 0 });
  return { r, writes, size, advance: (ms: number) => { now += ms; } };
}

test('each frame replaces the last one in place: cursor up over it, lines erased, rest of screen cleared', () => {
  const { r, writes, advance } = setup();
  for (const e of start) r.onEvent(e);
  advance(1500);
  r.tick();
  assert.equal(writes.length, 1);
  const first = writes[0];
  assert.ok(!first.startsWith('\x1b[') || first.startsWith('\x1b[2K'), 'the first frame moves nothing up');
  assert.equal(first.split('\n').length - 1, 6, 'six lines');
  assert.ok(first.endsWith('\x1b[J'));
  assert.match(first, /\x1b\[2K=> \[a 2\/2\] RUN echo a; sleep 2 +1\.3s │ => \[b 2\/2\] RUN echo b; sleep 2 +1\.3s │ => \[stage-2 1\/\?\] FROM a +1\.4s\n/);

  advance(500);
  r.tick();
  assert.equal(writes.length, 2);
  assert.ok(writes[1].startsWith('\x1b[6A'), 'moves up over the six lines drawn');
  assert.match(writes[1], /RUN echo a; sleep 2 +1\.8s/);
});

test('nothing is written while nothing changes', () => {
  const { r, writes } = setup();
  for (const e of start) r.onEvent(e);
  r.tick();
  r.tick();
  assert.equal(writes.length, 1);
});

test('the end of the build collapses the view to its summary, once', () => {
  const { r, writes, advance } = setup();
  for (const e of start) r.onEvent(e);
  advance(1000);
  r.tick();
  const drawn = writes[0].split('\n').length - 1;
  for (const e of finish) r.onEvent(e);
  assert.equal(writes.length, 2);
  const summary = writes[1];
  assert.ok(summary.startsWith(`\x1b[${drawn}A`));
  assert.match(summary, /\[\+\] Building 2\.6s \(6\/6\) FINISHED\n/);
  assert.match(summary, /=> CACHED \[b 2\/2\] RUN echo b; sleep 2 +2\.1s\n/);
  assert.doesNotMatch(summary, /a-1/, 'output tails are gone');
  r.tick();
  r.close();
  advance(1000);
  r.tick();
  assert.equal(writes.length, 2, 'nothing after the summary');
});

test('close() without build-done (a failure) prints the failed summary', () => {
  const { r, writes } = setup();
  for (const e of start) r.onEvent(e);
  r.onEvent({ type: 'step-error', time: T0 + 500, stage: 0, step: '0.2', message: 'exit code: 3' });
  r.close();
  assert.equal(writes.length, 1);
  assert.match(writes[0], /FAILED/);
  assert.match(writes[0], /=> ERROR \[a 2\/2\] RUN echo a; sleep 2/);
  assert.match(writes[0].replace(/\x1b\[2K/g, ''), /\n------\n > \[a 2\/2\] RUN echo a; sleep 2:\na-1\na-2\n------\n/);
});

test('colour codes only with colour on (NO_COLOR turns it off)', () => {
  const plain = setup({ color: false });
  const coloured = setup({ color: true });
  for (const { r } of [plain, coloured]) {
    for (const e of [...start, ...finish]) r.onEvent(e);
  }
  // cursor movement and erasing remain; no SGR (colour) sequences
  assert.doesNotMatch(plain.writes.join(''), /\x1b\[[0-9;]*m/);
  assert.match(coloured.writes.join(''), /\x1b\[32m FINISHED\x1b\[0m/);
});

test('a resized terminal is followed on the next frame', () => {
  const { r, writes, size, advance } = setup({ columns: 120 });
  for (const e of start) r.onEvent(e);
  r.tick();
  assert.match(writes[0], /│/);
  size.columns = 50;
  advance(100);
  r.tick();
  assert.doesNotMatch(writes[1], /│/, 'stacked when narrow');
  for (const l of writes[1].split('\n')) assert.ok(l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').length < 50, l);
});

test('a build that fails before any event leaves the terminal untouched', () => {
  const { r, writes } = setup();
  r.tick();
  r.close();
  assert.deepEqual(writes, []);
});
