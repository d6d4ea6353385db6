/**
 * How the frontend resolves names against the build's named contexts (`--build-context`), as
 * BuildKit's dockerfile2llb does: a context replaces the stage of its name; FROM and --from take
 * a stage first, then a named context, then an image; names compare as familiar references
 * without `:latest`; `scratch` and `context` are never named contexts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextKey, dispatchContext, dispatchStage, planBuild } from '../../../src/dockerfile/index.js';

const amd64 = { os: 'linux', architecture: 'amd64' };
const plan = (text: string, named: string[], target?: string) => planBuild(text, { buildPlatform: amd64, namedContexts: named, target });

describe('named contexts in the plan', () => {
  it('names compare as BuildKit NamedContext normalises them', () => {
    assert.equal(contextKey('alpine'), 'alpine');
    assert.equal(contextKey('alpine:latest'), 'alpine');
    assert.equal(contextKey('docker.io/library/alpine:latest'), 'alpine');
    assert.equal(contextKey('alpine:3.19'), 'alpine:3.19');
    assert.equal(contextKey('localhost:5000/app'), 'localhost:5000/app');
    assert.equal(contextKey('Bad'), undefined);
  });

  it('FROM NAME: an earlier stage, else a named context, else an image', () => {
    const p = plan('FROM alpine:latest AS a\nFROM docker.io/library/alpine AS b\nFROM golang:1.22 AS c\nFROM scratch\nCOPY --from=a / /a\nCOPY --from=b / /b\nCOPY --from=c / /c\n', ['alpine']);
    assert.deepEqual(p.stages.map((s) => s.base), [
      { kind: 'named', name: 'alpine' }, { kind: 'named', name: 'alpine' }, { kind: 'image', ref: 'golang:1.22' }, { kind: 'scratch' },
    ]);
  });

  it('a named context replaces the stage of its name: none of its commands, none of its dependencies', () => {
    const text = 'FROM busybox AS tools\nRUN make\nFROM busybox AS deps\nCOPY --from=tools /x /x\nRUN exit 1\nFROM deps\nCOPY --from=deps /y /y\n';
    const p = plan(text, ['deps']);
    assert.deepEqual(p.stages.map((s) => s.index), [1, 2], 'tools is no longer needed');
    const deps = p.stages[0]!;
    assert.deepEqual(deps.base, { kind: 'named', name: 'deps' });
    assert.deepEqual(deps.commands, []);
    assert.deepEqual(p.target.base, { kind: 'stage', index: 1 });
    // --target can name the replaced stage itself
    assert.deepEqual(plan(text, ['deps'], 'deps').target.base, { kind: 'named', name: 'deps' });
  });

  it('COPY --from and RUN --mount=from: a stage, then a named context, then an image; scratch and context are never named', () => {
    const text = 'FROM busybox AS build\nFROM busybox\nCOPY --from=build /a /a\nCOPY --from=src /b /b\nCOPY --from=scratch / /\nRUN --mount=from=src,target=/m true\nCOPY --from=other /c /c\n';
    const p = plan(text, ['src', 'scratch', 'context']);
    const d = dispatchStage(p.target, dispatchContext(p));
    const froms = d.steps.flatMap((s) => (s.op.type === 'copy' ? [s.op.from] : s.op.type === 'run' ? s.op.mounts.map((m) => m.from) : []));
    assert.deepEqual(froms, [
      { kind: 'stage', index: 0 }, { kind: 'named', name: 'src' }, { kind: 'scratch' }, { kind: 'named', name: 'src' }, { kind: 'image', ref: 'other' },
    ]);
    assert.deepEqual(plan('FROM scratch\n', ['scratch']).target.base, { kind: 'scratch' });
  });

  it('a stage FROM a named image context dispatches on that image\'s config', () => {
    const p = plan('FROM base\nRUN true\n', ['base']);
    const d = dispatchStage(p.target, dispatchContext(p, { baseImage: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Env: ['FROM_IMAGE=1'], User: 'app' } } }));
    assert.equal(d.image.config?.User, 'app');
    assert.ok(d.image.config?.Env?.includes('FROM_IMAGE=1'));
  });
});
