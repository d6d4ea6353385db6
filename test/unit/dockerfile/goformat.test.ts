/** goQuote: Go's strconv.Quote, byte for byte (image history strings depend on it). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goQuote, goQuoteSlice } from '../../../src/dockerfile/util/goformat.js';

test('goQuote quotes as Go strconv.Quote does', () => {
  assert.equal(goQuote('/usr/local/bin/hello'), '"/usr/local/bin/hello"');
  assert.equal(goQuote(' !#$%&\'()*+,-./09:;<=>?@AZ[]^_`az{|}~'), '" !#$%&\'()*+,-./09:;<=>?@AZ[]^_`az{|}~"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('\x07\b\f\n\r\t\v'), '"\\a\\b\\f\\n\\r\\t\\v"');
  assert.equal(goQuote('\x00\x1b\x7f'), '"\\x00\\x1b\\x7f"');
  assert.equal(goQuote('héllo wörld ✓'), '"héllo wörld ✓"');
  assert.equal(goQuote('\u00a0\u200b'), '"\\u00a0\\u200b"');
  assert.equal(goQuote('\ud800'), '"\\ufffd"');
  assert.equal(goQuote('😀'), '"😀"');
  assert.equal(goQuoteSlice(['a', 'b c']), '["a" "b c"]');
});
