import { test } from 'node:test';
import assert from 'node:assert/strict';
import { append } from '../../../src/snapshot/changes.js';

test('append takes more items than a call has room for arguments (a directory of 300,000 changes)', () => {
  const out = [0];
  append(out, new Array<number>(300_000).fill(1));
  assert.equal(out.length, 300_001);
});
