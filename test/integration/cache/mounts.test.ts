/**
 * Cache mounts that travel (issue 17): machine A fills a RUN --mount=type=cache and exports it
 * with `--cache-to ...,mounts=true`; machine B (an empty store) runs a different step on the same
 * cache id and finds A's files, owners, modes and symlinks. A cache id B does not mount is never
 * downloaded, and a small change re-exports only the chunks it touched.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/faultproxy.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { runDrydock } from '../../helpers/cli.js';
import { openStore } from '../../../src/store/index.js';
import { imageFiles } from '../build/util.js';
import { buildOn, contextDir, executedSteps, machine, warnings } from './util.js';

// 160 random 64 KiB files (10 MiB: several chunks), an owned file, a symlink and checksums.
const FILL = [
  'FROM busybox',
  'ARG V=1',
  `RUN --mount=type=cache,id=deps,target=/cache,sharing=locked sh -c '[ -e /cache/link ] || { mkdir /cache/d && for i in $(seq 100 259); do dd if=/dev/urandom of=/cache/d/f$i bs=64k count=1 2>/dev/null; done; echo hello > /cache/hello; chown 1234:5678 /cache/hello; chmod 640 /cache/hello; ln -s hello /cache/link; chmod 1777 /cache/d; }; echo $V > /cache/d/f150; cd /cache && sha256sum d/* > sums'`,
  `RUN --mount=type=cache,id=unused,target=/other sh -c 'dd if=/dev/urandom of=/other/big bs=64k count=8 2>/dev/null'`,
  '',
].join('\n');
// Another step (B never runs A's) that mounts `deps` elsewhere and records what it finds.
const USE = [
  'FROM busybox',
  `RUN --mount=type=cache,id=deps,target=/c,sharing=locked sh -c 'cd /c && sha256sum -c sums > /dev/null && echo sums-ok > /found && stat -c "%u:%g %a" hello d >> /found && readlink link >> /found && cat d/f150 >> /found'`,
  '',
].join('\n');
const FOUND = 'sums-ok\n1234:5678 640\n0:0 1777\nhello\n1\n';

let registry: RegistryFixture;
let proxy: FaultProxy;
before(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.host, () => undefined);
});
after(async () => {
  await proxy?.stop();
  await registry?.stop();
  await removeTmpStoreRoots();
});

/** The cache's config and each mount's index, read straight from the registry. */
async function cacheMounts(repo: string, tag: string): Promise<Map<string, { index: string; chunks: string[] }>> {
  const get = async (path: string, accept?: string) => {
    const res = await request(`${registry.url}/v2/${repo}/${path}`, { headers: accept ? { accept } : {} });
    assert.equal(res.statusCode, 200, path);
    return res.body.json() as Promise<any>;
  };
  const index = await get(`manifests/${tag}`, 'application/vnd.oci.image.index.v1+json');
  const manifest = await get(`manifests/${index.manifests[0].digest}`, 'application/vnd.oci.image.manifest.v1+json');
  const types = new Set(manifest.layers.map((l: { mediaType: string }) => l.mediaType));
  assert.deepEqual([...types].sort(), ['application/vnd.drydock.cache.mount.index.v1+json', 'application/vnd.oci.image.layer.v1.tar+gzip']);
  const config = await get(`blobs/${manifest.config.digest}`);
  const out = new Map<string, { index: string; chunks: string[] }>();
  for (const m of config.mounts) {
    const idx = await get(`blobs/${m.index}`);
    out.set(m.id, { index: m.index, chunks: idx.chunks.map((c: { digest: string }) => c.digest) });
  }
  return out;
}

/** Digests whose blobs went up (the request that names the digest: monolithic or final PUT). */
function uploaded(from: number): Set<string> {
  return new Set(proxy.requests.slice(from).flatMap((r) => {
    const m = /[?&]digest=(sha256(?::|%3A)[0-9a-f]{64})/i.exec(r.path);
    return (r.method === 'PUT' || r.method === 'POST') && m ? [decodeURIComponent(m[1]!)] : [];
  }));
}

async function foundOn(root: string, tag: string): Promise<string> {
  const fs = await imageFiles(await openStore(root), tag);
  try {
    return await readFile(join(fs.dir, 'found'), 'utf8');
  } finally {
    await fs.cleanup();
  }
}

test('registry: B restores only the cache id it mounts, with owners, modes and symlinks; a small change uploads only its chunks', async () => {
  const ref = `${proxy.host}/app:cache`;
  const a = await machine();
  const fill = await contextDir({ Dockerfile: FILL });
  let r = await runDrydock(['build', '-q', '--cache-to', `type=registry,ref=${ref},mode=max,mounts=true`, fill], { root: a });
  assert.equal(r.code, 0, r.stderr);
  const first = await cacheMounts('app', 'cache');
  const deps = first.get('deps')!;
  const unused = first.get('unused')!;
  assert.ok(deps.chunks.length >= 5, `10 MiB in ${deps.chunks.length} chunks`);
  assert.ok(unused.chunks.length >= 1);

  const b = await machine();
  const mark = proxy.requests.length;
  const use = await contextDir({ Dockerfile: USE });
  // B exports what it restored (and only read): the same chunks, byte for byte, so none goes up again.
  const built = await buildOn(b, use, { tags: ['use'], cacheFrom: [{ type: 'registry', ref }], cacheTo: [{ type: 'registry', ref: `${proxy.host}/app:cache-b`, mode: 'max', mounts: true }] });
  assert.deepEqual(warnings(built.events), []);
  assert.equal(await foundOn(b, 'use'), FOUND);
  assert.deepEqual((await cacheMounts('app', 'cache-b')).get('deps'), deps);
  assert.deepEqual(deps.chunks.filter((c) => uploaded(mark).has(c)), []);
  const gets = new Set(proxy.requests.slice(mark).filter((q) => q.method === 'GET').map((q) => q.path.split('/').pop()));
  assert.ok(gets.has(deps.index) && deps.chunks.every((c) => gets.has(c)), 'deps is restored from the registry');
  for (const d of [unused.index, ...unused.chunks]) assert.ok(!gets.has(d), `blob ${d} of the unused cache id was downloaded`);

  // A small change on A: one 2-byte file and the checksums; the other chunks are already there.
  const before = proxy.requests.length;
  r = await runDrydock(['build', '-q', '--build-arg', 'V=2', '--cache-to', `type=registry,ref=${ref},mode=max,mounts=deps`, fill], { root: a });
  assert.equal(r.code, 0, r.stderr);
  const second = await cacheMounts('app', 'cache');
  assert.deepEqual([...second.keys()], ['deps'], 'mounts=deps picks that id alone');
  const changed = second.get('deps')!.chunks.filter((c) => uploaded(before).has(c));
  assert.ok(changed.length >= 1 && changed.length <= 2, `${changed.length} of ${second.get('deps')!.chunks.length} chunks uploaded again`);
  assert.equal(second.get('deps')!.chunks.filter((c) => !deps.chunks.includes(c)).length, changed.length);
});

test('a fully cached build that exports back where it imported from keeps the mounts without downloading them; a chunk that cannot be had leaves the mount empty with a warning', async () => {
  const ref = `${proxy.host}/keep:cache`;
  const fill = await contextDir({ Dockerfile: FILL });
  const a = await machine();
  await buildOn(a, fill, { cacheTo: [{ type: 'registry', ref, mode: 'max', mounts: true }] });
  const first = await cacheMounts('keep', 'cache');

  const b = await machine();
  const mark = proxy.requests.length;
  const again = await buildOn(b, fill, { cacheFrom: [{ type: 'registry', ref }], cacheTo: [{ type: 'registry', ref, mode: 'max', mounts: true }] });
  assert.deepEqual(executedSteps(again.events), []);
  const gets = new Set(proxy.requests.slice(mark).filter((q) => q.method === 'GET').map((q) => q.path.split('/').pop()));
  for (const m of first.values()) for (const c of m.chunks) assert.ok(!gets.has(c), 'a kept mount is not downloaded');
  assert.deepEqual(await cacheMounts('keep', 'cache'), first);

  // The registry loses one of deps' chunks: B's RUN runs on an empty cache (sha256sum -c fails, so check the warning only).
  const lost = first.get('deps')!.chunks[1]!;
  const failing = await startFaultProxy(registry.host, (q) => (q.method === 'GET' && q.path.endsWith(lost) ? { status: 404 } : undefined));
  try {
    const c = await machine();
    const probe = await contextDir({ Dockerfile: 'FROM busybox\nRUN --mount=type=cache,id=deps,target=/c,sharing=locked sh -c \'ls /c | wc -l > /count\'\n' });
    const built = await buildOn(c, probe, { tags: ['probe'], cacheFrom: [{ type: 'registry', ref: `${failing.host}/keep:cache` }] });
    assert.equal(warnings(built.events).length, 1);
    assert.match(warnings(built.events)[0]!, /^cache mount deps from registry .*: .*; starting it empty$/);
    const fs = await imageFiles(await openStore(c), 'probe');
    try {
      assert.equal(await readFile(join(fs.dir, 'count'), 'utf8'), '0\n');
    } finally {
      await fs.cleanup();
    }
  } finally {
    await failing.stop();
  }
});

test('type=local: another machine finds the files; the unused cache id is not copied into its store', async () => {
  const dest = await mkdtemp(join(tmpdir(), 'drydock-mounts-local-'));
  const a = await machine();
  await buildOn(a, await contextDir({ Dockerfile: FILL }), { cacheTo: [{ type: 'local', dir: dest, mode: 'max', mounts: true }] });
  const b = await machine();
  const built = await buildOn(b, await contextDir({ Dockerfile: USE }), { tags: ['use'], cacheFrom: [{ type: 'local', dir: dest }] });
  assert.deepEqual(executedSteps(built.events), ['stage-0 RUN --mount=type=cache,id=deps,target=/c,sharing=locked sh -c \'cd /c && sha256sum -c sums > /dev/null && echo sums-ok > /found && stat -c "%u:%g %a" hello d >> /found && readlink link >> /found && cat d/f150 >> /found\'']);
  assert.equal(await foundOn(b, 'use'), FOUND);
  const index = JSON.parse(await readFile(join(dest, 'index.json'), 'utf8'));
  const top = JSON.parse(await readFile(join(dest, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8'));
  const manifest = JSON.parse(await readFile(join(dest, 'blobs/sha256', top.manifests[0].digest.slice(7)), 'utf8'));
  const config = JSON.parse(await readFile(join(dest, 'blobs/sha256', manifest.config.digest.slice(7)), 'utf8'));
  const unused = config.mounts.find((m: { id: string }) => m.id === 'unused');
  const store = await openStore(b);
  assert.equal(await store.content.has(unused.index), false);
  const deps = config.mounts.find((m: { id: string }) => m.id === 'deps');
  assert.equal(await store.content.has(deps.index), true);
  // The restored files are known to pack into the chunks they came from: B's next export packs only what its RUNs change.
  const chunks = JSON.parse(await readFile(join(dest, 'blobs/sha256', deps.index.slice(7)), 'utf8')).chunks.map((c: { digest: string }) => c.digest);
  const memo = JSON.parse(await readFile(join(b, 'cache/mounts', deps.name, 'export-memo.json'), 'utf8'));
  assert.deepEqual(Object.values(memo).map((x: any) => x.digest).sort(), [...chunks].sort());
});

test('a mount over mounts-max-size is left out with a warning', async () => {
  const dest = await mkdtemp(join(tmpdir(), 'drydock-mounts-max-'));
  const a = await machine();
  const built = await buildOn(a, await contextDir({ Dockerfile: FILL }), { cacheTo: [{ type: 'local', dir: dest, mode: 'max', mounts: true, mountsMaxSize: 1 << 20 }] });
  assert.deepEqual(warnings(built.events), ['cache mount deps not exported: more than 1.05 MB (raise mounts-max-size=)']);
});
