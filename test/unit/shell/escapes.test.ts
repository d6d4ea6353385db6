// Quotes and the escape token (`\` by default, or ` after `# escape=``).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellLex } from '../../../src/dockerfile/shell/index.js';

const env = { PWD: '/home' };

test('backslash escapes outside quotes, and only " $ \\ inside double quotes', () => {
  const lex = new ShellLex();
  assert.equal(lex.processWord('a\\ b\\$PWD\\"', env), 'a b$PWD"');
  assert.equal(lex.processWord('"a\\tb\\"c\\$PWD\\\\"', env), 'a\\tb"c$PWD\\');
  assert.equal(lex.processWord("'a\\tb\\'", env), 'a\\tb\\');
  assert.equal(lex.processWord('end\\', env), 'end');
});

test('backtick escape token: backslash is an ordinary character', () => {
  const lex = new ShellLex('`');
  assert.equal(lex.escapeToken, '`');
  assert.equal(lex.processWord('C:\\path\\$PWD', env), 'C:\\path\\/home');
  assert.equal(lex.processWord('a` b`$PWD', env), 'a b$PWD');
  assert.equal(lex.processWord('"x`"y`$PWD``z\\"', env), 'x"y$PWD`z\\');
  assert.equal(lex.processWord('end`', env), 'end');
  assert.deepEqual(lex.processWords('c:\\a` b c', env), ['c:\\a b', 'c']);
});

test('quotes are removed and keep their content literal', () => {
  const lex = new ShellLex();
  assert.equal(lex.processWord(`'$PWD'"$PWD"'"'"'"`, env), `$PWD/home"'`);
  assert.equal(lex.processWord('안\'녕\'"하"세요', env), '안녕하세요');
});

test('a leading byte-order mark is ignored, as Go\'s scanner does', () => {
  assert.equal(new ShellLex().processWord('\uFEFF$PWD', env), '/home');
});

test('an escaped } or / inside ${} does not end it', () => {
  const lex = new ShellLex();
  assert.equal(lex.processWord('${X:-a\\}b}', {}), 'a}b');
  assert.equal(lex.processWord('${X:-a\\${PWD}}', env), 'a${PWD}');
});
