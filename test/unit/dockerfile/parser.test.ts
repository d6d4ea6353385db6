import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpAST, parse } from '../../../src/dockerfile/parser/index.js';
import { isDrydockError } from '../../../src/util/errors.js';

const dump = (text: string): string => dumpAST(parse(text).nodes);

describe('parser: lines, continuations, comments', () => {
  const cases: Array<[string, string, string]> = [
    ['continuation', 'FROM a\nRUN echo \\\n  hi\n', '(from "a")\n(run "echo   hi")\n'],
    ['comment inside continuation', 'FROM a\nRUN echo \\\n# c\n  hi\n', '(from "a")\n(run "echo   hi")\n'],
    ['empty continuation line', 'FROM a\nRUN echo \\\n\n  hi\n', '(from "a")\n(run "echo   hi")\n'],
    ['CRLF', 'FROM a\r\nRUN echo \\\r\n hi\r\n', '(from "a")\n(run "echo  hi")\n'],
    ['BOM', '\ufeffFROM a\n', '(from "a")\n'],
    ['case-insensitive keywords', 'from a\nRuN x\n', '(from "a")\n(run "x")\n'],
    ['escape directive', '# escape=`\nFROM a\nRUN a `\n b\n', '(from "a")\n(run "a  b")\n'],
    ['exec form', 'FROM a\nCMD ["a", "b c"]\n', '(from "a")\n(cmd "a" "b c")\n'],
    ['bad JSON falls back to shell form', 'FROM a\nCMD ["a", b]\n', '(from "a")\n(cmd "[\\"a\\", b]")\n'],
    ['flags', 'FROM a\nCOPY --from=x --chown="a b" s d\n', '(from "a")\n(copy ["--from=x" "--chown=a b"] "s" "d")\n'],
    ['onbuild', 'FROM a\nONBUILD RUN x\n', '(from "a")\n(onbuild (run "x"))\n'],
    ['env forms', 'FROM a\nENV A B C\nENV A=1 B="2 3"\n', '(from "a")\n(env "A" "B C" "")\n(env "A" "1" "=" "B" "\\"2 3\\"" "=")\n'],
    ['arg forms', 'FROM a\nARG A B=1\n', '(from "a")\n(arg "A" "B=1")\n'],
    ['healthcheck', 'FROM a\nHEALTHCHECK --retries=3 CMD ["x"]\n', '(from "a")\n(healthcheck ["--retries=3"] "CMD" "x")\n'],
  ];
  for (const [name, input, want] of cases) it(name, () => assert.equal(dump(input), want));

  it('keeps start and end lines', () => {
    const { nodes } = parse('FROM a\n\nRUN a \\\n b \\\n c\nCOPY <<EOF /x\nhi\nEOF\n');
    assert.deepEqual(nodes.map((n) => [n.startLine, n.endLine]), [[1, 1], [3, 5], [6, 8]]);
  });

  it('keeps comments directly above an instruction', () => {
    const { nodes } = parse('# syntax=docker/dockerfile:1\n# about a\nFROM a\n');
    assert.deepEqual(nodes[0]!.comments, ['about a']);
  });

  it('warns about empty continuation lines', () => {
    const { warnings } = parse('FROM a\nRUN a \\\n\n b\n');
    assert.deepEqual(warnings.map((w) => [w.rule, w.line]), [['NoEmptyContinuation', 4]]);
  });
});

describe('parser: directives', () => {
  it('reads syntax, escape and check at the top only', () => {
    const res = parse('# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\nFROM a\n# escape=\\\n');
    assert.deepEqual(res.directives.map((d) => [d.name, d.value, d.line]), [['syntax', 'docker/dockerfile:1', 1], ['escape', '`', 2], ['check', 'skip=all', 3]]);
    assert.equal(res.escapeToken, '`');
  });
  it('stops at the first non-directive line', () => {
    const res = parse('# hello\n# escape=`\nFROM a\n');
    assert.equal(res.escapeToken, '\\');
    assert.deepEqual(res.directives, []);
  });
  it('rejects a repeated directive and a bad escape token', () => {
    assert.throws(() => parse('# escape=`\n# escape=`\nFROM a\n'), /only one escape parser directive can be used/);
    assert.throws(() => parse('# escape=x\nFROM a\n'), /invalid escape token 'x'/);
  });
});

describe('parser: heredocs', () => {
  it('attaches bodies, several on one line, in order', () => {
    const { nodes } = parse('FROM a\nRUN <<A cat - <<B\none\nA\ntwo\nB\nRUN x\n');
    const run = nodes[1]!;
    assert.deepEqual(run.heredocs.map((h) => [h.name, h.content, h.expand]), [['A', 'one\n', true], ['B', 'two\n', true]]);
    assert.equal(nodes[2]!.startLine, 7);
  });
  it('quoted delimiters disable expansion; <<- strips tabs before the delimiter', () => {
    const { nodes } = parse('FROM a\nCOPY <<"EOF" /x\n$A\nEOF\nRUN <<-EOT\n\tx\n\tEOT\n');
    assert.equal(nodes[1]!.heredocs[0]!.expand, false);
    assert.deepEqual([nodes[2]!.heredocs[0]!.chomp, nodes[2]!.heredocs[0]!.content], [true, '\tx\n']);
  });
  it('ignores heredocs in exec form and in other instructions', () => {
    const { nodes } = parse('FROM a\nRUN ["cat", "<<EOF"]\nLABEL a=<<EOF\n');
    assert.deepEqual(nodes.map((n) => n.heredocs.length), [0, 0, 0]);
  });
  it('works in ONBUILD', () => {
    const { nodes } = parse('FROM a\nONBUILD RUN <<EOF\nhi\nEOF\n');
    assert.equal(nodes[1]!.heredocs[0]!.content, 'hi\n');
  });
  it('rejects an unterminated heredoc with its line', () => {
    assert.throws(() => parse('FROM a\nRUN <<EOF\nhi\n'), (e) => isDrydockError(e) && e.format() === 'Dockerfile:2: unterminated heredoc');
  });
});

describe('parser: errors', () => {
  const cases: Array<[string, string, string]> = [
    ['empty file', '', 'the Dockerfile (Dockerfile) cannot be empty'],
    ['only comments', '# a\n', 'Dockerfile:1: file with no instructions'],
    ['ENV without value', 'FROM a\nENV X\n', 'Dockerfile:2: ENV must have two arguments'],
    ['LABEL pair without =', 'FROM a\nLABEL a=b c\n', 'Dockerfile:2: Syntax error - can\'t find = in "c". Must be of the form: name=value'],
    ['JSON with non-strings', 'FROM a\nCMD ["a", 1]\n', 'Dockerfile:2: when using JSON array syntax, arrays must be comprised of strings only'],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => assert.throws(() => parse(input), (e) => isDrydockError(e) && e.format() === want));
  }
});
