// Word splitting (processWords), as used by EXPOSE and heredoc detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellLex } from '../../../src/dockerfile/shell/index.js';

const lex = new ShellLex();

test('splits on unquoted whitespace, including a variable\'s own whitespace', () => {
  const env = { PORTS: ' 80/tcp\t 443 ' };
  assert.deepEqual(lex.processWords('  a \t b  ', env), ['a', 'b']);
  assert.deepEqual(lex.processWords('$PORTS 8080', env), ['80/tcp', '443', '8080']);
  assert.deepEqual(lex.processWords('"$PORTS" x', env), [' 80/tcp\t 443 ', 'x']);
  assert.deepEqual(lex.processWords('a\\ b c', env), ['a b', 'c']);
});

test('empty quoted words are dropped', () => {
  assert.deepEqual(lex.processWords('"" a \'\'', {}), ['a']);
  assert.deepEqual(lex.processWords('', {}), []);
});

test('a nested ${} restarts the shared word buffer, as BuildKit does', () => {
  // BuildKit loses the text before a ${VAR:-...} from the split words (not from processWord).
  assert.deepEqual(lex.processWords('a${X:-b}c d', {}), ['bc', 'd']);
  assert.equal(lex.processWord('a${X:-b}c d', {}), 'abc d');
  assert.deepEqual(lex.processWords('a${X}c', {}), ['ac']);
});

test('<< and the blanks after it stay with the heredoc word', () => {
  assert.deepEqual(lex.processWords('cat << EOF > file', {}), ['cat', '<< EOF', '>', 'file']);
  assert.deepEqual(lex.processWords('a<b <<-"E"', {}), ['a<b', '<<-E']);
});

test('unicode whitespace splits like Go\'s unicode.IsSpace', () => {
  assert.deepEqual(lex.processWords('a\u00a0b\u3000c\u0085d', {}), ['a', 'b', 'c', 'd']);
  assert.deepEqual(lex.processWords('a\u200bb', {}), ['a\u200bb']);
});
