import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrydockError, asDrydockError, formatStacks } from '../../src/util/errors.js';

test('DrydockError formats file:line prefix', () => {
  const e = new DrydockError('PARSE', 'unknown instruction "COPPY"', { location: { file: 'Dockerfile', line: 7 } });
  assert.equal(e.format(), 'Dockerfile:7: unknown instruction "COPPY"');
  assert.equal(new DrydockError('USAGE', 'bad').format(), 'bad');
});

test('asDrydockError: a system error keeps its message and exits 1; a bug says so and exits 70', () => {
  const sys = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: 'ENOSPC' });
  const at = asDrydockError(sys, { location: { file: 'Dockerfile', line: 4 } });
  assert.equal(at.format(), 'Dockerfile:4: ENOSPC: no space left on device, write');
  assert.equal(at.exitCode, 1);
  assert.equal(at.cause, sys);
  const bug = asDrydockError(new TypeError("Cannot read properties of undefined (reading 'x')\nmore"), { what: 'exporting the image' });
  assert.equal(bug.format(), "exporting the image: internal error: TypeError: Cannot read properties of undefined (reading 'x') …");
  assert.equal(bug.exitCode, 70);
  assert.equal(asDrydockError('odd').message, 'internal error: odd');
});

test('asDrydockError: a DrydockError gains the step location it lacks, never loses its own', () => {
  const e = new DrydockError('EXEC', 'boom', { exitCode: 3 });
  const at = asDrydockError(e, { location: { file: 'Dockerfile', line: 2 } });
  assert.equal(at.format(), 'Dockerfile:2: boom');
  assert.equal(at.exitCode, 3);
  assert.equal(asDrydockError(at, { location: { file: 'Dockerfile', line: 9 } }), at);
  assert.equal(asDrydockError(e), e);
});

test('formatStacks shows the error and each cause', () => {
  const inner = new Error('inner');
  const text = formatStacks(new DrydockError('INTERNAL', 'outer', { cause: inner }));
  assert.match(text, /^DrydockError: outer\n\s+at /);
  assert.match(text, /\ncaused by: Error: inner\n\s+at /);
});
