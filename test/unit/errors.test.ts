import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DrydockError } from '../../src/util/errors.js';

test('DrydockError formats file:line prefix', () => {
  const e = new DrydockError('PARSE', 'unknown instruction "COPPY"', { location: { file: 'Dockerfile', line: 7 } });
  assert.equal(e.format(), 'Dockerfile:7: unknown instruction "COPPY"');
  assert.equal(new DrydockError('USAGE', 'bad').format(), 'bad');
});
