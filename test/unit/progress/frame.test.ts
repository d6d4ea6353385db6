import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressModel, liveFrame, summaryFrame, paint } from '../../../src/cli/progress/index.js';
import type { BuildEvent } from '../../../src/solver/events.js';
import { T0, start, finish } from './events.js';

function model(events: BuildEvent[]): ProgressModel {
  const m = new ProgressModel(T0);
  for (const e of events) m.apply(e);
  return m;
}
const text = (rows: ReturnType<typeof liveFrame>) => rows.map((r) => paint(r, false)).join('\n');

test('parallel stages run side by side on a wide terminal, each with its timer and output tail', () => {
  const frame = text(liveFrame(model(start), { now: T0 + 1500, width: 120, height: 30 }));
  assert.equal(frame, [
    '[+] Building 1.5s (2/5)',
    '=> [a 1/2] FROM docker.io/library/busybox:latest                                                                   0.1s',
    '=> [b 1/2] FROM docker.io/library/busybox:latest                                                                   0.1s',
    '=> [a 2/2] RUN echo a; sleep 2   1.3s │ => [b 2/2] RUN echo b; sleep 2   1.3s │ => [stage-2 1/?] FROM a          1.4s',
    '   a-1                                │    b-1',
    '   a-2',
  ].join('\n'));
});

test('a narrow terminal stacks the running steps and cuts long lines', () => {
  const frame = text(liveFrame(model(start), { now: T0 + 1500, width: 40, height: 30 }));
  assert.equal(frame, [
    '[+] Building 1.5s (2/5)',
    '=> [a 1/2] FROM docker.io/library… 0.1s',
    '=> [b 1/2] FROM docker.io/library… 0.1s',
    '=> [a 2/2] RUN echo a; sleep 2     1.3s',
    '   a-1',
    '   a-2',
    '=> [b 2/2] RUN echo b; sleep 2     1.3s',
    '   b-1',
    '=> [stage-2 1/?] FROM a            1.4s',
  ].join('\n'));
  for (const l of frame.split('\n')) assert.ok(l.length < 40, l);
});

test('a short terminal keeps the frame shorter than the screen: tails shrink, finished steps fold', () => {
  const rows = liveFrame(model(start), { now: T0 + 1500, width: 40, height: 6 });
  assert.equal(rows.length, 5);
  assert.equal(text(rows), [
    '[+] Building 1.5s (2/5)',
    ' … 2 earlier steps',
    '=> [a 2/2] RUN echo a; sleep 2     1.3s',
    '=> [b 2/2] RUN echo b; sleep 2     1.3s',
    '=> [stage-2 1/?] FROM a            1.4s',
  ].join('\n'));
});

test('timers advance with the clock', () => {
  const m = model(start);
  assert.match(text(liveFrame(m, { now: T0 + 1500, width: 100, height: 30 })), /RUN echo a; sleep 2 +1\.3s/);
  assert.match(text(liveFrame(m, { now: T0 + 2100, width: 100, height: 30 })), /RUN echo a; sleep 2 +1\.9s/);
});

test('pull bars show bytes, rate and time left', () => {
  const m = model([
    { type: 'build-start', time: T0, target: 'stage-0', stages: [{ index: 0, name: 'stage-0', base: 'debian' }] },
    { type: 'stage-start', time: T0, stage: 0, name: 'stage-0' },
    { type: 'pull', time: T0, ref: 'debian', status: 'start' },
    { type: 'pull', time: T0 + 10, ref: 'debian', status: 'progress', layer: 'sha256:l1', current: 0, total: 30_000_000 },
    { type: 'pull', time: T0 + 10, ref: 'debian', status: 'progress', layer: 'sha256:c', current: 0, total: 1_000 },
    { type: 'pull', time: T0 + 2000, ref: 'debian', status: 'progress', layer: 'sha256:l1', current: 10_000_000, total: 30_000_000 },
  ]);
  const frame = text(liveFrame(m, { now: T0 + 2000, width: 100, height: 30 }));
  assert.equal(frame.split('\n')[1], '=> pulling debian [=========>                  ]         10.0 MB / 30.0 MB  5.00 MB/s  ETA 5s  2.0s');
  // narrow: the numbers stay, the bar goes
  assert.equal(text(liveFrame(m, { now: T0 + 2000, width: 64, height: 30 })).split('\n')[1], '=> pulling debian    10.0 MB / 30.0 MB  5.00 MB/s  ETA 5s  2.0s');
  // narrower still: the name is cut, the numbers stay
  assert.equal(text(liveFrame(m, { now: T0 + 2000, width: 60, height: 30 })).split('\n')[1], '=> pulling debi… 10.0 MB / 30.0 MB  5.00 MB/s  ETA 5s  2.0s');
  m.apply({ type: 'pull', time: T0 + 6000, ref: 'debian', status: 'done', bytes: 30_001_000 });
  assert.equal(text(summaryFrame(m, { now: T0 + 6000, width: 60, height: 30 })).split('\n')[2], '=> pulled debian 30.0 MB                               6.0s');
});

test('the summary collapses the build to one line per step, in start order, then warnings', () => {
  const frame = text(summaryFrame(model([...start, ...finish]), { now: T0 + 9999, width: 80, height: 30 }));
  assert.equal(frame, [
    '[+] Building 2.6s (6/6) FINISHED',
    '=> [a 1/2] FROM docker.io/library/busybox:latest                           0.1s',
    '=> [b 1/2] FROM docker.io/library/busybox:latest                           0.1s',
    '=> [stage-2 1/2] FROM a                                                    2.2s',
    '=> [a 2/2] RUN echo a; sleep 2                                             2.0s',
    '=> CACHED [b 2/2] RUN echo b; sleep 2                                      2.1s',
    '=> [stage-2 2/2] COPY --from=b /b /                                        0.1s',
    '=> exporting image sha256:abcd',
    '1 warning found:',
    ' - JSONArgsRecommended: JSON arguments recommended for CMD (line 9)',
  ].join('\n'));
});

test('a failed build shows the failed step with its output, and what was cancelled', () => {
  const m = model([
    ...start,
    { type: 'step-log', time: T0 + 400, stage: 1, step: '1.2', stream: 'stderr', data: 'no space left' },
    { type: 'step-error', time: T0 + 500, stage: 1, step: '1.2', message: 'process "/bin/sh -c echo b; sleep 2" did not complete successfully: exit code: 1' },
  ]);
  const frame = text(summaryFrame(m, { now: T0 + 600, width: 80, height: 30 }));
  assert.equal(frame, [
    '[+] Building 0.6s (2/5) FAILED',
    '=> [a 1/2] FROM docker.io/library/busybox:latest                           0.1s',
    '=> [b 1/2] FROM docker.io/library/busybox:latest                           0.1s',
    '=> CANCELED [stage-2 1/?] FROM a                                           0.5s',
    '=> CANCELED [a 2/2] RUN echo a; sleep 2                                    0.4s',
    '=> ERROR [b 2/2] RUN echo b; sleep 2                                       0.3s',
    '------',
    ' > [b 2/2] RUN echo b; sleep 2:',
    'b-1',
    'no space left',
    '------',
    '1 warning found:',
    ' - JSONArgsRecommended: JSON arguments recommended for CMD (line 9)',
  ].join('\n'));
});

test('output is shown as a terminal leaves it: carriage returns overwrite, escapes are dropped', () => {
  const m = model([
    ...start,
    { type: 'step-log', time: T0 + 400, stage: 0, step: '0.2', stream: 'stdout', data: '\x1b[32mgreen\x1b[0m\tok\r\ndl 10%\rdl 50%' },
  ]);
  const frame = text(liveFrame(m, { now: T0 + 500, width: 40, height: 30 }));
  assert.match(frame, /\n {3}a-2\n {3}green {4}ok\n {3}dl 50%\n/);
});

test('colours only where asked', () => {
  const rows = summaryFrame(model([...start, ...finish]), { now: T0, width: 80, height: 30 });
  assert.match(paint(rows[0], true), /\x1b\[32m FINISHED\x1b\[0m/);
  assert.doesNotMatch(rows.map((r) => paint(r, false)).join('\n'), /\x1b/);
});

test('steps stopped by another stage\'s failure are CANCELED, not errors', () => {
  const m = model([
    ...start,
    { type: 'step-error', time: T0 + 500, stage: 1, step: '1.2', message: 'exit code: 1' },
    { type: 'step-error', time: T0 + 600, stage: 0, step: '0.2', message: 'build cancelled' },
  ]);
  const frame = text(summaryFrame(m, { now: T0 + 700, width: 60, height: 30 }));
  assert.match(frame, /^=> CANCELED \[a 2\/2\] RUN echo a; sleep 2 +0\.5s$/m);
  assert.match(frame, /^=> ERROR \[b 2\/2\] RUN echo b; sleep 2 +0\.3s$/m);
  assert.equal(frame.match(/^ > /gm)?.length, 1, 'one failure block');
});

test('a cancelled build says so', () => {
  const m = model([...start, { type: 'step-error', time: T0 + 600, stage: 0, step: '0.2', message: 'build cancelled' }]);
  assert.match(text(summaryFrame(m, { now: T0 + 700, width: 60, height: 30 })), /^\[\+\] Building 0\.7s \(2\/5\) CANCELED$/m);
});
