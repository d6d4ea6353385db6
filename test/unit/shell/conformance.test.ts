// BuildKit's own data-driven lexer tests (test/fixtures/buildkit-shell), line by line.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellLex } from '../../../src/dockerfile/shell/index.js';
import { DrydockError } from '../../../src/util/errors.js';
import { readShellFixture } from './fixtures.js';

const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n');

describe('envVarTest (BuildKit 73ed6825)', () => {
  const lex = new ShellLex('\\');
  const env = ['PWD=/home', 'SHELL=bash', 'KOREAN=한국어', 'NULL='];
  let count = 0;
  lines(readShellFixture('envVarTest')).forEach((raw, i) => {
    if (raw.startsWith('#') || raw.trim() === '') return;
    const fields = raw.trim().split('|');
    assert.equal(fields.length, 3, `envVarTest:${i + 1} must have 3 fields`);
    const [platform, input, expected] = fields.map((f) => f.trim()) as [string, string, string];
    assert.ok(['A', 'U', 'W'].includes(platform), `envVarTest:${i + 1} bad platform ${platform}`);
    if (platform === 'W') return;
    count++;
    test(`line ${i + 1}: ${input}`, () => {
      if (expected === 'error') {
        assert.throws(() => lex.processWord(input, env), (e) => e instanceof DrydockError && e.code === 'EXPAND');
      } else {
        assert.equal(lex.processWord(input, env), expected);
      }
    });
  });
  test('the file has its cases', () => assert.ok(count > 200, `only ${count} A/U lines`));
});

describe('wordsTest (BuildKit 73ed6825)', () => {
  const lex = new ShellLex('\\');
  const env: string[] = [];
  let count = 0;
  lines(readShellFixture('wordsTest')).forEach((raw, i) => {
    if (raw.startsWith('#')) return;
    if (raw.startsWith('ENV ')) {
      env.push(raw.slice(3).replace(/^ +/, ''));
      return;
    }
    const fields = raw.split('|');
    assert.equal(fields.length, 2, `wordsTest:${i + 1} must have exactly one |`);
    const input = fields[0]!.trim();
    const expected = fields[1]!.replace(/^ +/, '').split(',');
    const envNow = [...env];
    count++;
    test(`line ${i + 1}: ${input}`, () => {
      let words: string[];
      try {
        words = lex.processWords(input, envNow);
      } catch (e) {
        assert.ok(e instanceof DrydockError && e.code === 'EXPAND', String(e));
        words = ['error'];
      }
      assert.deepEqual(words, expected);
    });
  });
  test('the file has its cases', () => assert.ok(count > 20, `only ${count} lines`));
});
