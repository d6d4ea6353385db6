/** The subordinate range lookup (shadow's format) and how a namespace's id maps are described. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findRange } from '../../../src/rootless/subid.js';
import { describeMap, idMapped } from '../../../src/rootless/env.js';

test('findRange: by name or uid, the first valid line, comments and junk ignored', () => {
  const text = '# comment\nbob:100000:65536\n\nalice:x:1\nalice:200000:0\nalice:300000:65536\n1001:400000:1000\n';
  assert.deepEqual(findRange(text, { name: 'alice', id: 1000 }), { start: 300000, count: 65536 });
  assert.deepEqual(findRange(text, { name: 'bob', id: 1 }), { start: 100000, count: 65536 });
  assert.deepEqual(findRange(text, { name: 'carol', id: 1001 }), { start: 400000, count: 1000 });
  assert.equal(findRange(text, { name: 'dave', id: 7 }), undefined);
  assert.equal(findRange('', { name: 'alice', id: 1000 }), undefined);
});

test('describeMap / idMapped: the user as 0 and the range after it read as one span', () => {
  const maps = [{ inside: 0, outside: 1000, count: 1 }, { inside: 1, outside: 100000, count: 65536 }];
  assert.equal(describeMap(maps), '0-65536');
  assert.ok(idMapped(maps, 0) && idMapped(maps, 65536));
  assert.ok(!idMapped(maps, 65537));
  assert.equal(describeMap([{ inside: 0, outside: 1000, count: 1 }, { inside: 10, outside: 5000, count: 5 }]), '0-0,10-14');
});
