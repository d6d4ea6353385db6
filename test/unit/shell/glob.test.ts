// Shell patterns of ${VAR#pat} / ${VAR%pat} / ${VAR/pat/repl}, matched as Go's regexp would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  expandTemplate, replaceAll, replaceFirst, reversePattern, shellPatternToRegExp, trimPrefix, trimSuffix,
} from '../../../src/dockerfile/shell/glob.js';
import { LexFailure } from '../../../src/dockerfile/shell/errors.js';

test('wildcards and literal characters', () => {
  const re = (p: string) => shellPatternToRegExp(p, true, true);
  assert.ok(re('*').test('anything'));
  assert.ok(re('?').test('😀'));
  assert.ok(!re('?').test(''));
  assert.ok(re('\\*').test('*x'));
  assert.ok(!re('\\*').test('x'));
  assert.ok(re('(()[]{\\}^$.\\*\\?|\\\\').test('(()[]{}^$.*?|\\'));
  assert.ok(!re('a.c').test('abc'), '. is literal');
  assert.ok(!re('a*c').test('a\nc'), '* does not cross a newline (Go regexp)');
  assert.ok(re('a*c').test('a\rc'), 'but does cross \\r');
});

test('invalid escapes are rejected', () => {
  for (const p of ['\\', '\\x', '\\\\\\']) assert.throws(() => shellPatternToRegExp(p, true, true), LexFailure, p);
});

test('reversePattern keeps escapes in front of their character', () => {
  assert.equal(reversePattern('a\\*c'), 'c\\*a');
  assert.equal(reversePattern('\\\\\\ab'), 'b\\a\\\\');
  assert.equal(reversePattern('ab\\'), '\\ba');
  assert.equal(reversePattern('👽\\🚀🖖'), '🖖\\🚀👽');
});

test('trimming shortest and longest matches', () => {
  assert.equal(trimPrefix('*/', 'a/b/c', false), 'b/c');
  assert.equal(trimPrefix('*/', 'a/b/c', true), 'c');
  assert.equal(trimSuffix('/*', 'a/b/c', false), 'a/b');
  assert.equal(trimSuffix('/*', 'a/b/c', true), 'a');
  assert.equal(trimSuffix('x', 'abc', true), 'abc');
});

test('replacement follows Go: literal for the first match, templated for all', () => {
  assert.equal(replaceFirst('foo', 'o', '<$0>'), 'f<$0>o');
  assert.equal(replaceAll('foo', 'o', '<$0>'), 'f<o><o>');
  assert.equal(replaceAll('abc', '*', '-'), '-');
  assert.equal(replaceAll('', '*', '-'), '-');
  assert.equal(replaceAll('ab', '', '-'), '-a-b-');
  assert.equal(replaceAll('a😀b', '?', '.'), '...');
});

test('expandTemplate: $$, $0, ${0}, unknown names and malformed references', () => {
  assert.equal(expandTemplate('$$|$0|${0}|$1|${x}|$|${|${0|$-', 'M'), '$|M|M|||$|${|${0|$-');
  assert.equal(expandTemplate('$00|$0a', 'M'), '|');
});
