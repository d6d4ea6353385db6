import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBuild, type PlanOptions } from '../../../src/dockerfile/index.js';
import { isDrydockError } from '../../../src/util/errors.js';

const amd64 = { os: 'linux', architecture: 'amd64' };
const plan = (text: string, opts: PlanOptions = {}) => planBuild(text, { buildPlatform: amd64, ...opts });
const planFails = (text: string, message: string, opts: PlanOptions = {}): void => {
  assert.throws(() => plan(text, opts), (e) => {
    assert.ok(isDrydockError(e), String(e));
    assert.equal(e.format(), message);
    return true;
  });
};
const rules = (text: string, opts: PlanOptions = {}): string[] => plan(text, opts).warnings.map((w) => `${w.rule}:${w.location?.line ?? '-'}`);

describe('plan: stages and bases', () => {
  it('resolves FROM to scratch, earlier stages and images (global ARGs expanded)', () => {
    const p = plan('ARG IMG=alpine:3\nFROM $IMG AS base\nFROM base AS b2\nFROM scratch\n', { target: 'b2' });
    assert.deepEqual(p.stages.map((s) => [s.index, s.base]), [[0, { kind: 'image', ref: 'alpine:3' }], [1, { kind: 'stage', index: 0 }]]);
    assert.deepEqual(plan('FROM scratch\n').target.base, { kind: 'scratch' });
    const all = plan('FROM alpine AS stage0\nFROM stage0\n');
    assert.deepEqual(all.allStages.map((s) => s.name ?? null), ['stage0', null]);
  });
  it('FROM <NAME> in upper case is an image; a later-defined name is an image', () => {
    assert.throws(() => plan('FROM alpine AS stage0\nFROM STAGE0\n'), /repository name .* must be lowercase/);
    const p = plan('FROM later AS first\nFROM alpine AS later\nFROM first\n');
    assert.deepEqual(p.stages.map((s) => [s.index, s.base]), [[0, { kind: 'image', ref: 'later' }], [2, { kind: 'stage', index: 0 }]]);
  });
  it('--target selects a stage (case-insensitively) and only what it needs, dependencies first', () => {
    const df = 'FROM alpine AS a\nFROM alpine AS b\nCOPY --from=a /x /x\nFROM alpine AS c\nFROM b AS d\nRUN --mount=from=c,target=/m true\nFROM alpine AS e\n';
    const p = plan(df, { target: 'D' });
    assert.deepEqual(p.stages.map((s) => s.index), [0, 1, 2, 3]);
    assert.equal(p.target.index, 3);
    assert.deepEqual(p.stages.find((s) => s.index === 3)!.dependsOn, [1, 2]);
    assert.deepEqual(plan(df).stages.map((s) => s.index), [4]);
  });
  it('COPY --from: index, name in any case, image reference', () => {
    const p = plan('FROM alpine AS Build\nFROM alpine\nCOPY --from=0 /a /a\nCOPY --from=BUILD /b /b\nCOPY --from=nginx:latest /c /c\n');
    assert.deepEqual(p.target.dependsOn, [0]);
    assert.deepEqual(p.target.imageDeps, ['nginx:latest']);
  });
  it('ONBUILD triggers of a base stage are planned with their dependencies', () => {
    const p = plan('FROM alpine AS dep\nFROM alpine AS base\nONBUILD COPY --from=dep /x /x\nFROM base\n');
    assert.deepEqual(p.target.onbuild.map((c) => c.kind), ['copy']);
    assert.deepEqual(p.target.dependsOn, [0, 1]);
  });
  it('FROM --platform and stage platforms', () => {
    const p = plan('FROM --platform=$BUILDPLATFORM alpine AS b\nFROM b\nFROM --platform=linux/arm64 alpine AS arm\n', { targetPlatform: { os: 'linux', architecture: 'arm64' }, target: 'arm' });
    assert.deepEqual(p.target.platform, { os: 'linux', architecture: 'arm64' });
    const q = plan('FROM --platform=$BUILDPLATFORM alpine AS b\nFROM b\n', { targetPlatform: { os: 'linux', architecture: 'arm64' } });
    assert.deepEqual(q.stages.map((s) => s.platform.architecture), ['amd64', 'amd64']);
  });
});

describe('plan: build args', () => {
  it('global ARGs: defaults, --build-arg overrides, platform args, proxies', () => {
    const p = plan('ARG A=1\nARG B=${A}2\nARG C\nFROM alpine\n', { buildArgs: { A: '9', HTTP_PROXY: 'http://p', NOPE: 'x' } });
    assert.equal(p.globalArgs.A, '9');
    assert.equal(p.globalArgs.B, '92');
    assert.equal('C' in p.globalArgs, false);
    assert.equal(p.globalArgs.TARGETPLATFORM, 'linux/amd64');
    assert.equal(p.globalArgs.BUILDARCH, 'amd64');
    assert.deepEqual(p.proxyEnv, ['HTTP_PROXY=http://p', 'http_proxy=http://p']);
    assert.deepEqual(p.unusedBuildArgs, ['NOPE']);
    assert.ok(p.warnings.some((w) => w.rule === 'UnusedBuildArg' && w.message.includes('NOPE')));
  });
  it('ARGs declared in a planned stage count as used; in unplanned stages they do not', () => {
    const df = 'FROM alpine AS a\nARG X\nFROM alpine AS b\nARG Y\n';
    assert.deepEqual(plan(df, { buildArgs: { X: '1', Y: '2' } }).unusedBuildArgs, ['X']);
  });
});

describe('plan: errors', () => {
  it('bad stage index', () => planFails('FROM alpine\nCOPY --from=3 /a /a\n', 'Dockerfile:2: invalid stage index 3'));
  it('--from does not expand variables', () => planFails('ARG S=a\nFROM alpine\nCOPY --from=$S /a /a\n',
    'Dockerfile:3: variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround'));
  it('unknown --target lists the stages', () => planFails('FROM alpine AS build\nFROM alpine AS test\n', 'target stage "buld" could not be found (did you mean build?); stages: build, test', { target: 'buld' }));
  it('circular dependencies name the stage', () => planFails('FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\nCOPY --from=a /y /y\n', 'Dockerfile:2: circular dependency detected on stage: a'));
  it('self copy is circular', () => planFails('FROM alpine AS a\nCOPY --from=a /x /x\n', 'Dockerfile:2: circular dependency detected on stage: a'));
  it('copy from a stage defined further down (BuildKit rejects it)', () => planFails('FROM alpine AS target\nCOPY --from=build /x /x\nFROM alpine AS build\nFROM target\n',
    'Dockerfile:2: cannot copy from stage "build", it needs to be defined before current stage "target"'));
  it('blank base name', () => planFails('ARG X\nFROM $X\n', 'Dockerfile:2: base name ($X) should not be blank'));
  it('invalid image reference', () => planFails('FROM Alpine\n', 'Dockerfile:1: failed to parse stage name "Alpine": invalid reference format: repository name (library/Alpine) must be lowercase'));
  it('no stages', () => planFails('ARG A\n', 'Dockerfile:1: dockerfile contains no stages to build'));
});

describe('plan: warnings (BuildKit rule names, with lines)', () => {
  const cases: Array<[string, string, string[]]> = [
    ['FromAsCasing', 'FROM alpine as a\n', ['FromAsCasing:1']],
    ['StageNameCasing', 'FROM alpine AS Build\n', ['StageNameCasing:1']],
    ['MaintainerDeprecated', 'FROM alpine\nMAINTAINER me\n', ['MaintainerDeprecated:2']],
    ['ConsistentInstructionCasing', 'FROM alpine\nrun x\nRUN y\n', ['ConsistentInstructionCasing:2']],
    ['NoEmptyContinuation', 'FROM alpine\nRUN a \\\n\n b\n', ['NoEmptyContinuation:4']],
    ['DuplicateStageName', 'FROM alpine AS a\nFROM alpine AS a\n', ['DuplicateStageName:2']],
    ['ReservedStageName', 'FROM alpine AS scratch\n', ['ReservedStageName:1']],
    ['UndefinedArgInFrom', 'FROM alpine$TAG\n', ['UndefinedArgInFrom:1']],
    ['RedundantTargetPlatform', 'FROM --platform=$TARGETPLATFORM alpine\n', ['RedundantTargetPlatform:1']],
    ['FromPlatformFlagConstDisallowed', 'FROM --platform=linux/amd64 alpine AS x\n', ['FromPlatformFlagConstDisallowed:1']],
  ];
  for (const [name, df, want] of cases) it(name, () => assert.deepEqual(rules(df), want));
  it('InvalidDefaultArgInFrom', () => assert.deepEqual(rules('ARG TAG\nFROM alpine:${TAG}\n', { buildArgs: { TAG: '3' } }), ['InvalidDefaultArgInFrom:2']));
});
