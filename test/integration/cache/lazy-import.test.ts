/**
 * A cache import is lazy: a hit downloads no blob; a layer's blob is fetched when a later step
 * builds on it, when an output stores it (the default output, --load), or an export sends it —
 * and a push to the cache's own registry mounts it without downloading. Counted in requests
 * through a proxy: machine B never fetches the builder stage of a cached multi-stage build.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { startFaultProxy, type FaultProxy, type FaultRequest } from '../../helpers/faultproxy.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { runDrydock } from '../../helpers/cli.js';
import { contextDir, machine } from './util.js';
import type { CacheConfig } from '../../../src/cache/index.js';
import type { Index, Manifest } from '../../../src/image/oci.js';

const DOCKERFILE = [
  'FROM busybox AS build',
  'RUN head -c 200000 /dev/urandom > /one',
  'RUN head -c 200000 /dev/urandom > /two',
  'ARG X=1',
  'RUN echo $X > /x',
  'FROM busybox',
  'COPY --from=build /two /two',
  'RUN echo final > /final',
  '',
].join('\n');

let registry: RegistryFixture;
let proxy: FaultProxy;
let ctx: string;
/** createdBy → layer digest, as the cache holds them. */
let layerOf: (createdBy: RegExp) => string;
let layers: Set<string>;
before(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.host, () => undefined);
  ctx = await contextDir({ Dockerfile: DOCKERFILE });
  const a = await machine();
  const r = await runDrydock(['build', '--progress=plain', '--cache-to', `type=registry,ref=${proxy.host}/lazy/app:cache,mode=max`, ctx], { root: a });
  assert.equal(r.code, 0, r.stderr);
  const get = async <T>(path: string, accept?: string) => (await (await request(`${registry.url}/v2/lazy/app/${path}`, { headers: accept ? { accept } : {} })).body.json()) as T;
  const index = await get<Index>('manifests/cache', 'application/vnd.oci.image.index.v1+json');
  const manifest = await get<Manifest>(`manifests/${index.manifests[0]!.digest}`, 'application/vnd.oci.image.manifest.v1+json');
  const cfg = await get<CacheConfig>(`blobs/${manifest.config.digest}`);
  layers = new Set(cfg.records.flatMap((x) => (x.layer?.digest ? [x.layer.digest] : [])));
  layerOf = (re) => {
    const rec = cfg.records.find((x) => re.test(x.createdBy) && x.layer);
    assert.ok(rec, `no record for ${re}`);
    return rec.layer!.digest!;
  };
});
after(async () => {
  await proxy?.stop();
  await registry?.stop();
  await removeTmpStoreRoots();
});

/** The layer blobs B downloaded from the cache while running `args`. */
async function fetchedBy(root: string, args: string[]): Promise<string[]> {
  const from = proxy.requests.length;
  const r = await runDrydock(['build', '--progress=plain', '--cache-from', `type=registry,ref=${proxy.host}/lazy/app:cache`, ...args, ctx], { root });
  assert.equal(r.code, 0, r.stderr);
  return proxy.requests.slice(from).filter((q: FaultRequest) => q.method === 'GET' && /^\/v2\/lazy\/app\/blobs\/sha256:/.test(q.path))
    .map((q) => q.path.slice(q.path.lastIndexOf('/') + 1)).filter((d) => layers.has(d)); // not the cache's config
}

test('a push to the cache\'s registry mounts the cached layers: nothing is downloaded', async () => {
  const b = await machine();
  const got = await fetchedBy(b, ['-o', `type=registry,name=${proxy.host}/lazy/out:1`]);
  assert.deepEqual(got, []);
  const pushed = proxy.requests.filter((q) => q.method === 'POST' && q.path.startsWith('/v2/lazy/out/') && q.path.includes('from=lazy%2Fapp'));
  assert.ok(pushed.length >= 2, 'the final stage\'s layers were mounted from the cache');
  const fsck = await runDrydock(['fsck'], { root: b });
  assert.equal(fsck.code, 0, `no step record names a blob the store lacks: ${fsck.stdout}${fsck.stderr}`);
  assert.doesNotMatch(fsck.stdout + fsck.stderr, /step record/);
});

test('storing the image downloads the final stage\'s layers only, never the builder stage\'s', async () => {
  const b = await machine();
  const got = await fetchedBy(b, []);
  assert.deepEqual(got.sort(), [layerOf(/^COPY/), layerOf(/echo final/)].sort());
});

test('a step that misses downloads the layers it builds on', async () => {
  const b = await machine();
  const got = await fetchedBy(b, ['--build-arg', 'X=2']);
  for (const d of [layerOf(/> \/one/), layerOf(/> \/two/)]) assert.ok(got.includes(d), 'the parents of the RUN that ran');
  assert.ok(!got.includes(layerOf(/> \/x/)), 'the record that missed is not fetched');
});
