import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDockerfile } from '../../../src/dockerfile/index.js';
import { parseMount, type Command } from '../../../src/dockerfile/instructions/index.js';
import { isDrydockError } from '../../../src/util/errors.js';

const cmds = (body: string): Command[] => parseDockerfile(`FROM a\n${body}\n`).stages[0]!.commands;
const one = <K extends Command['kind']>(body: string, kind: K): Extract<Command, { kind: K }> => {
  const c = cmds(body)[0]!;
  assert.equal(c.kind, kind);
  return c as Extract<Command, { kind: K }>;
};
const fails = (body: string, message: string): void => {
  assert.throws(() => parseDockerfile(`FROM a\n${body}\n`), (e) => isDrydockError(e) && e.format() === `Dockerfile:2: ${message}`);
};

describe('instructions: typed commands', () => {
  it('COPY flags', () => {
    const c = one('COPY --from=build --chown=1:2 --chmod=644 --link --parents --exclude=*.md --exclude=x a b /d/', 'copy');
    assert.deepEqual([c.from, c.chown, c.chmod, c.link, c.parents, c.excludes, c.sourcePaths, c.destPath],
      ['build', '1:2', '644', true, true, ['*.md', 'x'], ['a', 'b'], '/d/']);
  });
  it('ADD flags', () => {
    const c = one('ADD --checksum=sha256:abc --keep-git-dir=true --unpack=false https://x/y /d', 'add');
    assert.deepEqual([c.checksum, c.keepGitDir, c.unpack], ['sha256:abc', true, false]);
  });
  it('COPY heredoc sources', () => {
    const c = one('COPY <<EOF <<-"EOT" /d/\n$A\nEOF\n\tb\n\tEOT', 'copy');
    assert.deepEqual(c.sourceContents, [{ path: 'EOF', data: '$A\n', expand: true }, { path: 'EOT', data: 'b\n', expand: false }]);
  });
  it('RUN forms and flags', () => {
    const r = one('RUN --mount=type=cache,target=/c --network=none --security=insecure echo hi', 'run');
    assert.deepEqual([r.cmdLine, r.prependShell, r.mounts, r.network, r.security], [['echo hi'], true, ['type=cache,target=/c'], 'none', 'insecure']);
    const e = one('RUN ["echo", "hi"]', 'run');
    assert.deepEqual([e.cmdLine, e.prependShell], [['echo', 'hi'], false]);
  });
  it('ENV, LABEL, ARG, EXPOSE, VOLUME, HEALTHCHECK, SHELL, ONBUILD', () => {
    assert.deepEqual(one('ENV A=1 B=2', 'env').env, [{ key: 'A', value: '1', noDelim: false }, { key: 'B', value: '2', noDelim: false }]);
    assert.deepEqual(one('ENV A 1 2', 'env').env, [{ key: 'A', value: '1 2', noDelim: true }]);
    assert.deepEqual(one('ARG A B=2', 'arg').args, [{ key: 'A' }, { key: 'B', value: '2' }]);
    assert.deepEqual(one('EXPOSE 8080 443/tcp 80', 'expose').ports, ['443/tcp', '80', '8080']);
    assert.deepEqual(one('VOLUME ["/a", "/b"]', 'volume').volumes, ['/a', '/b']);
    assert.deepEqual(one('HEALTHCHECK --interval=30s --timeout=1m30s --retries=3 CMD curl x', 'healthcheck').health,
      { test: ['CMD-SHELL', 'curl x'], interval: 30e9, timeout: 90e9, startPeriod: 0, startInterval: 0, retries: 3 });
    assert.deepEqual(one('HEALTHCHECK NONE', 'healthcheck').health.test, ['NONE']);
    assert.deepEqual(one('SHELL ["/bin/bash", "-c"]', 'shell').shell, ['/bin/bash', '-c']);
    assert.equal(one('ONBUILD COPY . /app', 'onbuild').expression, 'COPY . /app');
  });
  it('FROM: platform, name lower-cased', () => {
    const st = parseDockerfile('FROM --platform=$BUILDPLATFORM golang AS Build\n').stages[0]!;
    assert.deepEqual([st.platform, st.baseName, st.name], ['$BUILDPLATFORM', 'golang', 'build']);
  });
  it('meta ARGs before the first FROM', () => {
    const df = parseDockerfile('ARG V=1\nARG W\nFROM a\n');
    assert.deepEqual(df.metaArgs.flatMap((a) => a.args), [{ key: 'V', value: '1' }, { key: 'W' }]);
  });
});

describe('instructions: errors name file and line', () => {
  const cases: Array<[string, string]> = [
    ['COPPY a b', 'unknown instruction "COPPY" (did you mean "COPY"?)'],
    ['FOO a', 'unknown instruction "FOO" (did you mean "FROM"?)'],
    ['XYZZY a', 'unknown instruction "XYZZY"'],
    ['COPY --form=x a b', 'unknown flag: --form (did you mean from?)'],
    ['COPY --checksum=x a b', 'unknown flag: --checksum'],
    ['COPY --from=a --from=b a b', 'duplicate flag specified: --from'],
    ['COPY --from a b', 'missing a value on flag: --from'],
    ['COPY --link=maybe a b', 'expecting boolean value for flag --link, not: maybe'],
    ['COPY a', 'COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
    ['COPY a <<EOF\nx\nEOF', 'COPY cannot accept a heredoc as a destination'],
    ['RUN --network=bridge x', 'invalid network mode "bridge"'],
    ['RUN --security=root x', 'security "root" is not valid'],
    ['RUN --mount=from=$X,target=/x x', "'from' doesn't support variable expansion, define alias stage instead"],
    ['WORKDIR', 'WORKDIR requires exactly one argument'],
    ['SHELL /bin/sh -c', 'SHELL requires the arguments to be in JSON form'],
    ['HEALTHCHECK FOO x', 'Unknown type "FOO" in HEALTHCHECK (try CMD)'],
    ['HEALTHCHECK --interval=10us CMD x', 'Interval "interval" cannot be less than 1ms'],
    ['HEALTHCHECK --retries=-1 CMD x', '--retries cannot be negative (-1)'],
    ['ONBUILD ONBUILD RUN x', 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
    ['ONBUILD FROM x', "FROM isn't allowed as an ONBUILD trigger"],
    ['ARG =x', 'ARG names can not be blank'],
    ['FROM a AS 1x', 'invalid name for build stage: "1x", name can\'t start with a number or contain symbols'],
    ['FROM a b', 'FROM requires either one or three arguments'],
  ];
  for (const [body, message] of cases) it(body.split('\n')[0]!, () => fails(body, message));
  it('an instruction before FROM', () => {
    assert.throws(() => parseDockerfile('RUN x\n'), (e) => isDrydockError(e) && e.format() === 'Dockerfile:1: no build stage in current context');
  });
});

describe('instructions: RUN --mount', () => {
  const id = (s: string): string => s;
  it('defaults and aliases', () => {
    assert.deepEqual(parseMount('type=cache,target=/c,sharing=locked,mode=0700,uid=1', id),
      { type: 'cache', from: '', source: '', target: '/c', readOnly: false, sizeLimit: 0, id: '', required: false, sharing: 'locked', mode: 0o700, uid: 1 });
    const b = parseMount('src=x,dst=/y,rw', id);
    assert.deepEqual([b.type, b.source, b.target, b.readOnly], ['bind', 'x', '/y', false]);
    assert.equal(parseMount('type=bind,target=/y', id).readOnly, true);
    assert.equal(parseMount('type=tmpfs,target=/t,size=64m', id).sizeLimit, 64 * 2 ** 20);
    assert.equal(parseMount('type=secret,id=tok,required', id).required, true);
  });
  it('errors', () => {
    const cases: Array<[string, RegExp]> = [
      ['type=volume,target=/x', /unsupported mount type "volume"/],
      ['type=bind,target=/x,foo=1', /unexpected key 'foo' in 'foo=1'/],
      ['type=bind,target=/x,mode=0700', /mode not allowed for "bind" type mounts/],
      ['type=secret,from=x,id=a', /secret mount should not have a from/],
      ['type=bind,target=/x,required', /unexpected key 'required' for mount type 'bind'/],
      ['type=cache,target=/x,sharing=none', /unsupported sharing value "none"/],
      ['type=bind,"target=/x', /failed to parse csv mounts/],
    ];
    for (const [spec, re] of cases) assert.throws(() => parseMount(spec, id), re, spec);
  });
});
