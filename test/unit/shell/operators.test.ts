// Each ${...} operator, with the matched/unmatched names it reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellLex } from '../../../src/dockerfile/shell/index.js';

interface Case {
  input: string;
  env: Record<string, string>;
  expected: string;
  matched?: string[];
  unmatched?: string[];
}

const cases: Case[] = [
  { input: 'x', env: { DUMMY: 'd' }, expected: 'x' },
  { input: 'x ${UNUSED}', env: {}, expected: 'x ', unmatched: ['UNUSED'] },
  { input: '$FOO/${FOO}', env: { FOO: 'y' }, expected: 'y/y', matched: ['FOO'] },
  // - and :- (default)
  { input: '${FOO-a}|${BAR-b}|${BAZ-c}', env: { FOO: 'x', BAR: '' }, expected: 'x||c', matched: ['FOO', 'BAR'], unmatched: ['BAZ'] },
  { input: '${FOO:-a}|${BAR:-b}|${BAZ:-c}', env: { FOO: 'x', BAR: '' }, expected: 'x|b|c', matched: ['FOO', 'BAR'], unmatched: ['BAZ'] },
  { input: '${A:-${B:-${C}}}', env: { C: 'deep' }, expected: 'deep', matched: ['C'], unmatched: ['A', 'B'] },
  // + and :+ (alternative)
  { input: '${FOO+a}|${BAR+b}|${BAZ+c}', env: { FOO: 'x', BAR: '' }, expected: 'a|b|', matched: ['FOO', 'BAR'], unmatched: ['BAZ'] },
  { input: '${FOO:+a}|${BAR:+b}|${BAZ:+c}', env: { FOO: 'x', BAR: '' }, expected: 'a||', matched: ['FOO', 'BAR'], unmatched: ['BAZ'] },
  { input: 'v${VARIANT:+-${VARIANT}}.tgz', env: { VARIANT: 'v7' }, expected: 'v-v7.tgz', matched: ['VARIANT'] },
  { input: 'v${VARIANT:+-${VARIANT}}.tgz', env: { VARIANT: '' }, expected: 'v.tgz', matched: ['VARIANT'] },
  // ? and :? when they do not fail
  { input: '${FOO?msg}', env: { FOO: 'x' }, expected: 'x', matched: ['FOO'] },
  { input: '${BAR?msg}', env: { BAR: '' }, expected: '', matched: ['BAR'] },
  { input: '${FOO:?msg}', env: { FOO: 'x' }, expected: 'x', matched: ['FOO'] },
  // # and ## (prefix), % and %% (suffix)
  { input: '${FOO#*x*y}', env: { FOO: 'xxyy' }, expected: 'y', matched: ['FOO'] },
  { input: '${FOO#*}', env: { FOO: 'xxyy' }, expected: 'xxyy', matched: ['FOO'] },
  { input: '${FOO##*x}', env: { FOO: 'xxyy' }, expected: 'yy', matched: ['FOO'] },
  { input: '${FOO#}|${FOO##}|${FOO%}|${FOO%%}', env: { FOO: 'ab' }, expected: 'ab|ab|ab|ab', matched: ['FOO'] },
  { input: '${FOO#?\\?}', env: { FOO: '???y' }, expected: '?y', matched: ['FOO'] },
  { input: '${FOO#$BAR}', env: { FOO: 'xxyy', BAR: 'x' }, expected: 'xyy', matched: ['FOO', 'BAR'] },
  { input: '${FOO%.*}|${FOO%%.*}', env: { FOO: 'a.tar.gz' }, expected: 'a.tar|a', matched: ['FOO'] },
  { input: '${FOO##*/}|${FOO#*/}', env: { FOO: '/usr/local/bin' }, expected: 'bin|usr/local/bin', matched: ['FOO'] },
  { input: '${FOO%%\\**\\*}', env: { FOO: 'a***yy*' }, expected: 'a', matched: ['FOO'] },
  { input: '${FOO#()[]{\\}^$.\\*\\?|\\\\}', env: { FOO: '()[]{}^$.*?|\\x' }, expected: 'x', matched: ['FOO'] },
  { input: '${FOO#[ab]}', env: { FOO: 'a[ab]' }, expected: 'a[ab]', matched: ['FOO'] }, // no bracket expressions
  { input: '${ABC:-.}${FOO%x}', env: { FOO: 'xxyy' }, expected: '.xxyy', matched: ['FOO'], unmatched: ['ABC'] },
  { input: '${K#한}', env: { K: '한국어' }, expected: '국어', matched: ['K'] },
  { input: '${E%?}', env: { E: 'a😀' }, expected: 'a', matched: ['E'] },
  // / and // (substitution)
  { input: '${F/$N/.} - ${F//$N/.}', env: { F: '/foo*/*/*.txt', N: '\\*/' }, expected: '/foo.*/*.txt - /foo..*.txt', matched: ['F', 'N'] },
  { input: '${F/\\/tmp/} - ${F//\\/tmp/}', env: { F: '/tmp/tmp/bar.txt' }, expected: '/tmp/bar.txt - /bar.txt', matched: ['F'] },
  { input: '${F/http:\\/\\//https:\\/\\/}', env: { F: 'http://x.de' }, expected: 'https:\\/\\/x.de', matched: ['F'] },
  { input: '${F//\\//\\/}', env: { F: '/tmp/foo.txt' }, expected: '\\/tmp\\/foo.txt', matched: ['F'] },
  { input: '${F/o*/0}|${F//?/-}', env: { F: 'foo' }, expected: 'f0|---', matched: ['F'] },
  { input: '${F/$B/ww}', env: { F: 'xxyy', B: '' }, expected: 'wwxxyy', matched: ['F', 'B'] },
  { input: '${F///}', env: { F: 'xxyy' }, expected: 'xxyy', matched: ['F'] },
  { input: '${F///}', env: {}, expected: '', unmatched: ['F'] },
  // Go's ReplaceAllString: `\$0` keeps the backslash and puts back the match; no double
  // replacement for an empty match right after a match.
  { input: '${F//o/[\\$0]}', env: { F: 'foo' }, expected: 'f[\\o][\\o]', matched: ['F'] },
  { input: '${F/o/[\\$0]}', env: { F: 'foo' }, expected: 'f[\\$0]o', matched: ['F'] },
  { input: '${F//*/R}', env: { F: 'abc' }, expected: 'R', matched: ['F'] },
  { input: '${F//x*/-}', env: { F: 'axxb' }, expected: 'a-', matched: ['F'] },
  { input: '${F//*/R}', env: { F: '' }, expected: 'R', matched: ['F'] },
];

const lex = new ShellLex();
for (const c of cases) {
  test(`${c.input} with ${JSON.stringify(c.env)}`, () => {
    const r = lex.processWordWithMatches(c.input, c.env);
    assert.equal(r.result, c.expected);
    assert.deepEqual([...r.matched].sort(), [...(c.matched ?? [])].sort(), 'matched');
    assert.deepEqual([...r.unmatched].sort(), [...(c.unmatched ?? [])].sort(), 'unmatched');
    assert.equal(lex.processWord(c.input, c.env), c.expected);
  });
}

test('special and positional parameters are never set', () => {
  const r = lex.processWordWithMatches('$1|${10}|$@|$#|$?|$$|$!|$0|$-|$*|$12ab', {});
  assert.equal(r.result, '||||||||||ab');
  assert.deepEqual([...r.unmatched].sort(), ['!', '#', '$', '*', '-', '0', '1', '10', '12', '?', '@']);
});

test('a $ that starts no name is literal', () => {
  assert.equal(lex.processWord('$.|a$|$ b|$/', {}), '$.|a$|$ b|$/');
});
