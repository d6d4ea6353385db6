// Expansion failures: always DrydockError('EXPAND') with BuildKit's wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellLex } from '../../../src/dockerfile/shell/index.js';
import { DrydockError } from '../../../src/util/errors.js';

const lex = new ShellLex();
const env = { SET: 'x', EMPTY: '', ARG: 'x' };

const failures: Array<[string, string]> = [
  ['${UNSET?}', 'failed to process "${UNSET?}": UNSET: is not allowed to be unset'],
  ['${UNSET:?}', 'failed to process "${UNSET:?}": UNSET: is not allowed to be unset'],
  ['${EMPTY:?}', 'failed to process "${EMPTY:?}": EMPTY: is not allowed to be empty'],
  ['${EMPTY:?message here$ARG}', 'failed to process "${EMPTY:?message here$ARG}": EMPTY: message herex'],
  ['${UNSET?message here$ARG}', 'failed to process "${UNSET?message here$ARG}": UNSET: message herex'],
  ['a${SET', `failed to process "a\${SET": syntax error: missing '}'`],
  ['${', `failed to process "\${": syntax error: missing '}'`],
  ['${SET:-x', `failed to process "\${SET:-x": syntax error: missing '}'`],
  ['${SET:-${UNSET?no}', `failed to process "\${SET:-\${UNSET?no}": syntax error: missing '}'`],
  ['${SET/a', `failed to process "\${SET/a": syntax error: missing '/' in \${}`],
  ['${SET/a/b', `failed to process "\${SET/a/b": syntax error: missing '}'`],
  ['${}', 'failed to process "${}": syntax error: bad substitution'],
  ['${:-x}', 'failed to process "${:-x}": syntax error: bad substitution'],
  ['${{SET}', 'failed to process "${{SET}": syntax error: bad substitution'],
  ['${.}', 'failed to process "${.}": unsupported modifier (.) in substitution'],
  ['${SET=x}', 'failed to process "${SET=x}": unsupported modifier (=) in substitution'],
  ['${SET:=x}', 'failed to process "${SET:=x}": unsupported modifier (:=) in substitution'],
  ['${SET:#x}', 'failed to process "${SET:#x}": unsupported modifier (:#) in substitution'],
  ['${SET:%%x}', 'failed to process "${SET:%%x}": unsupported modifier (:%) in substitution'],
  ['${SET#\\x}', 'failed to process "${SET#\\\\x}": invalid pattern (\\x) in substitution: invalid escape \'\\x\''],
  ["it's", 'failed to process "it\'s": unexpected end of statement while looking for matching single-quote'],
  ['"open', 'failed to process "\\"open": unexpected end of statement while looking for matching double-quote'],
  ['"tab\there', 'failed to process "\\"tab\\there": unexpected end of statement while looking for matching double-quote'],
];

for (const [input, message] of failures) {
  test(`${input} fails`, () => {
    assert.throws(() => lex.processWord(input, env), (e: unknown) => {
      assert.ok(e instanceof DrydockError);
      assert.equal(e.code, 'EXPAND');
      assert.equal(e.message, message);
      return true;
    });
    assert.throws(() => lex.processWords(input, env), DrydockError);
    assert.throws(() => lex.processWordWithMatches(input, env), DrydockError);
  });
}

test('an invalid pattern that comes from a variable is reported', () => {
  assert.throws(() => lex.processWord('${SET#$P}', { SET: 'x', P: 'a\\' }), /invalid pattern \(a\\\) in substitution/);
  assert.throws(() => lex.processWord('${SET%$P}', { SET: 'x', P: 'a\\' }), /invalid pattern \(\\a\) in substitution: invalid escape '\\a'/);
});
