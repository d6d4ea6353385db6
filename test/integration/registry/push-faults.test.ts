/**
 * Registry faults on push and cache export, through the real CLI: `drydock push` and
 * `drydock build --cache-to type=registry` against the loopback docker-registry behind the
 * fault proxy. Each case checks the one-line error, that retries are bounded (counted in the
 * proxy's request log), and the registry's own state: a manifest that landed never points at a
 * missing blob.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { openStore } from '../../../src/store/index.js';
import { runDrydock, type RunResult } from '../../helpers/cli.js';
import { startFaultProxy, type FaultAction, type FaultProxy, type FaultRequest } from '../../helpers/faultproxy.js';
import { makeTestImage, type TestImage } from '../../helpers/images.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { contextDir, storeWith } from '../build/util.js';

const ATTEMPTS = 5; // DEFAULT_RETRY.attempts in src/registry/http.ts
const UNAVAILABLE = { status: 503, body: '{"errors":[{"code":"UNAVAILABLE","message":"service unavailable"}]}' };

let registry: RegistryFixture;
before(async () => { registry = await startRegistry(); });
after(async () => { await registry?.stop(); await removeTmpStoreRoots(); });

/** A store holding a fresh two-layer image named `<proxy>/faults/<name>:1`. */
async function imageFor(proxy: FaultProxy, name: string): Promise<{ root: string; ref: string; image: TestImage }> {
  const root = await tmpStoreRoot();
  const ref = `${proxy.host}/faults/${name}:1`;
  const image = await makeTestImage(await openStore(root), ref, { layers: 2, layerSize: 256 * 1024 });
  return { root, ref, image };
}

const isBlobPut = (r: FaultRequest, digest?: string) => r.method === 'PUT' && r.path.includes('/blobs/uploads/') && (!digest || r.path.includes(encodeURIComponent(digest)));
const isManifestPut = (r: FaultRequest) => r.method === 'PUT' && r.path.includes('/manifests/');
const count = (p: FaultProxy, f: (r: FaultRequest) => boolean) => p.requests.filter(f).length;

/** What the registry itself holds at repo:tag: undefined when no manifest landed; else every referenced blob must be there. */
async function registryState(repo: string, tag: string): Promise<{ manifest: string; blobs: string[] } | undefined> {
  const accept = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  const get = async (ref: string) => {
    const res = await request(`${registry.url}/v2/${repo}/manifests/${ref}`, { headers: { accept } });
    if (res.statusCode === 404) { await res.body.dump(); return undefined; }
    assert.equal(res.statusCode, 200);
    return (await res.body.json()) as { manifests?: Array<{ digest: string }>; config?: { digest: string }; layers?: Array<{ digest: string }> };
  };
  const top = await get(tag);
  if (!top) return undefined;
  const blobs: string[] = [];
  const manifests = top.manifests ? await Promise.all(top.manifests.map((d) => get(d.digest))) : [top];
  for (const m of manifests) {
    assert.ok(m, `${repo}:${tag}: the index points at a missing manifest`);
    for (const d of [m.config!, ...m.layers!]) {
      const res = await request(`${registry.url}/v2/${repo}/blobs/${d.digest}`, { method: 'HEAD' });
      await res.body.dump();
      assert.equal(res.statusCode, 200, `${repo}:${tag} points at ${d.digest}, which the registry does not have`);
      blobs.push(d.digest);
    }
  }
  return { manifest: JSON.stringify(top), blobs };
}

/** Exit 1 and one `error: ...` line, the last on stderr (a build prints its progress above it), no stack trace. */
function oneLineError(r: RunResult, pattern: RegExp): void {
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.split('\n');
  assert.equal(lines.pop(), '', r.stderr);
  assert.deepEqual(lines.filter((l) => l.startsWith('error: ')), [lines.at(-1)], r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.match(`${lines.at(-1)}\n`, pattern);
}

async function withProxy<T>(rule: (r: FaultRequest) => FaultAction, fn: (p: FaultProxy) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy(registry.host, rule);
  try {
    return await fn(proxy);
  } finally {
    await proxy.stop();
  }
}

/** `n` faults for the first matching requests, then forward. */
function firstN(n: number, match: (r: FaultRequest) => boolean, action: FaultAction): (r: FaultRequest) => FaultAction {
  let left = n;
  return (r) => (match(r) && left-- > 0 ? action : undefined);
}

describe('push: registry faults', () => {
  it('connection reset mid blob upload: retried from a fresh session, the push completes', async () => {
    await withProxy(firstN(1, (r) => isBlobPut(r), 'reset'), async (proxy) => {
      const { root, ref } = await imageFor(proxy, 'reset-once');
      const r = await runDrydock(['push', ref], { root });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(count(proxy, (q) => isBlobPut(q)), 4); // 3 blobs, one sent twice
      assert.equal((await registryState('faults/reset-once', '1'))?.blobs.length, 3);
    });
  });

  it('connection reset mid PATCH chunk (--chunk-size): the upload starts over in a fresh session and completes', async () => {
    const isPatch = (r: FaultRequest) => r.method === 'PATCH' && r.path.includes('/blobs/uploads/');
    let patches = 0;
    // The second chunk of the first chunked upload is cut halfway.
    await withProxy((r) => (isPatch(r) && ++patches === 2 ? 'reset' : undefined), async (proxy) => {
      const { root, ref, image } = await imageFor(proxy, 'reset-patch');
      const r = await runDrydock(['push', '--chunk-size', String(64 * 1024), ref], { root });
      assert.equal(r.code, 0, r.stderr);
      const posts = count(proxy, (q) => q.method === 'POST' && q.path.includes('/blobs/uploads/'));
      assert.equal(posts, 4); // 3 blobs, one session abandoned
      const state = await registryState('faults/reset-patch', '1');
      assert.deepEqual(state?.blobs.sort(), [image.configDigest, ...image.layers.map((l) => l.digest)].sort());
    });
  });

  it('connection reset on every upload of one blob: gives up after the bounded attempts, no manifest', async () => {
    let bad = '';
    await withProxy((r) => (bad && isBlobPut(r, bad) ? 'reset' : undefined), async (proxy) => {
      const { root, ref, image } = await imageFor(proxy, 'reset-always');
      bad = image.layers[1]!.digest;
      const r = await runDrydock(['push', ref], { root });
      oneLineError(r, new RegExp(`^error: push ${ref}: ${proxy.host}: upload blob ${bad}: connection reset by peer \\(after ${ATTEMPTS} attempts\\)\n$`));
      assert.equal(count(proxy, (q) => isBlobPut(q, bad)), ATTEMPTS);
      assert.equal(count(proxy, isManifestPut), 0);
      assert.equal(await registryState('faults/reset-always', '1'), undefined);
    });
  });

  it('connection dropped after the registry stored the manifest: the PUT is sent again, once', async () => {
    await withProxy(firstN(1, isManifestPut, 'reset-after'), async (proxy) => {
      const { root, ref, image } = await imageFor(proxy, 'reset-after');
      const r = await runDrydock(['push', ref], { root });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(count(proxy, isManifestPut), 2);
      const state = await registryState('faults/reset-after', '1');
      assert.deepEqual(state?.blobs.sort(), [image.configDigest, ...image.layers.map((l) => l.digest)].sort());
    });
  });

  it('5xx on blob uploads and on the manifest PUT: retried, then the push completes', async () => {
    const blob = firstN(2, (r) => isBlobPut(r), UNAVAILABLE);
    const manifest = firstN(2, isManifestPut, { status: 500 });
    await withProxy((r) => blob(r) ?? manifest(r), async (proxy) => {
      const { root, ref } = await imageFor(proxy, 'five-hundred');
      const r = await runDrydock(['push', ref], { root });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(count(proxy, (q) => isBlobPut(q)), 5);
      assert.equal(count(proxy, isManifestPut), 3);
      assert.equal((await registryState('faults/five-hundred', '1'))?.blobs.length, 3);
    });
  });

  it('a manifest PUT that always fails with 5xx: bounded, with the registry\'s message; blobs stay, no manifest', async () => {
    await withProxy((r) => (isManifestPut(r) ? UNAVAILABLE : undefined), async (proxy) => {
      const { root, ref } = await imageFor(proxy, 'manifest-503');
      const r = await runDrydock(['push', ref], { root });
      oneLineError(r, new RegExp(`^error: push ${ref}: ${proxy.host}: put manifest faults/manifest-503:1: service unavailable \\(after ${ATTEMPTS} attempts\\)\n$`));
      assert.equal(count(proxy, isManifestPut), ATTEMPTS);
      assert.equal(await registryState('faults/manifest-503', '1'), undefined);
    });
  });

  it('429 with Retry-After: waits as told, then goes on', async () => {
    await withProxy(firstN(1, isManifestPut, { status: 429, headers: { 'retry-after': '2' }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' }), async (proxy) => {
      const { root, ref } = await imageFor(proxy, 'rate-limited');
      const r = await runDrydock(['push', ref], { root });
      assert.equal(r.code, 0, r.stderr);
      const puts = proxy.requests.filter(isManifestPut);
      assert.equal(puts.length, 2);
      assert.ok(puts[1]!.time - puts[0]!.time >= 1900, `retried after ${puts[1]!.time - puts[0]!.time} ms, Retry-After said 2 s`);
      assert.ok(await registryState('faults/rate-limited', '1'));
    });
  });

  it('429 with a Retry-After beyond the bound: fails at once, saying when to retry', async () => {
    await withProxy((r) => (isBlobPut(r) ? { status: 429, headers: { 'retry-after': '3600' }, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' } : undefined), async (proxy) => {
      const { root, ref } = await imageFor(proxy, 'rate-limited-long');
      const started = Date.now();
      const r = await runDrydock(['push', ref], { root });
      oneLineError(r, new RegExp(`^error: push ${ref}: ${proxy.host}: upload blob sha256:[0-9a-f]{64}: slow down \\(rate limited: retry after 3600s\\)\n$`));
      assert.ok(Date.now() - started < 20_000);
      assert.equal(count(proxy, isManifestPut), 0);
      assert.equal(await registryState('faults/rate-limited-long', '1'), undefined);
    });
  });

  it('a stalled blob upload times out (DRYDOCK_REGISTRY_TIMEOUT), is retried, and the push completes', async () => {
    await withProxy(firstN(1, (r) => isBlobPut(r), 'hang'), async (proxy) => {
      const { root, ref } = await imageFor(proxy, 'stall-once');
      const r = await runDrydock(['push', ref], { root, env: { DRYDOCK_REGISTRY_TIMEOUT: '1' } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(count(proxy, (q) => isBlobPut(q)), 4);
      assert.equal((await registryState('faults/stall-once', '1'))?.blobs.length, 3);
    });
  });

  it('a slow upload that keeps moving is not a stall, even when it takes longer than the timeout', async () => {
    await withProxy((r) => (isBlobPut(r) ? { bytesPerSecond: 8 * 1024 * 1024 } : undefined), async (proxy) => {
      const root = await tmpStoreRoot();
      const ref = `${proxy.host}/faults/slow:1`;
      await makeTestImage(await openStore(root), ref, { layers: 1, layerSize: 24 * 1024 * 1024 });
      const started = Date.now();
      const r = await runDrydock(['push', ref], { root, env: { DRYDOCK_REGISTRY_TIMEOUT: '1' } });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - started > 2500, 'the upload was not slowed');
      assert.equal(count(proxy, (q) => isBlobPut(q)), 2); // config and layer, each once
      assert.equal((await registryState('faults/slow', '1'))?.blobs.length, 2);
    });
  });

  it('a registry that never answers the manifest PUT: one line naming the registry and the step, bounded', async () => {
    await withProxy((r) => (isManifestPut(r) ? 'hang' : undefined), async (proxy) => {
      const { root, ref } = await imageFor(proxy, 'stall-always');
      const started = Date.now();
      const r = await runDrydock(['push', ref], { root, env: { DRYDOCK_REGISTRY_TIMEOUT: '0.5' } });
      oneLineError(r, new RegExp(`^error: push ${ref}: ${proxy.host}: put manifest faults/stall-always:1: no response for 0.5s \\(registry timeout\\) \\(after ${ATTEMPTS} attempts\\)\n$`));
      assert.ok(Date.now() - started < 30_000);
      assert.equal(count(proxy, isManifestPut), ATTEMPTS);
    });
  });

  it('a registry that never answers GET /v2/: the same one line, bounded', async () => {
    await withProxy((r) => (r.path === '/v2/' ? 'hang' : undefined), async (proxy) => {
      const { root, ref } = await imageFor(proxy, 'stall-ping');
      const r = await runDrydock(['push', ref], { root, env: { DRYDOCK_REGISTRY_TIMEOUT: '0.5' } });
      oneLineError(r, new RegExp(`^error: push ${ref}: ${proxy.host}: no response for 0\\.5s \\(registry timeout\\) \\(after ${ATTEMPTS} attempts\\)\n$`));
      assert.equal(count(proxy, (q) => q.path === '/v2/' && q.method === 'GET'), ATTEMPTS);
    });
  });

  it('a token server that never answers: one line naming it', async () => {
    const hung = await startFaultProxy(registry.host, () => 'hang');
    const challenge = `Bearer realm="${hung.url}/token",service="stalled"`;
    try {
      await withProxy((r) => (r.headers.authorization ? undefined : { status: 401, headers: { 'www-authenticate': challenge } }), async (proxy) => {
        const { root, ref } = await imageFor(proxy, 'stall-token');
        const r = await runDrydock(['push', ref], { root, env: { DRYDOCK_REGISTRY_TIMEOUT: '0.5' } });
        oneLineError(r, new RegExp(`^error: push ${ref}: ${proxy.host}: token server ${hung.host}: no response for 0\\.5s \\(registry timeout\\)\n$`));
        assert.equal(hung.requests.length, 1);
      });
    } finally {
      await hung.stop();
    }
  });

  it('the registry timeout is also read from <root>/config.json', async () => {
    await withProxy((r) => (isManifestPut(r) ? 'hang' : undefined), async (proxy) => {
      const { root, ref } = await imageFor(proxy, 'stall-config');
      await writeFile(`${root}/config.json`, JSON.stringify({ 'registry-timeout': 0.5 }));
      const r = await runDrydock(['push', ref], { root });
      oneLineError(r, /no response for 0\.5s \(registry timeout\)/);
    });
  });

  it('a wrong Docker-Content-Digest on a blob upload is refused; no manifest is sent', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    await withProxy((r) => (isBlobPut(r) ? { headers: { 'docker-content-digest': wrong } } : undefined), async (proxy) => {
      const { root, ref } = await imageFor(proxy, 'wrong-blob-digest');
      const r = await runDrydock(['push', ref], { root });
      oneLineError(r, new RegExp(`^error: push ${ref}: ${proxy.host}: upload blob (sha256:[0-9a-f]{64}): the registry stored ${wrong} \\(Docker-Content-Digest\\), not \\1\n$`));
      assert.equal(count(proxy, isManifestPut), 0);
      assert.equal(await registryState('faults/wrong-blob-digest', '1'), undefined);
    });
  });

  it('a wrong Docker-Content-Digest on the manifest PUT is refused, and not retried', async () => {
    const wrong = `sha256:${'1'.repeat(64)}`;
    await withProxy((r) => (isManifestPut(r) ? { headers: { 'docker-content-digest': wrong } } : undefined), async (proxy) => {
      const { root, ref, image } = await imageFor(proxy, 'wrong-manifest-digest');
      const r = await runDrydock(['push', ref], { root });
      oneLineError(r, new RegExp(`^error: push ${ref}: ${proxy.host}: put manifest faults/wrong-manifest-digest:1: the registry stored ${wrong} \\(Docker-Content-Digest\\), not ${image.manifestDescriptor.digest}\n$`));
      assert.equal(count(proxy, isManifestPut), 1);
      assert.equal((await registryState('faults/wrong-manifest-digest', '1'))?.blobs.length, 3); // landed, and whole
    });
  });
});

describe('push: a bearer token that expires mid-push', () => {
  let tokenRegistry: RegistryFixture;
  before(async () => { tokenRegistry = await startRegistry({ tokenAuth: true }); });
  after(async () => { await tokenRegistry?.stop(); });

  it('the registry answers 401 with a fresh challenge: drydock fetches a new token once and goes on', async () => {
    let first: string | undefined;
    let refused = 0;
    const challenge = `Bearer realm="${tokenRegistry.tokenServer!.realm}",service="drydock-test-registry",scope="repository:faults/expiring:pull,push",error="invalid_token"`;
    // The first token that uploads a blob "expires" right after: every later request bearing it gets a 401.
    const proxy = await startFaultProxy(tokenRegistry.host, (r) => {
      const auth = r.headers.authorization;
      if (first === undefined && isBlobPut(r) && auth?.startsWith('Bearer ')) { first = auth; return undefined; }
      if (first === undefined || auth !== first) return undefined;
      refused++;
      return { status: 401, headers: { 'www-authenticate': challenge }, body: '{"errors":[{"code":"UNAUTHORIZED","message":"token expired"}]}' };
    });
    try {
      const root = await tmpStoreRoot();
      const ref = `${proxy.host}/faults/expiring:1`;
      await makeTestImage(await openStore(root), ref, { layers: 2, layerSize: 64 * 1024 });
      const dockerConfig = await contextDir({});
      await writeFile(`${dockerConfig}/config.json`, JSON.stringify({ auths: { [proxy.host]: { auth: Buffer.from('drydock:secret').toString('base64') } } }));
      const tokensBefore = tokenRegistry.tokenServer!.requests.length;
      const r = await runDrydock(['push', ref], { root, env: { DOCKER_CONFIG: dockerConfig } });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(refused >= 1, 'the expired token was never refused');
      // Each refusal costs one token request, and the push does not loop on them.
      const tokens = tokenRegistry.tokenServer!.requests.slice(tokensBefore);
      assert.ok(tokens.length <= 2 + refused, `${tokens.length} token requests for ${refused} refusals`);
      assert.ok(tokens.every((t) => t.status === 200 && t.account === 'drydock'));
    } finally {
      await proxy.stop();
    }
  });
});

describe('push: tokens the registry itself stops accepting', () => {
  let shortLived: RegistryFixture;
  before(async () => { shortLived = await startRegistry({ tokenAuth: { expiresAfter: 2 } }); });
  after(async () => { await shortLived?.stop(); });

  it('a token expires while a blob upload is held up: the registry\'s 401 makes drydock fetch a new one, and the push completes', async () => {
    let held = false;
    // The first blob PUT reaches the registry 3 s late, its token (good for 2 s) expired by then.
    const proxy = await startFaultProxy(shortLived.host, (r) => (isBlobPut(r) && !held ? ((held = true), { delayMs: 3000 }) : undefined));
    try {
      const root = await tmpStoreRoot();
      const ref = `${proxy.host}/faults/short-token:1`;
      const image = await makeTestImage(await openStore(root), ref, { layers: 2, layerSize: 64 * 1024 });
      const dockerConfig = await contextDir({});
      await writeFile(`${dockerConfig}/config.json`, JSON.stringify({ auths: { [proxy.host]: { auth: Buffer.from('drydock:secret').toString('base64') } } }));
      const before = shortLived.tokenServer!.requests.length;
      const r = await runDrydock(['push', ref], { root, env: { DOCKER_CONFIG: dockerConfig } });
      assert.equal(r.code, 0, r.stderr);
      const pushTokens = shortLived.tokenServer!.requests.slice(before).filter((t) => t.scopes.some((s) => s.endsWith(':pull,push')));
      assert.ok(pushTokens.length >= 2, `${pushTokens.length} push-scope tokens: the expired one was never replaced`);
      assert.ok(pushTokens.length <= 4, `${pushTokens.length} push-scope tokens`);
      const res = await request(`${shortLived.url}/v2/faults/short-token/manifests/1`, { method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' } });
      await res.body.dump();
      assert.equal(res.statusCode, 401); // token-protected: checked through drydock's pull instead
      const pulled = await runDrydock(['pull', '--no-unpack', ref], { root: await tmpStoreRoot(), env: { DOCKER_CONFIG: dockerConfig } });
      assert.equal(pulled.code, 0, pulled.stderr);
      assert.match(pulled.stdout, new RegExp(image.manifestDescriptor.digest));
    } finally {
      await proxy.stop();
    }
  });
});

describe('build --cache-to type=registry: registry faults', () => {
  const dockerfile = (seed: string) => ['FROM busybox', `COPY a.txt /a.txt`, `COPY b.txt /b.txt`, `LABEL seed=${seed}`, ''].join('\n');
  async function buildTo(proxy: FaultProxy, name: string): Promise<RunResult> {
    const { root } = await storeWith('busybox');
    const seed = randomBytes(8).toString('hex');
    const ctx = await contextDir({ Dockerfile: dockerfile(seed), 'a.txt': randomBytes(64 * 1024).toString('hex'), 'b.txt': seed });
    return runDrydock(['build', '-t', 'app', '--cache-to', `type=registry,ref=${proxy.host}/faults/${name}:cache,mode=max`, ctx], { root });
  }

  it('resets, 5xx and a 429 on the way: the cache lands whole', async () => {
    const reset = firstN(1, (r) => isBlobPut(r), 'reset');
    const five = firstN(1, (r) => isBlobPut(r), UNAVAILABLE);
    const slow = firstN(1, isManifestPut, { status: 429, headers: { 'retry-after': '1' } });
    await withProxy((r) => reset(r) ?? five(r) ?? slow(r), async (proxy) => {
      const r = await buildTo(proxy, 'cache-ok');
      assert.equal(r.code, 0, r.stderr);
      const state = await registryState('faults/cache-ok', 'cache');
      assert.ok(state && state.blobs.length >= 3, JSON.stringify(state));
    });
  });

  it('a cache blob upload that keeps failing: the build fails with one line, bounded, no cache manifest', async () => {
    await withProxy((r) => (isBlobPut(r) ? 'reset' : undefined), async (proxy) => {
      const r = await buildTo(proxy, 'cache-fail');
      oneLineError(r, new RegExp(`^error: cache export to ${proxy.host}/faults/cache-fail:cache: ${proxy.host}: upload blob sha256:[0-9a-f]{64}: connection reset by peer \\(after ${ATTEMPTS} attempts\\)\n$`));
      const perBlob = new Map<string, number>();
      for (const q of proxy.requests.filter((x) => isBlobPut(x))) {
        const d = /digest=([^&]+)/.exec(q.path)![1]!;
        perBlob.set(d, (perBlob.get(d) ?? 0) + 1);
      }
      for (const n of perBlob.values()) assert.ok(n <= ATTEMPTS, `a blob was sent ${n} times`);
      assert.equal(count(proxy, isManifestPut), 0);
      assert.equal(await registryState('faults/cache-fail', 'cache'), undefined);
    });
  });

  it('with ignore-error=true a failed cache export is a warning and the build succeeds', async () => {
    await withProxy((r) => (isManifestPut(r) ? UNAVAILABLE : undefined), async (proxy) => {
      const { root } = await storeWith('busybox');
      const ctx = await contextDir({ Dockerfile: dockerfile(randomBytes(8).toString('hex')), 'a.txt': 'a', 'b.txt': 'b' });
      const r = await runDrydock(['build', '-t', 'app', '--cache-to', `type=registry,ref=${proxy.host}/faults/cache-ignored:cache,mode=max,ignore-error=true`, ctx], { root });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`cache export to ${proxy.host}/faults/cache-ignored:cache: ${proxy.host}: put manifest faults/cache-ignored@sha256:[0-9a-f]{64}: service unavailable \\(after ${ATTEMPTS} attempts\\) \\(ignored: ignore-error=true\\)`));
      assert.equal(count(proxy, isManifestPut), ATTEMPTS);
      assert.equal(await registryState('faults/cache-ignored', 'cache'), undefined);
    });
  });

  it('a stalled cache manifest PUT times out with one line', async () => {
    await withProxy((r) => (isManifestPut(r) ? 'hang' : undefined), async (proxy) => {
      const { root } = await storeWith('busybox');
      const ctx = await contextDir({ Dockerfile: dockerfile(randomBytes(8).toString('hex')), 'a.txt': 'a', 'b.txt': 'b' });
      const r = await runDrydock(['build', '--cache-to', `type=registry,ref=${proxy.host}/faults/cache-stall:cache,mode=max`, ctx], { root, env: { DRYDOCK_REGISTRY_TIMEOUT: '0.5' } });
      oneLineError(r, new RegExp(`^error: cache export to ${proxy.host}/faults/cache-stall:cache: ${proxy.host}: put manifest faults/cache-stall@sha256:[0-9a-f]{64}: no response for 0\\.5s \\(registry timeout\\) \\(after ${ATTEMPTS} attempts\\)\n$`));
      assert.equal(count(proxy, isManifestPut), ATTEMPTS);
      assert.equal(await registryState('faults/cache-stall', 'cache'), undefined);
    });
  });
});
