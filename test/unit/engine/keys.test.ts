import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheKey, stableJSON, baseKey } from '../../../src/graph/index.js';

test('stableJSON sorts keys and drops undefined fields', () => {
  assert.equal(stableJSON({ b: 1, a: [1, { d: undefined, c: 'x' }] }), '{"a":[1,{"c":"x"}],"b":1}');
  assert.equal(stableJSON({ a: 1, b: undefined }), stableJSON({ a: 1 }));
});

test('cache keys change with parent, kind, op and inputs, and only with them', () => {
  const k = cacheKey('scratch', 'run', { args: ['a'] }, { x: '1' });
  assert.match(k, /^sha256:[0-9a-f]{64}$/);
  assert.equal(k, cacheKey('scratch', 'run', { args: ['a'] }, { x: '1' }));
  assert.notEqual(k, cacheKey(baseKey('sha256:' + '0'.repeat(64) as `sha256:${string}`), 'run', { args: ['a'] }, { x: '1' }));
  assert.notEqual(k, cacheKey('scratch', 'copy', { args: ['a'] }, { x: '1' }));
  assert.notEqual(k, cacheKey('scratch', 'run', { args: ['b'] }, { x: '1' }));
  assert.notEqual(k, cacheKey('scratch', 'run', { args: ['a'] }, { x: '2' }));
  // field order in the op does not matter
  assert.equal(cacheKey('scratch', 'run', { a: 1, b: 2 }), cacheKey('scratch', 'run', { b: 2, a: 1 }));
});
