/**
 * `--explain` in CI: the earlier build is found through the cache (the record after the last hit),
 * not the Dockerfile's path, so a checkout in another directory, or another machine importing a
 * registry cache, is told which file made it miss.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { runDrydock } from '../../helpers/cli.js';
import { contextDir, machine, writeFiles } from './util.js';

const DOCKERFILE = [
  'FROM busybox',
  'WORKDIR /src',
  'COPY go.mod ./',
  'RUN cat go.mod > /deps',
  'COPY . .',
  'RUN cat main.go > /app',
  '',
].join('\n');
const FILES = { Dockerfile: DOCKERFILE, 'go.mod': 'module example.com/app\n', 'main.go': 'package main\nfunc main() {}\n', 'util.go': 'package main\n' };

let registry: RegistryFixture;
before(async () => { registry = await startRegistry(); });
after(async () => {
  await registry?.stop();
  await removeTmpStoreRoots();
});

/** A copy of `ctx` in a new directory (another CI checkout), with main.go edited. */
async function otherCheckout(ctx: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'drydock-checkout-')), 'project');
  await cp(ctx, dir, { recursive: true });
  await writeFiles(dir, { 'main.go': 'package main\nfunc main() { println("v2") }\n' });
  return dir;
}

/** The `why not cached:` section --explain prints. */
function section(stderr: string): string {
  const i = stderr.indexOf('why not cached:');
  assert.ok(i >= 0, stderr);
  const end = stderr.indexOf('\n\n', i);
  return stderr.slice(i, end < 0 ? undefined : end + 1).split('\n').filter((l) => l === '' || l.startsWith('why') || l.startsWith('      ') || l.startsWith('  [')).join('\n');
}

test('machine B, with an empty store, says why it missed machine A\'s registry cache: the file that changed', async () => {
  const ref = `${registry.host}/explain/app:cache`;
  const ctx = await contextDir(FILES);
  const a = await machine();
  const first = await runDrydock(['build', '--progress=plain', '--cache-to', `type=registry,ref=${ref},mode=max`, ctx], { root: a });
  assert.equal(first.code, 0, first.stderr);

  const b = await machine();
  const r = await runDrydock(['build', '--progress=plain', '--explain', '--cache-from', `type=registry,ref=${ref}`, await otherCheckout(ctx)], { root: b });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(section(r.stderr), [
    'why not cached:',
    '  [stage-0] COPY . .',
    '      files it copies: 1 changed (main.go)',
    '  [stage-0] RUN cat main.go > /app',
    '      the step before it was rebuilt (COPY . .)',
    '',
  ].join('\n'));
  assert.doesNotMatch(r.stderr, /no earlier build/);
});

test('the same store, another directory: compared with the build the cache holds, not "no earlier build"', async () => {
  const ctx = await contextDir(FILES);
  const root = await machine();
  const first = await runDrydock(['build', '--progress=plain', ctx], { root });
  assert.equal(first.code, 0, first.stderr);
  const r = await runDrydock(['build', '--progress=plain', '--explain', await otherCheckout(ctx)], { root });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /#\d+ not cached: files it copies: 1 changed \(main\.go\)/);
  assert.match(section(r.stderr), /COPY \. \.\n {6}files it copies: 1 changed \(main\.go\)\n/);
});

test('prune --cache drops the traces of the records it drops', async () => {
  const { readdir } = await import('node:fs/promises');
  const ctx = await contextDir(FILES);
  const root = await machine();
  assert.equal((await runDrydock(['build', '--progress=plain', ctx], { root })).code, 0);
  const traces = async () => (await readdir(join(root, 'cache', 'traces')).catch(() => [])).filter((f) => f.endsWith('.json'));
  assert.ok((await traces()).length >= 4, 'one trace per layer step');
  const r = await runDrydock(['prune', '--cache'], { root });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await traces(), []);
});
