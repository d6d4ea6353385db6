/**
 * SOURCE_DATE_EPOCH through the CLI, in both of BuildKit's forms (docs/build-repro.md in
 * moby/buildkit): `--build-arg SOURCE_DATE_EPOCH=N`, and the environment variable, which clients
 * pass as that build arg (cmd/buildctl/build/opt.go, loadOptEnv) so an explicit --build-arg wins.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runDrydock } from '../../helpers/cli.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { build } from '../../../src/build/build.js';
import { storeWith, contextDir, imageFiles } from './util.js';

after(removeTmpStoreRoots);

const EPOCH = 1700000000;
// The RUN writes files (their mtimes are the build's time unless clamped), and the ARG makes the
// value part of the RUN's environment, so both forms must hand the Dockerfile the same build arg.
const DOCKERFILE = 'FROM busybox\nARG SOURCE_DATE_EPOCH\nRUN echo "epoch=$SOURCE_DATE_EPOCH" > /epoch && mkdir -p /d/e && touch /d/e/f\nCOPY f /d/f\nENV X=1\n';

async function cliBuild(args: string[], env: Record<string, string | undefined> = {}) {
  const { root, store } = await storeWith('busybox');
  const ctx = await contextDir({ Dockerfile: DOCKERFILE, f: 'x\n' });
  const r = await runDrydock(['build', '-q', '-t', 'epoch:1', ...args, ctx], { root, env: { SOURCE_DATE_EPOCH: undefined, ...env } });
  assert.equal(r.code, 0, r.stderr);
  return { id: r.stdout.trim(), store };
}

test('--build-arg SOURCE_DATE_EPOCH makes the image reproducible, the same as the environment variable', async () => {
  const a = await cliBuild(['--build-arg', `SOURCE_DATE_EPOCH=${EPOCH}`]);
  const b = await cliBuild(['--build-arg', `SOURCE_DATE_EPOCH=${EPOCH}`]);
  assert.match(a.id, /^sha256:[0-9a-f]{64}$/);
  assert.equal(a.id, b.id, 'two stores, one image');
  const env = await cliBuild([], { SOURCE_DATE_EPOCH: String(EPOCH) });
  assert.equal(env.id, a.id, 'the environment variable is the same build arg');
  const both = await cliBuild(['--build-arg', `SOURCE_DATE_EPOCH=${EPOCH}`], { SOURCE_DATE_EPOCH: '5' });
  assert.equal(both.id, a.id, 'an explicit --build-arg wins over the environment');

  const fs = await imageFiles(a.store, 'epoch:1');
  try {
    const history = fs.config.history ?? [];
    const ours = history.slice(-4); // ARG, RUN, COPY, ENV
    assert.equal(ours.length, 4);
    for (const h of ours) assert.equal(Date.parse(h.created!), EPOCH * 1000, `${h.created_by}: ${h.created}`);
    assert.equal(Date.parse(fs.config.created!), EPOCH * 1000);
    assert.equal(await readFile(join(fs.dir, 'epoch'), 'utf8'), `epoch=${EPOCH}\n`);
  } finally { await fs.cleanup(); }
});

test('without SOURCE_DATE_EPOCH two stores give two images (the RUN timestamps differ)', async () => {
  const a = await cliBuild([]);
  const b = await cliBuild([]);
  assert.notEqual(a.id, b.id);
});

test('a malformed SOURCE_DATE_EPOCH is one usage error, unless a --build-arg overrides it', async () => {
  const { root } = await storeWith('busybox');
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN true\n' });
  const bad = await runDrydock(['build', '-q', '--build-arg', 'SOURCE_DATE_EPOCH=yesterday', ctx], { root });
  assert.notEqual(bad.code, 0);
  assert.equal(bad.stderr.trim(), 'error: invalid SOURCE_DATE_EPOCH "yesterday": expected a whole number of seconds');
  // the environment's value is the build arg, so --build-arg replaces it before anyone reads it
  const ok = await runDrydock(['build', '-q', '--build-arg', `SOURCE_DATE_EPOCH=${EPOCH}`, ctx], { root, env: { SOURCE_DATE_EPOCH: 'bad' } });
  assert.equal(ok.code, 0, ok.stderr);
});

test('build(): the build arg wins over sourceDateEpoch; a global ARG default applies when neither is given', async () => {
  const { root } = await storeWith('busybox');
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo hi > /hi\n' });
  const viaArg = await build({ context: ctx, root, buildArgs: { SOURCE_DATE_EPOCH: String(EPOCH) }, sourceDateEpoch: 5 });
  assert.equal(Date.parse(viaArg.config.created!), EPOCH * 1000);
  const viaOption = await build({ context: ctx, root, sourceDateEpoch: 5 });
  assert.equal(Date.parse(viaOption.config.created!), 5000);
  const empty = await build({ context: ctx, root, buildArgs: { SOURCE_DATE_EPOCH: '' }, sourceDateEpoch: 5 });
  assert.ok(Date.parse(empty.config.created!) > EPOCH * 1000, 'an empty build arg is unset');
  // BuildKit: "When the caller does not pass SOURCE_DATE_EPOCH, the Dockerfile may define a default in the global scope"
  const dflt = await contextDir({ Dockerfile: `ARG SOURCE_DATE_EPOCH=${EPOCH}\nFROM busybox\nRUN echo hi > /hi\n` });
  const viaDefault = await build({ context: dflt, root });
  assert.equal(Date.parse(viaDefault.config.created!), EPOCH * 1000);
  const overridden = await build({ context: dflt, root, buildArgs: { SOURCE_DATE_EPOCH: '7' } });
  assert.equal(Date.parse(overridden.config.created!), 7000);
});
