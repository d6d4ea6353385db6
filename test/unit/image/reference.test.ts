import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReference } from '../../../src/image/reference.js';
import { DrydockError } from '../../../src/util/errors.js';

const HEX = 'a'.repeat(64);

// [input, normalised, familiar]
const cases: Array<[string, string, string]> = [
  ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
  ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
  ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
  ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
  ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
  ['foo/bar', 'docker.io/foo/bar:latest', 'foo/bar:latest'],
  ['docker.io/library/a/b', 'docker.io/library/a/b:latest', 'library/a/b:latest'],
  ['localhost/x', 'localhost/x:latest', 'localhost/x:latest'],
  ['localhost:5000/x', 'localhost:5000/x:latest', 'localhost:5000/x:latest'],
  ['127.0.0.1:5000/a/b:t', '127.0.0.1:5000/a/b:t', '127.0.0.1:5000/a/b:t'],
  ['Example.com/a', 'Example.com/a:latest', 'Example.com/a:latest'],
  ['[::1]:5000/img:v1', '[::1]:5000/img:v1', '[::1]:5000/img:v1'],
  [`x@sha256:${HEX}`, `docker.io/library/x@sha256:${HEX}`, `x@sha256:${HEX}`],
  [`x:t@sha256:${HEX}`, `docker.io/library/x:t@sha256:${HEX}`, `x:t@sha256:${HEX}`],
  ['a__b/c--d.e_f', 'docker.io/a__b/c--d.e_f:latest', 'a__b/c--d.e_f:latest'],
];

test('parseReference normalises like docker', () => {
  for (const [input, full, familiar] of cases) {
    const r = parseReference(input);
    assert.equal(r.toString(), full, input);
    assert.equal(r.familiar(), familiar, input);
  }
  const r = parseReference('127.0.0.1:5000/a/b:t');
  assert.equal(r.domain, '127.0.0.1:5000');
  assert.equal(r.path, 'a/b');
  assert.equal(r.tag, 't');
  assert.equal(r.repository, '127.0.0.1:5000/a/b');
});

test('parseReference without a default tag', () => {
  assert.equal(parseReference('busybox', { defaultTag: false }).tag, undefined);
  assert.equal(parseReference('busybox', { defaultTag: false }).toString(), 'docker.io/library/busybox');
});

test('parseReference rejects invalid references', () => {
  const bad = ['', 'Busybox', 'foo/Bar', 'a:b:c', '-x', 'x-', 'a//b', 'a/', 'x:', `x@sha256:${'A'.repeat(3)}`, HEX,
    `x@sha512:${'a'.repeat(128)}`, `x:${'t'.repeat(129)}`, `${'a'.repeat(256)}`, 'a..b', 'a b', 'x@', 'a___b'];
  for (const s of bad) {
    assert.throws(() => parseReference(s), (e: unknown) => e instanceof DrydockError && e.code === 'USAGE', s);
  }
});
