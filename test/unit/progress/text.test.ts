import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanLine, columns, fit, line, paint, seg, textOf } from '../../../src/cli/progress/text.js';
import { bar, formatEta, transferText } from '../../../src/cli/progress/bars.js';

test('fit: exact width, right part flush right, left part cut with an ellipsis', () => {
  assert.equal(textOf(fit(line('abc', '1.0s'), 10)), 'abc   1.0s');
  assert.equal(textOf(fit(line('abcdefghij', '1.0s'), 10)), 'abcd… 1.0s');
  assert.equal(textOf(fit(line('abcdefghij'), 5)), 'abcd…');
  assert.equal(textOf(fit(line('ab'), 5)), 'ab   ');
  // no room for the right part: the left alone, cut
  assert.equal(textOf(fit(line('abcdef', 'xxxxxx'), 4)), 'abc…');
});

test('fit keeps styles on the pieces it keeps', () => {
  const cut = fit(line([seg('=> ', 'blue'), seg('RUN make all', 'bold')]), 8);
  assert.deepEqual(cut, [seg('=> ', 'blue'), seg('RUN ', 'bold'), seg('…', 'bold')]);
  assert.equal(paint(cut, true), '\x1b[34m=> \x1b[0m\x1b[1mRUN \x1b[0m\x1b[1m…\x1b[0m');
  assert.equal(paint(cut, false), '=> RUN …');
});

test('columns: blocks side by side, padded, empty trailing cells dropped', () => {
  const rows = columns([[line('a1'), line('a2'), line('a3')], [line('b1')]], 4, seg(' | '));
  assert.deepEqual(rows.map(textOf), ['a1   | b1', 'a2', 'a3']);
  const rows2 = columns([[line('a1')], [line('b1'), line('b2')]], 4, seg(' | '));
  assert.deepEqual(rows2.map(textOf), ['a1   | b1', '     | b2']);
});

test('cleanLine: what a terminal would show of a line', () => {
  assert.equal(cleanLine('10%\r50%\r100%'), '100%');
  assert.equal(cleanLine('dos line\r'), 'dos line');
  assert.equal(cleanLine('\x1b[1;31mred\x1b[0m and \x1b]0;title\x07plain'), 'red and plain');
  assert.equal(cleanLine('a\tb\x07\x00c'), 'a    bc');
});

test('bars, rates and ETAs', () => {
  assert.equal(bar(0, 12), '[>         ]');
  assert.equal(bar(0.5, 12), '[=====>    ]');
  assert.equal(bar(1, 12), '[==========]');
  assert.equal(transferText({ current: 0, total: 1000, elapsedMs: 0 }), '0 B / 1.00 kB');
  assert.equal(transferText({ current: 2_500_000, total: 10_000_000, elapsedMs: 1000 }), '2.50 MB / 10.0 MB  2.50 MB/s  ETA 3s');
  assert.equal(transferText({ current: 2_500_000, elapsedMs: 2000 }), '2.50 MB  1.25 MB/s');
  assert.equal(formatEta(59.2), '1m00s');
  assert.equal(formatEta(125), '2m05s');
  assert.equal(formatEta(3725), '1h02m');
});
