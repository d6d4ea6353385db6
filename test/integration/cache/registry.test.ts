/**
 * Build caches shared between "machines": store roots that share nothing but a registry (real
 * docker-registry on 127.0.0.1) or a directory. A build that imports another machine's cache
 * runs no step and produces the same image; a changed source re-runs only what depends on it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { openStore } from '../../../src/store/index.js';
import { runDrydock } from '../../helpers/cli.js';
import { CACHE_ARTIFACT_TYPE } from '../../../src/cache/index.js';
import { buildOn, cacheCounts, contextDir, executedSteps, machine, warnings, writeFiles } from './util.js';

const DOCKERFILE = [
  'FROM busybox AS build',
  'RUN echo built > /out',
  'FROM busybox',
  'RUN echo before > /before',
  'COPY app.txt /app.txt',
  'RUN cat /app.txt > /copy',
  'ENV MODE=prod',
  'COPY --from=build /out /out',
  'LABEL x=y',
  '',
].join('\n');

let registry: RegistryFixture;
let ctx: string;
before(async () => {
  registry = await startRegistry();
  ctx = await contextDir({ Dockerfile: DOCKERFILE, 'app.txt': 'v1\n' });
});
after(async () => {
  await registry?.stop();
  await removeTmpStoreRoots();
});

test('registry cache (mode=max): the second machine runs no step and builds the same image; a changed file re-runs only what follows its COPY', async () => {
  const ref = `${registry.host}/app:cache`;
  const a = await machine();
  const first = await buildOn(a, ctx, { tags: ['app'], cacheTo: [{ type: 'registry', ref, mode: 'max' }] });
  assert.equal(cacheCounts(first.events).cached, 0);

  const b = await machine();
  const second = await buildOn(b, ctx, { tags: ['app'], cacheFrom: [{ type: 'registry', ref }] });
  assert.deepEqual(executedSteps(second.events), []);
  assert.deepEqual(cacheCounts(second.events), { cached: 5, total: 5 });
  assert.equal(second.imageId, first.imageId);
  assert.equal(second.manifestDigest, first.manifestDigest);

  await writeFiles(ctx, { 'app.txt': 'v2\n' });
  try {
    const third = await buildOn(b, ctx, { tags: ['app'], cacheFrom: [{ type: 'registry', ref }] });
    assert.deepEqual(executedSteps(third.events), [
      'stage-1 COPY app.txt /app.txt',
      'stage-1 RUN cat /app.txt > /copy',
      'stage-1 COPY --from=build /out /out',
    ]);
    assert.notEqual(third.imageId, first.imageId);
  } finally {
    await writeFiles(ctx, { 'app.txt': 'v1\n' });
  }
});

test('registry cache (mode=min) holds only the final image\'s stages: the builder stage runs again', async () => {
  const ref = `${registry.host}/app:min`;
  const a = await machine();
  const first = await buildOn(a, ctx, { cacheTo: [{ type: 'registry', ref }] });
  const b = await machine();
  const second = await buildOn(b, ctx, { cacheFrom: [{ type: 'registry', ref }] });
  assert.deepEqual(executedSteps(second.events), ['build RUN echo built > /out']);
  assert.equal(second.imageId, first.imageId);
});

test('local cache (type=local dest/src): an OCI layout another machine imports', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-cache-'));
  const a = await machine();
  const first = await buildOn(a, ctx, { cacheTo: [{ type: 'local', dir, mode: 'max' }] });
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
  assert.equal(index.manifests.length, 1);
  assert.equal(index.manifests[0]!.annotations?.['org.opencontainers.image.ref.name'], 'latest');
  const top = JSON.parse(await readFile(join(dir, 'blobs/sha256', index.manifests[0]!.digest.slice(7)), 'utf8')) as { artifactType: string; manifests: Array<{ artifactType: string }> };
  assert.equal(top.artifactType, CACHE_ARTIFACT_TYPE);
  assert.equal(top.manifests[0]!.artifactType, CACHE_ARTIFACT_TYPE);

  const b = await machine();
  const second = await buildOn(b, ctx, { cacheFrom: [{ type: 'local', dir }] });
  assert.deepEqual(executedSteps(second.events), []);
  assert.equal(second.imageId, first.imageId);
});

test('inline cache travels in the pushed image; type=registry output pushes without storing', async () => {
  const name = `${registry.host}/app:inline`;
  const a = await machine();
  const first = await buildOn(a, ctx, { cacheTo: [{ type: 'inline' }], outputs: [{ type: 'registry', name, attrs: {} }] });
  const storeA = await openStore(a);
  assert.equal(await storeA.images.get(name), undefined, 'a registry output does not name the image in the store');

  const b = await machine();
  const second = await buildOn(b, ctx, { cacheFrom: [{ type: 'registry', ref: name }], cacheTo: [{ type: 'inline' }] });
  // Inline caches are mode=min: only the builder stage runs again.
  assert.deepEqual(executedSteps(second.events), ['build RUN echo built > /out']);
  assert.equal(second.imageId, first.imageId);
});

test('a cache that cannot be imported is a warning, and the build runs', async () => {
  const a = await machine();
  const r = await buildOn(a, ctx, { cacheFrom: [{ type: 'registry', ref: `${registry.host}/nothing:here` }] });
  assert.equal(cacheCounts(r.events).cached, 0);
  assert.match(warnings(r.events).join('\n'), /importing cache from 127\.0\.0\.1:\d+\/nothing:here: .*not found/);
});

test('a failed cache export fails the build, naming the destination; ignore-error=true makes it a warning', async () => {
  const locked = await startRegistry({ htpasswd: { user: 'u', password: 'p' } });
  try {
    const ref = `${locked.host}/app:cache`;
    const a = await machine();
    await assert.rejects(buildOn(a, ctx, { cacheTo: [{ type: 'registry', ref }] }),
      (e: Error) => e.message.startsWith(`cache export to ${ref}: `) && /unauthorized/.test(e.message));
    const r = await buildOn(a, ctx, { cacheTo: [{ type: 'registry', ref, ignoreError: true }] });
    assert.match(warnings(r.events).join('\n'), /cache export to .*unauthorized.*\(ignored: ignore-error=true\)/);
  } finally {
    await locked.stop();
  }
});

test('the CLI flags: --cache-to type=local,dest=DIR,mode=max then --cache-from type=local,src=DIR', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-cache-cli-'));
  const steps = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type: string; cached?: boolean }).filter((e) => e.type === 'step-done');
  const a = await machine();
  const first = await runDrydock(['build', '--progress=rawjson', '--iidfile', join(dir, 'a.iid'), '--cache-to', `type=local,dest=${dir},mode=max`, ctx], { root: a });
  assert.equal(first.code, 0, first.stderr);
  const b = await machine();
  const second = await runDrydock(['build', '--progress=rawjson', '--iidfile', join(dir, 'b.iid'), '--cache-from', `type=local,src=${dir}`, ctx], { root: b });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(steps(second.stderr).length, 5);
  assert.ok(steps(second.stderr).every((e) => e.cached));
  assert.equal(await readFile(join(dir, 'b.iid'), 'utf8'), await readFile(join(dir, 'a.iid'), 'utf8'));

  const bad = await runDrydock(['build', '--cache-to', 'type=local', ctx], { root: b });
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr.trim(), 'error: --cache-to type=local needs dest=DIR');
});
