/**
 * A base image is pulled lazily when the build imports a cache: resolving FROM fetches the
 * manifest and config (all the cache key and the image config need), and the layer blobs only
 * when a step of that stage runs, a COPY --from reads it, or an output stores them — BuildKit
 * resolves the config (ResolveImageConfig) and pulls layers lazily too. Counted in blob GETs
 * through a proxy: machine B, with A's registry cache, never downloads the builder's base.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/faultproxy.js';
import { seedRegistry } from '../../helpers/fixtures.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { runDrydock } from '../../helpers/cli.js';
import { openStore } from '../../../src/store/index.js';
import { contextDir } from './util.js';
import type { Index, Manifest } from '../../../src/image/oci.js';

let registry: RegistryFixture;
let proxy: FaultProxy;
let ctx: string;
let debianRef: string;
let debianRepo: string;
/** The debian base's layer digests, as the registry serves them. */
let debianLayers: string[];
let busyboxLayers: string[];

/** The layer digests of `ref` (HOST/repo:tag) as the registry serves them. */
async function layersOf(ref: string): Promise<string[]> {
  const repo = ref.slice(registry.host.length + 1).split(':')[0]!;
  const accept = 'application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  const get = async (tag: string) => (await (await request(`${registry.url}/v2/${repo}/manifests/${tag}`, { headers: { accept } })).body.json()) as Manifest & Index;
  let m = await get(ref.split(':').pop()!);
  if (m.manifests) m = await get(m.manifests[0]!.digest);
  return m.layers.map((l) => l.digest);
}

before(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.host, () => undefined);
  const seeded = await seedRegistry(registry, ['busybox', 'debian']);
  const viaProxy = (ref: string) => proxy.host + ref.slice(registry.host.length);
  debianRef = viaProxy(seeded.debian);
  debianRepo = seeded.debian.slice(registry.host.length + 1).split(':')[0]!;
  debianLayers = await layersOf(seeded.debian);
  busyboxLayers = await layersOf(seeded.busybox);
  assert.ok(debianLayers.length > 0);
  ctx = await contextDir({
    Dockerfile: [
      `FROM ${debianRef} AS build`,
      'ARG X=1',
      'RUN echo built-$X > /out',
      `FROM ${viaProxy(seeded.busybox)}`,
      'COPY --from=build /out /out',
      '',
    ].join('\n'),
  });
  const a = await tmpStoreRoot();
  const r = await runDrydock(['build', '--progress=plain', '--cache-to', `type=registry,ref=${proxy.host}/lazybase/app:cache,mode=max`, ctx], { root: a });
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await proxy?.stop();
  await registry?.stop();
  await removeTmpStoreRoots();
});

/** Builds on an empty store B with A's cache; returns the debian layer blobs it downloaded, the files, the root. */
async function buildOnB(args: string[]): Promise<{ got: string[]; out: string; root: string }> {
  const root = await tmpStoreRoot();
  const dest = join(root, 'out-fs');
  const from = proxy.requests.length;
  const r = await runDrydock(['build', '--progress=plain', '--cache-from', `type=registry,ref=${proxy.host}/lazybase/app:cache`,
    '-o', 'type=image,name=app:1', '-o', `type=local,dest=${dest}`, ...args, ctx], { root });
  assert.equal(r.code, 0, r.stderr);
  const got = proxy.requests.slice(from).filter((q) => q.method === 'GET' && q.path.startsWith(`/v2/${debianRepo}/blobs/`))
    .map((q) => q.path.slice(q.path.lastIndexOf('/') + 1)).filter((d) => debianLayers.includes(d));
  const fsck = await runDrydock(['fsck'], { root });
  assert.equal(fsck.code, 0, `fsck: ${fsck.stdout}${fsck.stderr}`);
  return { got, out: await readFile(join(dest, 'out'), 'utf8'), root };
}

test('a builder stage that hits the cache never downloads its base image\'s layers', async () => {
  const b = await buildOnB([]);
  assert.deepEqual(b.got, [], 'no GET of the debian layers');
  assert.equal(b.out, 'built-1\n');
  const store = await openStore(b.root);
  assert.ok(await store.images.get('app:1'), 'the image is stored');
  assert.equal(await store.images.get(debianRef), undefined, 'an incomplete base is not tagged');
});

test('a builder step that misses downloads the base\'s layers, and the complete base is tagged', async () => {
  const b = await buildOnB(['--build-arg', 'X=2']);
  assert.deepEqual([...new Set(b.got)].sort(), [...debianLayers].sort());
  assert.equal(b.out, 'built-2\n');
  const store = await openStore(b.root);
  assert.ok(await store.images.get(debianRef), 'the base is tagged once all its layers are here');
});

test('a push to the base\'s registry mounts its layers: neither base is downloaded', async () => {
  const root = await tmpStoreRoot();
  const from = proxy.requests.length;
  const r = await runDrydock(['build', '--progress=plain', '--cache-from', `type=registry,ref=${proxy.host}/lazybase/app:cache`,
    '-o', `type=registry,name=${proxy.host}/lazybase/out:1`, ctx], { root });
  assert.equal(r.code, 0, r.stderr);
  const seen = proxy.requests.slice(from);
  const bases = new Set([...debianLayers, ...busyboxLayers]);
  const gets = seen.filter((q) => q.method === 'GET' && q.path.includes('/blobs/')).map((q) => q.path.slice(q.path.lastIndexOf('/') + 1));
  assert.deepEqual(gets.filter((d) => bases.has(d)), [], 'no base layer blob is downloaded');
  assert.ok(seen.some((q) => q.method === 'POST' && q.path.startsWith('/v2/lazybase/out/blobs/uploads/') && q.path.includes('from=library%2Fbusybox')), 'the busybox layers are mounted');
  const fsck = await runDrydock(['fsck'], { root });
  assert.equal(fsck.code, 0, `fsck: ${fsck.stdout}${fsck.stderr}`);
});
