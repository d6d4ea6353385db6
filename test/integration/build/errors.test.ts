import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runDrydock } from '../../helpers/cli.js';
import { storeWith, contextDir } from './util.js';

let root: string;
before(async () => { ({ root } = await storeWith('busybox')); });

async function buildFails(dockerfile: string, extra: string[] = [], files: Record<string, string> = {}) {
  const ctx = await contextDir({ Dockerfile: dockerfile, ...files });
  const r = await runDrydock(['build', '--progress=plain', ...extra, ctx], { root });
  assert.notEqual(r.code, 0, `build should fail:\n${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop()!;
  assert.doesNotMatch(r.stderr, /\n\s+at .*\(.*\.(ts|js):\d+/, 'no stack trace');
  return { ...r, last };
}

test('a failing RUN names the line, the command and the exit code', async () => {
  const r = await buildFails('FROM busybox\nRUN echo before\nRUN echo oops >&2 && exit 3\n');
  assert.equal(r.last, 'error: Dockerfile:3: process "/bin/sh -c echo oops >&2 && exit 3" did not complete successfully: exit code: 3');
  assert.match(r.stderr, /oops/); // the step's output is shown
});

test('an unknown instruction suggests the nearest one', async () => {
  const r = await buildFails('FROM busybox\nCOPPY a b\n');
  assert.equal(r.last, 'error: Dockerfile:2: unknown instruction "COPPY" (did you mean "COPY"?)');
});

test('a missing COPY source names the path and the line', async () => {
  const r = await buildFails('FROM busybox\nCOPY nothere.txt /x\n');
  assert.match(r.last, /^error: Dockerfile:2: .*nothere\.txt.*not found/);
});

test('an unknown --target lists the stages', async () => {
  const r = await buildFails('FROM busybox AS one\nFROM busybox AS two\n', ['--target', 'three']);
  assert.match(r.last, /three/);
  assert.match(r.last, /one/);
  assert.match(r.last, /two/);
});

test('a base image that is nowhere names the image and the FROM line', async () => {
  const r = await buildFails('FROM busybox\nFROM 127.0.0.1:9/nothing/here:1\nRUN true\n');
  assert.match(r.last, /^error: Dockerfile:2: .*127\.0\.0\.1:9\/nothing\/here:1/);
});

test('COPY --from that is neither a stage nor an image says both', async () => {
  const r = await buildFails('FROM busybox\nCOPY --from=127.0.0.1:9/builderr /x /x\n');
  assert.match(r.last, /^error: Dockerfile:2: --from=127\.0\.0\.1:9\/builderr: no stage of this Dockerfile is named .* not an image that can be found/);
});

test('an empty Dockerfile and a missing Dockerfile are one clear line', async () => {
  const r = await buildFails('');
  assert.match(r.last, /cannot be empty/);
  const ctx = await contextDir({});
  const m = await runDrydock(['build', ctx], { root });
  assert.notEqual(m.code, 0);
  assert.match(m.stderr.trim(), /^error: failed to read Dockerfile: open .*Dockerfile: no such file or directory$/);
});

test('bad flags are usage errors', async () => {
  const r = await runDrydock(['build', '--output', 'type=nope', '.'], { root });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /type must be one of/);
  const n = await runDrydock(['build', '--network', 'bridge', '.'], { root });
  assert.notEqual(n.code, 0);
  assert.match(n.stderr, /network/);
});

test('after failed builds the store is consistent', async () => {
  const r = await runDrydock(['fsck'], { root });
  assert.equal(r.code, 0, r.stderr + r.stdout);
});

test('build warnings carry line numbers, and # check=skip silences a rule', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox as base\nMAINTAINER me\n' });
  const r = await runDrydock(['build', '--progress=plain', ctx], { root });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /WARN: FromAsCasing: .*\(line 1\)/);
  assert.match(r.stderr, /WARN: MaintainerDeprecated: .*\(line 2\)/);
  const skip = await contextDir({ Dockerfile: '# check=skip=FromAsCasing\nFROM busybox as base\nMAINTAINER me\n' });
  const s = await runDrydock(['build', '--progress=plain', skip], { root });
  assert.equal(s.code, 0, s.stderr);
  assert.doesNotMatch(s.stderr, /FromAsCasing/);
  assert.match(s.stderr, /WARN: MaintainerDeprecated/);
});
