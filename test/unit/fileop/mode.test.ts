import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChmod, applyChmod } from '../../../src/fileop/index.js';

// [mode spec, source mode, is directory, expected] — chmod(1) semantics with umask 0
const table: Array<[string, number, boolean, number]> = [
  ['0644', 0o600, false, 0o644],
  ['777', 0o600, false, 0o777],
  ['0', 0o755, false, 0o000],
  ['4755', 0o644, false, 0o4755],
  ['u+x', 0o644, false, 0o744],
  ['g-w', 0o664, false, 0o644],
  ['go-w', 0o666, false, 0o644],
  ['a+X', 0o644, false, 0o644],
  ['a+X', 0o744, false, 0o755],
  ['a+X', 0o600, true, 0o711],
  ['u=rw,g=r,o=r', 0o777, false, 0o644],
  ['u+rw,g+r,o-x,o+w', 0o001, false, 0o642],
  ['go=', 0o777, false, 0o700],
  ['=r', 0o777, false, 0o444],
  ['+x', 0o644, false, 0o755],
  ['go=u', 0o640, false, 0o666],
  ['u+s', 0o755, false, 0o4755],
  ['o+s', 0o755, false, 0o755],
  ['+t', 0o755, true, 0o1755],
  ['a-rwx', 0o777, false, 0o000],
];

test('--chmod: octal and symbolic modes', () => {
  for (const [spec, src, isDir, want] of table) {
    const got = applyChmod(parseChmod(spec), src, isDir);
    assert.equal(got.toString(8), want.toString(8), `${spec} on ${src.toString(8)}${isDir ? ' (dir)' : ''}`);
  }
  assert.equal(applyChmod(undefined, 0o100755, false), 0o755);
});

test('--chmod: invalid values give BuildKit errors', () => {
  assert.throws(() => parseChmod('64a'), { message: "invalid chmod parameter: '64a'. it should be octal string and between 0 and 07777" });
  assert.throws(() => parseChmod('10000'), { message: "invalid chmod parameter: '10000'. it should be octal string and between 0 and 07777" });
  assert.throws(() => parseChmod('8'), /it should be octal string/);
  assert.throws(() => parseChmod('u+q'), /invalid syntax/);
  assert.throws(() => parseChmod('z+x'), /invalid syntax/);
  assert.throws(() => parseChmod('u'), /invalid syntax/);
});
