import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOnly, enforceChecks, formatCheck, formatJson, formatText, lint } from '../../../src/lint/index.js';
import { DrydockError } from '../../../src/util/errors.js';
import { excerpt } from '../../../src/lint/format.js';

const text = '\nfrOM scratch as base\ncOpy Dockerfile .\n';

describe('lint output', () => {
  it('text: file:line: severity: Rule: message (url), then a summary', async () => {
    const res = await lint({ dockerfileText: text, root: false });
    assert.equal(formatText(res), [
      "Dockerfile:2: warning: ConsistentInstructionCasing: Command 'frOM' should match the case of the command majority (uppercase) (https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/)",
      "Dockerfile:3: warning: ConsistentInstructionCasing: Command 'cOpy' should match the case of the command majority (uppercase) (https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/)",
      '2 findings: 2 warnings',
      '',
    ].join('\n'));
    const clean = await lint({ dockerfileText: 'FROM scratch\n', root: false });
    assert.equal(formatText(clean), 'no findings\n');
  });
  it('json: {findings:[{rule, severity, message, file, line, url}]}', async () => {
    const res = await lint({ dockerfileText: '# check=error=true\nFROM scratch\nCMD echo hi\n', root: false });
    assert.deepEqual(JSON.parse(formatJson(res)), {
      findings: [{
        rule: 'JSONArgsRecommended', severity: 'error', message: 'JSON arguments recommended for CMD to prevent unintended behavior related to OS signals',
        file: 'Dockerfile', line: 3, url: 'https://docs.docker.com/go/dockerfile/rule/json-args-recommended/',
      }],
    });
    const broken = await lint({ dockerfileText: 'FROM scratch\nCOPPY a b\n', root: false });
    assert.deepEqual(JSON.parse(formatJson(broken)), { findings: [], error: { message: 'unknown instruction "COPPY" (did you mean "COPY"?)', file: 'Dockerfile', line: 2 } });
  });
  it('--check: docker build --check layout with BuildKit source excerpts', async () => {
    const res = await lint({ dockerfileText: text, root: false });
    assert.equal(formatCheck(res), [
      'Check complete, 2 warnings have been found!',
      '',
      'WARNING: ConsistentInstructionCasing - https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/',
      "Command 'frOM' should match the case of the command majority (uppercase)",
      'Dockerfile:2',
      '--------------------',
      '   1 |     ',
      '   2 | >>> frOM scratch as base',
      '   3 |     cOpy Dockerfile .',
      '   4 |     ',
      '--------------------',
      '',
      'WARNING: ConsistentInstructionCasing - https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/',
      "Command 'cOpy' should match the case of the command majority (uppercase)",
      'Dockerfile:3',
      '--------------------',
      '   1 |     ',
      '   2 |     frOM scratch as base',
      '   3 | >>> cOpy Dockerfile .',
      '   4 |     ',
      '--------------------',
      '',
    ].join('\n'));
    assert.equal(formatCheck(await lint({ dockerfileText: 'FROM scratch\n', root: false })), 'Check complete, no warnings found.\n');
  });
  it('excerpts pad like errdefs.Source.Print (4 lines around one line, 2 around a range)', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `l${i + 1}`);
    assert.deepEqual(excerpt(lines, 'F', 5, 5).split('\n').slice(2, -2).map((l) => l.trim()), ['3 |     l3', '4 |     l4', '5 | >>> l5', '6 |     l6', '7 |     l7']);
    assert.deepEqual(excerpt(lines, 'F', 5, 6).split('\n').slice(2, -2).map((l) => l.slice(0, 6).trim()), ['4 |', '5 |', '6 |', '7 |']);
    assert.equal(excerpt(lines, 'F', 0, 0), '');
  });
});

describe('checks around a build', () => {
  it('--check prints the report and exits 1 on warnings, 0 without', async () => {
    let out = '';
    const code = await checkOnly({ context: '/nonexistent', dockerfileText: 'FROM scratch as x\n', root: '/nonexistent' }, (s) => { out += s; });
    assert.equal(code, 1);
    assert.match(out, /^Check complete, 1 warning has been found!\n\nWARNING: FromAsCasing/);
    const ok = await checkOnly({ context: '/nonexistent', dockerfileText: 'FROM scratch\n', root: '/nonexistent' }, () => {});
    assert.equal(ok, 0);
  });
  it('with error=true a failed check throws, the failed checks as its details', async () => {
    const input = { context: '/x', root: '/nonexistent' };
    await enforceChecks({ ...input, dockerfileText: '# check=error=true\nFROM scratch AS x\n' });
    await assert.rejects(enforceChecks({ ...input, dockerfileText: '# check=error=true\nFROM scratch as x\nCMD echo\n' }), (e: unknown) => {
      assert.ok(e instanceof DrydockError);
      assert.equal(e.message, 'lint violation found for rules: FromAsCasing, JSONArgsRecommended');
      assert.equal(e.details?.length, 2);
      assert.match(e.details![0]!, /^Dockerfile:2: error: FromAsCasing: /);
      assert.match(e.details![1]!, /^Dockerfile:3: error: JSONArgsRecommended: /);
      return true;
    });
    await assert.rejects(
      enforceChecks({ ...input, dockerfileText: 'FROM scratch as x\n', buildArgs: { BUILDKIT_DOCKERFILE_CHECK: 'error=true' } }),
      /lint violation found for rules: FromAsCasing/,
    );
  });
});
