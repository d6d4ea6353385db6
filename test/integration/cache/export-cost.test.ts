/**
 * What a registry cache export costs, counted in requests through a proxy: blobs go in parallel
 * and before any manifest (the tag last); a blob the registry has is not sent again (HEAD); one
 * drydock pushed to another repository of that registry is mounted; a conversion is done once.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { startFaultProxy, type FaultProxy, type FaultRequest } from '../../helpers/faultproxy.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { runDrydock } from '../../helpers/cli.js';
import { openStore } from '../../../src/store/index.js';
import type { Digest } from '../../../src/image/oci.js';
import { contextDir, machine } from './util.js';

const DOCKERFILE = [
  'FROM busybox AS build',
  'RUN head -c 300000 /dev/urandom > /one',
  'RUN head -c 300000 /dev/urandom > /two',
  'FROM busybox',
  'RUN head -c 300000 /dev/urandom > /three',
  'COPY --from=build /one /two /',
  'RUN echo done > /done',
  '',
].join('\n');

let registry: RegistryFixture;
let proxy: FaultProxy;
let ctx: string;
before(async () => {
  registry = await startRegistry();
  // Each finished blob upload is held 400 ms: uploads that overlap went in parallel.
  proxy = await startFaultProxy(registry.host, (r) => (isBlobPut(r) ? { delayMs: 400 } : undefined));
  ctx = await contextDir({ Dockerfile: DOCKERFILE });
});
after(async () => {
  await proxy?.stop();
  await registry?.stop();
  await removeTmpStoreRoots();
});

const isBlobPut = (r: FaultRequest) => r.method === 'PUT' && r.path.includes('/blobs/uploads/');
const isUploadStart = (r: FaultRequest) => r.method === 'POST' && r.path.includes('/blobs/uploads/') && !r.path.includes('mount=');
const isMount = (r: FaultRequest) => r.method === 'POST' && r.path.includes('mount=');
const isManifestPut = (r: FaultRequest) => r.method === 'PUT' && r.path.includes('/manifests/');

/** The requests `run` made to the registry. */
async function requestsOf(run: () => Promise<void>): Promise<FaultRequest[]> {
  const from = proxy.requests.length;
  await run();
  return proxy.requests.slice(from);
}

async function build(root: string, args: string[], env?: Record<string, string>): Promise<void> {
  const r = await runDrydock(['build', '--progress=plain', ...args, ctx], { root, env });
  assert.equal(r.code, 0, r.stderr);
}

test('blobs go up in parallel, all before the manifests, the tag last; a second export sends no blob', async () => {
  const root = await machine();
  const cacheTo = ['--cache-to', `type=registry,ref=${proxy.host}/cost/app:cache,mode=max`];
  const first = await requestsOf(() => build(root, cacheTo));
  const puts = first.filter(isBlobPut);
  assert.ok(puts.length >= 6, `5 layers and the cache config, got ${puts.length}`);
  const overlapping = puts.some((p, i) => puts.some((q, j) => i !== j && Math.abs(p.time - q.time) < 400));
  assert.ok(overlapping, `blob uploads ran one at a time: ${puts.map((p) => p.time - puts[0]!.time).join(', ')} ms`);
  const manifests = first.filter(isManifestPut);
  assert.equal(manifests.length, 2, 'the manifest, then the index under the tag');
  assert.ok(Math.max(...puts.map((p) => p.n)) < Math.min(...manifests.map((m) => m.n)), 'every blob before any manifest');
  assert.match(manifests.at(-1)!.path, /\/manifests\/cache$/);

  const second = await requestsOf(() => build(root, cacheTo));
  assert.equal(second.filter(isUploadStart).length, 0, 'nothing uploaded again');
  assert.equal(second.filter(isBlobPut).length, 0);
  assert.ok(second.filter((r) => r.method === 'HEAD').length >= 6, 'each blob checked with HEAD');
});

test('layers pushed to another repository of the registry are mounted into the cache, not uploaded', async () => {
  const root = await machine();
  const reqs = await requestsOf(() => build(root, [
    '-o', `type=registry,name=${proxy.host}/cost/img:1`,
    '--cache-to', `type=registry,ref=${proxy.host}/cost/img-cache:1,mode=min`,
  ]));
  const cache = reqs.filter((r) => r.path.startsWith('/v2/cost/img-cache/'));
  const mounted = cache.filter(isMount);
  assert.ok(mounted.length >= 3, `the final stage's 3 layers mounted: ${cache.map((r) => `${r.method} ${r.path}`).join('\n')}`);
  assert.ok(mounted.every((r) => r.path.includes('from=cost%2Fimg')), mounted.map((r) => r.path).join('\n'));
  assert.equal(cache.filter(isUploadStart).length, 1, 'only the cache config is uploaded');
});

test('compression=zstd converts each layer once: a second export compresses nothing', async () => {
  const root = await machine();
  // A zstd on PATH that logs its arguments, then runs the real one.
  const bin = await mkdtemp(join(tmpdir(), 'drydock-zstd-log-'));
  const log = join(bin, 'log');
  await writeFile(join(bin, 'zstd'), `#!/bin/sh\necho "$*" >> ${log}\nexec /usr/bin/zstd "$@"\n`);
  await chmod(join(bin, 'zstd'), 0o755);
  const env = { PATH: `${bin}:${process.env.PATH}` };
  const cacheTo = ['--cache-to', `type=registry,ref=${proxy.host}/cost/zstd:cache,mode=max,compression=zstd`];
  await build(root, cacheTo, env);
  const compressions = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => l.startsWith('-c ')).length;
  const first = await compressions();
  assert.ok(first >= 5, `5 layers compressed once, got ${first}`);
  const second = await requestsOf(() => build(root, cacheTo, env));
  assert.equal(await compressions(), first, 'no layer compressed again');
  assert.equal(second.filter(isBlobPut).length, 0, 'the same zstd blobs: nothing uploaded again');
});

test('the registry is probed (GET /v2/) while the cache artifact is written, not after it, and once', async () => {
  const root = await machine();
  const repo = 'cost/probe';
  const reqs = await requestsOf(() => build(root, ['--cache-to', `type=registry,ref=${proxy.host}/${repo}:cache,mode=max`]));
  const pings = reqs.filter((r) => r.method === 'GET' && r.path === '/v2/');
  assert.equal(pings.length, 1, reqs.map((r) => `${r.method} ${r.path}`).join('\n'));
  // The cache config (records and traces) is the last blob the export writes into the store.
  const index = await (await fetch(`${registry.url}/v2/${repo}/manifests/cache`, { headers: { accept: 'application/vnd.oci.image.index.v1+json' } })).json() as { manifests: Array<{ digest: string }> };
  const manifest = await (await fetch(`${registry.url}/v2/${repo}/manifests/${index.manifests[0]!.digest}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).json() as { config: { digest: string } };
  const written = (await stat((await openStore(root)).content.path(manifest.config.digest as Digest))).mtimeMs;
  assert.ok(pings[0]!.time <= written, `the probe came ${pings[0]!.time - written} ms after the cache config was written`);
});
