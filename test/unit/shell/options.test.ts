// The lexer options the parser uses, and the accepted environment shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellLex } from '../../../src/dockerfile/shell/index.js';

test('rawQuotes keeps quote characters', () => {
  const lex = new ShellLex('\\', { rawQuotes: true });
  assert.equal(lex.processWord(`'$A'"$A"`, { A: 'x' }), `'$A'"x"`);
  assert.deepEqual(lex.processWords('<<"EOF" x', {}), ['<<"EOF"', 'x']);
});

test('rawEscapes keeps escape tokens', () => {
  const lex = new ShellLex('\\', { rawEscapes: true });
  assert.equal(lex.processWord('a\\ b"\\$A"', { A: 'x' }), 'a\\ b\\$A');
  // Inside ${VAR-word} escapes are processed anyway, as in BuildKit.
  assert.equal(lex.processWord('${U:-a\\ b}', {}), 'a b');
});

test('skipUnsetEnv leaves references to unset variables as written', () => {
  const lex = new ShellLex('\\', { skipUnsetEnv: true });
  const env = { SET: 'v' };
  assert.equal(lex.processWord('$SET $U ${U} ${U:-d} ${U#p} ${SET:-d}', env), 'v $U ${U} ${U:-d} ${U#p} v');
  assert.equal(lex.processWord('${U//a/b}', env), '${U/a/b}'); // BuildKit drops the second '/'
  const r = lex.processWordWithMatches('$SET$U', env);
  assert.deepEqual([...r.matched], ['SET']);
  assert.deepEqual([...r.unmatched], ['U']);
});

test('skipProcessQuotes treats quotes as ordinary characters', () => {
  const lex = new ShellLex('\\', { skipProcessQuotes: true });
  assert.equal(lex.processWord(`'$A' "b`, { A: 'x' }), `'x' "b`);
});

test('withOptions derives a lexer and leaves the original alone', () => {
  const base = new ShellLex('`');
  const raw = base.withOptions({ rawQuotes: true });
  assert.equal(raw.escapeToken, '`');
  assert.equal(raw.processWord('"a"', {}), '"a"');
  assert.equal(base.processWord('"a"', {}), 'a');
});

test('environment as Map, record or K=V list (last wins, bare K is empty)', () => {
  const lex = new ShellLex();
  const word = '${A}|${B-unset}|${C-unset}';
  assert.equal(lex.processWord(word, new Map([['A', '1'], ['B', '']])), '1||unset');
  assert.equal(lex.processWord(word, { A: '1', B: '' }), '1||unset');
  assert.equal(lex.processWord(word, ['A=0', 'A=1', 'B']), '1||unset');
});

test('record environments ignore inherited properties', () => {
  const r = new ShellLex().processWordWithMatches('${constructor-none}${toString-none}', {});
  assert.equal(r.result, 'nonenone');
  assert.deepEqual([...r.unmatched].sort(), ['constructor', 'toString']);
});

test('values may contain = and unicode', () => {
  assert.equal(new ShellLex().processWord('$K', ['K=a=b=한']), 'a=b=한');
});
