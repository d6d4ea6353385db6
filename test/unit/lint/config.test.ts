import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConfigFor, lint, parseCheckOptions } from '../../../src/lint/index.js';
import { isDrydockError } from '../../../src/util/errors.js';

const rulesOf = async (text: string, buildArgs: Record<string, string> = {}): Promise<string[]> =>
  (await lint({ dockerfileText: text, root: false, buildArgs })).findings.map((f) => `${f.rule}:${f.line}`);

describe('check= options (BuildKit ParseLintOptions)', () => {
  it('parses skip, skip=all, experimental and error', () => {
    assert.deepEqual(parseCheckOptions(''), { skipAll: false, skip: [], experimentalAll: false, experimental: [], error: false });
    assert.deepEqual(parseCheckOptions('skip=A, B;error=true'), { skipAll: false, skip: ['A', 'B'], experimentalAll: false, experimental: [], error: true });
    assert.equal(parseCheckOptions(' skip = all ').skipAll, true);
    assert.equal(parseCheckOptions('experimental=all').experimentalAll, true);
    assert.equal(parseCheckOptions('error=1').error, true);
    assert.equal(parseCheckOptions('error=False').error, false);
  });
  it('rejects what BuildKit rejects', () => {
    for (const [text, msg] of [['skip', /invalid check option "skip"/], ['nope=1', /invalid check option "nope"/], ['error=yes', /failed to parse check option "error=yes"/]] as const) {
      assert.throws(() => parseCheckOptions(text), (e) => isDrydockError(e) && msg.test(e.message));
    }
  });
  it('BUILDKIT_DOCKERFILE_CHECK replaces the directive', () => {
    const directives = [{ name: 'check' as const, value: 'skip=A', line: 1 }];
    assert.deepEqual(checkConfigFor(directives).skip, ['A']);
    assert.deepEqual(checkConfigFor(directives, { BUILDKIT_DOCKERFILE_CHECK: 'error=true' }), { skipAll: false, skip: [], experimentalAll: false, experimental: [], error: true });
  });
});

describe('lint configuration', () => {
  const bad = 'FROM scratch as base\nCMD echo hi\n';

  it('reports every warning by default and does not fail', async () => {
    const res = await lint({ dockerfileText: bad, root: false });
    assert.deepEqual(res.findings.map((f) => [f.rule, f.line, f.severity]), [['FromAsCasing', 1, 'warning'], ['JSONArgsRecommended', 2, 'warning']]);
    assert.equal(res.failed, false);
  });
  it('skip=all silences BuildKit and drydock rules alike', async () => {
    assert.deepEqual(await rulesOf(`# check=skip=all\n${bad}FROM alpine\n`), []);
  });
  it('error=true turns warnings into errors and fails; drydock advice stays info', async () => {
    const res = await lint({ dockerfileText: `# check=error=true\n${bad}FROM alpine\n`, root: false });
    assert.deepEqual(res.findings.map((f) => [f.rule, f.severity]), [
      ['FromAsCasing', 'error'], ['UnusedStage', 'info'], ['JSONArgsRecommended', 'error'], ['UnpinnedBaseImage', 'info'],
    ]);
    assert.equal(res.failed, true);
    const advice = await lint({ dockerfileText: '# check=error=true\nFROM alpine\n', root: false });
    assert.equal(advice.failed, false, 'info findings never fail');
  });
  it('a # check= comment right above an instruction skips rules there only', async () => {
    const text = 'FROM scratch\n# check=skip=JSONArgsRecommended\nCMD echo a\nFROM scratch\nCMD echo b\n';
    assert.deepEqual(await rulesOf(text), ['UnusedStage:1', 'JSONArgsRecommended:5']);
  });
  it('file-wide rules ignore per-instruction comments (as in BuildKit)', async () => {
    const text = 'FROM scratch\n# check=skip=ConsistentInstructionCasing\nlabel a=b\nLABEL c=d\n';
    assert.deepEqual(await rulesOf(text), ['ConsistentInstructionCasing:3']);
  });
  it('the BUILDKIT_DOCKERFILE_CHECK build-arg overrides the directive', async () => {
    assert.deepEqual(await rulesOf(`# check=skip=all\n${bad}`, { BUILDKIT_DOCKERFILE_CHECK: 'skip=FromAsCasing' }), ['JSONArgsRecommended:3']);
  });
  it('a bad check directive is an error of the lint', async () => {
    const res = await lint({ dockerfileText: `# check=skip\n${bad}`, root: false });
    assert.match(res.error?.message ?? '', /invalid check option "skip"/);
    assert.equal(res.failed, true);
  });
});

describe('lint errors and scope', () => {
  it('a Dockerfile that does not plan gives an error with its line, and the warnings found before', async () => {
    const res = await lint({ dockerfileText: 'FROM scratch\nMAINTAINER me\nCOPY --from=later / /\nFROM scratch AS later\n', root: false });
    assert.deepEqual(res.findings.map((f) => f.rule), ['MaintainerDeprecated']);
    assert.equal(res.error?.line, 3);
    assert.match(res.error!.message, /cannot copy from stage "later", it needs to be defined before current stage/);
    assert.equal(res.failed, true);
  });
  it('checks every stage by default, only the target and its needs with --target', async () => {
    const text = 'FROM scratch AS a\nCMD echo a\nFROM scratch AS b\nCMD echo b\n';
    assert.deepEqual(await rulesOf(text), ['JSONArgsRecommended:2', 'UnusedStage:1', 'JSONArgsRecommended:4'].sort(byLine));
    const res = await lint({ dockerfileText: text, root: false, target: 'a' });
    assert.deepEqual(res.findings.map((f) => `${f.rule}:${f.line}`), ['JSONArgsRecommended:2']);
    const build = await lint({ dockerfileText: text, root: false, allStages: false });
    assert.deepEqual(build.findings.map((f) => `${f.rule}:${f.line}`), ['JSONArgsRecommended:4']);
  });
  it('UndefinedVar is not reported where the base image env is unknown', async () => {
    assert.deepEqual(await rulesOf('FROM golang:1.22\nRUN echo $GOPATH\n'), []);
    assert.deepEqual(await rulesOf('FROM golang:1.22 AS b\nFROM b\nRUN echo $GOPATH\n'), ['ToolchainFinalStage:2']);
  });
  it('reads the Dockerfile from CONTEXT/Dockerfile and names it so', async () => {
    await assert.rejects(lint({ context: '/nonexistent-dir', root: false }), /failed to read Dockerfile: open \/nonexistent-dir\/Dockerfile/);
  });
});

function byLine(a: string, b: string): number {
  const [ra, la] = a.split(':');
  const [rb, lb] = b.split(':');
  return Number(la) - Number(lb) || ra!.localeCompare(rb!);
}
