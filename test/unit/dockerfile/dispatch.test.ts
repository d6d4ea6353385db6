import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dispatchContext, dispatchStage, planBuild, type DispatchedStage, type PlanOptions } from '../../../src/dockerfile/index.js';
import type { ImageConfig } from '../../../src/image/oci.js';
import { isDrydockError } from '../../../src/util/errors.js';

const amd64 = { os: 'linux', architecture: 'amd64' };
const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Plans and dispatches every needed stage; image bases get `baseImage` (or nothing). */
function build(text: string, opts: PlanOptions & { baseImage?: ImageConfig } = {}): DispatchedStage {
  const plan = planBuild(text, { buildPlatform: amd64, ...opts });
  const done = new Map<number, DispatchedStage>();
  for (const st of plan.stages) {
    const base = st.base.kind === 'stage' ? { baseStage: done.get(st.base.index)! } : st.base.kind === 'image' && opts.baseImage ? { baseImage: opts.baseImage } : {};
    done.set(st.index, dispatchStage(st, dispatchContext(plan, base)));
  }
  return done.get(plan.target.index)!;
}
const history = (d: DispatchedStage): string[] => d.steps.map((s) => s.createdBy ?? '(none)');

describe('dispatch: history strings as BuildKit writes them', () => {
  it('every instruction', () => {
    const d = build([
      'FROM scratch', 'ARG V=1', 'ENV A=$V B=x', 'LABEL l=$A', 'WORKDIR /app', 'WORKDIR /', 'USER 1000', 'RUN echo $A', 'RUN ["ls", "-l"]',
      'COPY --chown=1:1 --chmod=644 a b ./', 'ADD --link x.tgz /t/', 'EXPOSE 80 53/udp', 'VOLUME /data /cache', 'STOPSIGNAL SIGTERM',
      'SHELL ["/bin/bash", "-c"]', 'CMD echo hi', 'ENTRYPOINT ["/e"]', 'HEALTHCHECK --interval=1m30s --retries=2 CMD ["true"]',
      'MAINTAINER me', 'ONBUILD RUN x', '',
    ].join('\n'));
    assert.deepEqual(history(d), [
      'ARG V=1', 'ENV A=1 B=x', 'LABEL l=1', 'WORKDIR /app', 'WORKDIR /', 'USER 1000',
      'RUN |1 V=1 /bin/sh -c echo $A # buildkit', 'RUN |1 V=1 ls -l # buildkit',
      'COPY --chown=1:1 --chmod=644 a b ./ # buildkit', 'ADD x.tgz /t/ # buildkit', 'EXPOSE [53/udp 80/tcp]', 'VOLUME [/data /cache]',
      'STOPSIGNAL SIGTERM', 'SHELL [/bin/bash -c]', 'CMD ["/bin/bash" "-c" "echo hi"]', 'ENTRYPOINT ["/e"]',
      'HEALTHCHECK {Test:[CMD true] Interval:1m30s Timeout:0s StartPeriod:0s StartInterval:0s Retries:2}', 'MAINTAINER me', '(none)',
    ]);
    assert.deepEqual(d.steps.map((s) => s.layer), [false, false, false, true, false, false, true, true, true, true, false, false, false, false, false, false, false, false, false]);
    const h = d.image.history!;
    assert.equal(h.length, 18);
    assert.deepEqual(h[0], { created_by: 'ARG V=1', comment: 'buildkit.dockerfile.v0', empty_layer: true });
    assert.deepEqual(h[3], { created_by: 'WORKDIR /app', comment: 'buildkit.dockerfile.v0' });
  });
});

describe('dispatch: image config', () => {
  it('scratch starts with PATH and WorkingDir /; ENV/ARG/USER/WORKDIR state', () => {
    const d = build('FROM scratch\nARG B=2\nENV A=1\nWORKDIR rel\nWORKDIR sub/\nUSER app\nCMD ["x"]\nENTRYPOINT ["e"]\nONBUILD RUN y\n');
    assert.deepEqual(d.image.config, {
      WorkingDir: '/rel/sub', Env: [PATH, 'A=1'], User: 'app', Cmd: ['x'], ArgsEscaped: true, Entrypoint: ['e'], OnBuild: ['RUN y'],
    });
    assert.deepEqual([d.image.os, d.image.architecture], ['linux', 'amd64']);
  });
  it('ENTRYPOINT resets the base CMD unless the stage sets one', () => {
    const base: ImageConfig = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Cmd: ['sh'], Env: ['PATH=/bin'] } };
    assert.equal(build('FROM img\nENTRYPOINT ["e"]\n', { baseImage: base }).image.config!.Cmd, null);
    assert.deepEqual(build('FROM img\nCMD ["c"]\nENTRYPOINT ["e"]\n', { baseImage: base }).image.config!.Cmd, ['c']);
  });
  it('base image config, history and ONBUILD triggers', () => {
    const base: ImageConfig = {
      architecture: 'arm64', os: 'linux', created: '2020-01-01T00:00:00Z', rootfs: { type: 'layers', diff_ids: [] },
      config: { Env: ['PATH=/x', 'HOME=/root'], WorkingDir: '/w', User: 'u', OnBuild: ['COPY . /src', 'RUN make'] },
      history: [{ created_by: 'base' }],
    };
    const d = build('FROM img\nRUN true\n', { baseImage: base });
    assert.deepEqual(d.steps.map((s) => [s.onbuild, s.createdBy]), [
      [true, 'COPY . /src # buildkit'], [true, 'RUN /bin/sh -c make # buildkit'], [false, 'RUN /bin/sh -c true # buildkit'],
    ]);
    assert.equal(d.steps[0]!.location.line, 1);
    assert.equal(d.image.config!.OnBuild, undefined);
    assert.equal(d.image.created, undefined);
    assert.deepEqual(d.image.history!.map((h) => h.created_by), ['base', 'COPY . /src # buildkit', 'RUN /bin/sh -c make # buildkit', 'RUN /bin/sh -c true # buildkit']);
    const run = d.steps[2]!.op;
    assert.ok(run.type === 'run');
    assert.deepEqual([run.env, run.user, run.workdir], [['PATH=/x', 'HOME=/root'], 'u', '/w']);
  });
  it('ONBUILD of a base stage runs in the child only', () => {
    const d = build('FROM scratch AS a\nONBUILD ENV X=1\nFROM a AS b\nFROM b\n');
    assert.deepEqual(history(d), []);
    const b = build('FROM scratch AS a\nONBUILD ENV X=1\nFROM a AS b\n');
    assert.deepEqual(history(b), ['ENV X=1']);
    assert.equal(b.image.config!.OnBuild, undefined);
  });
});

describe('dispatch: expansion follows Docker', () => {
  it('RUN/CMD/ENTRYPOINT are not expanded; COPY/ADD/ENV/LABEL/WORKDIR/USER/VOLUME/EXPOSE/STOPSIGNAL are', () => {
    const d = build('FROM scratch\nENV D=/dst P=8080 S=KILL U=me\nCOPY $D/a ${D}/\nWORKDIR $D\nUSER $U\nVOLUME $D/v\nEXPOSE $P\nSTOPSIGNAL SIG$S\nCMD echo $D\nRUN echo $D\n');
    const copy = d.steps[1]!.op;
    assert.ok(copy.type === 'copy');
    assert.deepEqual([copy.sources, copy.dest], [['/dst/a'], '/dst/']);
    assert.deepEqual(d.image.config!.Volumes, { '/dst/v': {} });
    assert.deepEqual(d.image.config!.ExposedPorts, { '8080/tcp': {} });
    assert.deepEqual([d.image.config!.User, d.image.config!.StopSignal, d.image.config!.WorkingDir], ['me', 'SIGKILL', '/dst']);
    assert.deepEqual(d.image.config!.Cmd, ['/bin/sh', '-c', 'echo $D']);
  });
  it('ENV pairs see the env from before the instruction', () => {
    const d = build('FROM scratch\nENV A=1\nENV A=2 B=$A\n');
    assert.deepEqual(d.image.config!.Env, [PATH, 'A=2', 'B=1']);
  });
  it('global ARGs are only visible in a stage when re-declared; --build-arg wins; ENV beats an earlier ARG', () => {
    const d = build('ARG G=g\nFROM scratch\nENV E1=${G}\nARG G\nENV E2=$G\nARG V=def\nENV E3=$V\n', { buildArgs: { V: 'cli' } });
    assert.deepEqual(d.image.config!.Env, [PATH, 'E1=', 'E2=g', 'E3=cli']);
    const e = build('FROM scratch\nARG X=arg\nENV X=env\nRUN true\n');
    const run = e.steps[2]!.op;
    assert.ok(run.type === 'run');
    assert.ok(run.env.includes('X=env'));
    assert.equal(e.steps[2]!.createdBy, 'RUN |1 X=env /bin/sh -c true # buildkit');
  });
  it('platform ARGs need a declaration inside a stage', () => {
    const d = build('FROM scratch\nENV A=x$TARGETARCH\nARG TARGETARCH\nENV B=$TARGETARCH\n');
    assert.deepEqual(d.image.config!.Env, [PATH, 'A=x', 'B=amd64']);
  });
  it('heredoc COPY expands unless the delimiter is quoted', () => {
    const d = build('FROM scratch\nENV A=1\nCOPY <<EOF <<"RAW" /d/\n$A\nEOF\n$A\nRAW\n');
    const op = d.steps[1]!.op;
    assert.ok(op.type === 'copy');
    assert.deepEqual(op.contents, [{ path: 'EOF', data: '1\n' }, { path: 'RAW', data: '$A\n' }]);
    assert.equal(d.steps[1]!.createdBy, 'COPY <<EOF <<RAW /d/ # buildkit');
  });
});

describe('dispatch: RUN', () => {
  it('shell form uses SHELL; heredocs; mounts resolved; proxies passed separately', () => {
    const d = build([
      'FROM alpine AS dep', 'FROM scratch', 'WORKDIR /w', 'SHELL ["/bin/bash", "-c"]', 'RUN <<EOF', 'echo hi', 'EOF',
      'RUN <<EOF', '#!/bin/sh', 'echo script', 'EOF', 'RUN cat <<EOF > /x', 'body', 'EOF',
      'RUN --mount=type=cache,target=c --mount=from=dep,source=/s,target=/m --mount=type=secret,id=tok --mount=type=secret,id=k,env=K --network=none true', '',
    ].join('\n'), { buildArgs: { https_proxy: 'http://p' } });
    const ops = d.steps.map((s) => s.op);
    const [r1, r2, r3, r4] = ops.slice(2) as Array<Extract<(typeof ops)[number], { type: 'run' }>>;
    assert.deepEqual(r1!.args, ['/bin/bash', '-c', 'echo hi\n']);
    assert.deepEqual([r2!.args, r2!.script], [['/bin/bash', '-c', '/dev/pipes/EOF'], { path: '/dev/pipes/EOF', data: '#!/bin/sh\necho script\n' }]);
    assert.deepEqual(r3!.args, ['/bin/bash', '-c', 'cat <<EOF > /x\nbody\nEOF']);
    assert.deepEqual(r4!.mounts, [
      { type: 'cache', from: { kind: 'scratch' }, source: '/', target: '/w/c', readOnly: false, id: 'c', sharing: 'shared' },
      { type: 'bind', from: { kind: 'stage', index: 0 }, source: '/s', target: '/m', readOnly: true },
      { type: 'secret', from: { kind: 'scratch' }, source: '/', target: '/run/secrets/tok', readOnly: true, id: 'tok', required: false },
      { type: 'secret', from: { kind: 'scratch' }, source: '/', target: '', readOnly: true, id: 'k', required: false, env: 'K' },
    ]);
    assert.equal(r4!.network, 'none');
    assert.deepEqual(r4!.proxyEnv, ['HTTPS_PROXY=http://p', 'https_proxy=http://p']);
    assert.equal(r4!.env.some((e) => e.includes('proxy')), false);
    assert.equal(d.steps[2]!.createdBy, 'RUN /bin/bash -c echo hi\n # buildkit');
  });
});

describe('dispatch: COPY/ADD', () => {
  it('destination against WORKDIR; --from resolution', () => {
    const d = build('FROM alpine AS b\nFROM scratch\nWORKDIR /app\nCOPY a .\nCOPY a sub\nCOPY --from=B /x /abs/\nCOPY --from=0 /y ./\nCOPY --from=busybox:1 /z z\n');
    const ops = d.steps.slice(1).map((s) => s.op as Extract<typeof s.op, { type: 'copy' }>);
    assert.deepEqual(ops.map((o) => [o.dest, o.from]), [
      ['/app/', { kind: 'context' }], ['/app/sub', { kind: 'context' }], ['/abs/', { kind: 'stage', index: 0 }],
      ['/app/', { kind: 'stage', index: 0 }], ['/app/z', { kind: 'image', ref: 'busybox:1' }],
    ]);
  });
});

describe('dispatch: errors and warnings', () => {
  const fails = (df: string, message: string): void => {
    assert.throws(() => build(df), (e) => isDrydockError(e) && e.format() === message);
  };
  it('errors carry the line', () => {
    fails('FROM scratch\nCOPY --chmod=999 a /b\n', "Dockerfile:2: invalid chmod parameter: '999'. it should be octal string and between 0 and 07777");
    fails('FROM scratch\nCOPY http://x/y /b\n', "Dockerfile:2: source can't be a URL for COPY");
    fails('FROM scratch\nSTOPSIGNAL FOO\n', 'Dockerfile:2: Invalid signal: FOO');
    fails('FROM scratch\nRUN --mount=type=bind,target=/ true\n', 'Dockerfile:2: invalid mount target "/"');
    fails('FROM scratch\nRUN --mount=type=tmpfs,target=/t,uid=1 true\n', 'Dockerfile:2: uid not allowed for "tmpfs" type mounts');
    fails('FROM scratch\nEXPOSE 99999\n', 'Dockerfile:2: invalid containerPort: 99999');
    fails('FROM scratch\nENV A=${B:?must}\n', 'Dockerfile:2: failed to process "${B:?must}": B: must');
  });
  it('lint warnings from dispatch', () => {
    const d = build('FROM scratch\nWORKDIR rel\nENV A B\nENV API_TOKEN=x\nARG PASSWORD\nCMD a\nCMD b\nEXPOSE 80/TCP 127.0.0.1:80:80\nCOPY $NOPE /x\nHEALTHCHECK NONE\nHEALTHCHECK NONE\n');
    assert.deepEqual(d.warnings.map((w) => `${w.rule}:${w.location?.line}`), [
      'WorkdirRelativePath:2', 'LegacyKeyValueFormat:3', 'SecretsUsedInArgOrEnv:4', 'SecretsUsedInArgOrEnv:5', 'JSONArgsRecommended:6',
      'MultipleInstructionsDisallowed:6', 'JSONArgsRecommended:7', 'ExposeInvalidFormat:8', 'ExposeProtoCasing:8', 'UndefinedVar:9',
      'MultipleInstructionsDisallowed:10',
    ]);
    assert.equal(d.warnings.find((w) => w.rule === 'UndefinedVar')!.message, "Usage of undefined variable '$NOPE'");
  });
  it('output is JSON-able', () => {
    const d = build('FROM scratch\nRUN true\n');
    assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  });
});
