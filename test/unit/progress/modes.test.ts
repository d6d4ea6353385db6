import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorEnabled, createProgress, resolveProgressMode, terminalSize } from '../../../src/cli/progress/index.js';
import type { BuildEvent } from '../../../src/solver/events.js';
import { start, finish } from './events.js';

test('auto is the live view on a terminal, plain text elsewhere and on dumb terminals', () => {
  assert.equal(resolveProgressMode('auto', { write: () => true, isTTY: true }, {}), 'tty');
  assert.equal(resolveProgressMode('auto', { write: () => true, isTTY: true }, { TERM: 'dumb' }), 'plain');
  assert.equal(resolveProgressMode('auto', { write: () => true }, {}), 'plain');
  assert.equal(resolveProgressMode(undefined, { write: () => true }, {}), 'plain');
  assert.equal(resolveProgressMode('tty', { write: () => true }, {}), 'tty');
  assert.equal(resolveProgressMode('rawjson', { write: () => true, isTTY: true }, {}), 'rawjson');
});

test('NO_COLOR (non-empty) turns colour off', () => {
  assert.equal(colorEnabled({}), true);
  assert.equal(colorEnabled({ NO_COLOR: '' }), true);
  assert.equal(colorEnabled({ NO_COLOR: '1' }), false);
});

test('terminal size: COLUMNS/LINES win, then the stream, then 80x24', () => {
  assert.deepEqual(terminalSize({ write: () => true, columns: 132, rows: 50 }, {}), { columns: 132, rows: 50 });
  assert.deepEqual(terminalSize({ write: () => true, columns: 132, rows: 50 }, { COLUMNS: '40', LINES: '10' }), { columns: 40, rows: 10 });
  assert.deepEqual(terminalSize({ write: () => true }, { COLUMNS: 'wide' }), { columns: 80, rows: 24 });
});

test('rawjson: one event per line, each parsing back to the event', () => {
  let out = '';
  const p = createProgress('rawjson', { write: (s: string) => { out += s; } }, {});
  const events: BuildEvent[] = [...start, ...finish];
  for (const e of events) p.onEvent(e);
  p.close();
  const lines = out.split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(lines.map((l) => JSON.parse(l)), events);
});

test('plain keeps BuildKit\'s line format', () => {
  let out = '';
  const p = createProgress('plain', { write: (s: string) => { out += s; } }, {});
  for (const e of [...start, ...finish]) p.onEvent(e);
  p.close();
  assert.match(out, /^#1 \[a 2\/2\] RUN echo a; sleep 2$/m);
  assert.match(out, /^#1 0\.100 a-1$/m);
  assert.match(out, /^#2 CACHED$/m);
});

test('tty through createProgress: frames on the stream, NO_COLOR honoured, summary on close', () => {
  let out = '';
  const p = createProgress('tty', { write: (s: string) => { out += s; }, isTTY: true, columns: 100, rows: 30 }, { NO_COLOR: '1' });
  for (const e of [...start, ...finish]) p.onEvent(e);
  p.close();
  assert.match(out, /\[\+\] Building 2\.6s \(6\/6\) FINISHED/);
  assert.doesNotMatch(out, /\x1b\[[0-9;]*m/);
});
