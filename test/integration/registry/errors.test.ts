import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../../src/store/index.js';
import { pullImage, pushImage, resolveRemote } from '../../../src/registry/index.js';
import type { Manifest } from '../../../src/image/oci.js';
import { DrydockError } from '../../../src/util/errors.js';
import { runDrydock } from '../../helpers/cli.js';
import { startFaultProxy, type FaultAction, type FaultRequest } from '../../helpers/faultproxy.js';
import { makeTestImage, type TestImage } from '../../helpers/images.js';
import { freePort, startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';

function drydockError(code: string, message: string | RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof DrydockError, `not a DrydockError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

describe('registry errors, one clear line each', () => {
  let registry: RegistryFixture;
  let image: TestImage;
  const repo = 'errors/app';
  let ref: string;
  before(async () => {
    registry = await startRegistry();
    ref = `${registry.host}/${repo}:1`;
    const store = await openStore(await tmpStoreRoot());
    image = await makeTestImage(store, ref, { layers: 2, layerSize: 64 * 1024 });
    await pushImage(store, ref);
  });
  after(async () => { await registry.stop(); await removeTmpStoreRoots(); });

  async function emptyStore(): Promise<Store> {
    return openStore(await tmpStoreRoot());
  }

  it('unknown image: manifest unknown (API and CLI)', async () => {
    const missing = `${registry.host}/errors/nothing:nope`;
    await assert.rejects(pullImage(await emptyStore(), missing),
      drydockError('NOT_FOUND', `pull ${missing}: ${registry.host}: manifest for errors/nothing:nope not found: manifest unknown`));
    await assert.rejects(resolveRemote(missing), drydockError('NOT_FOUND', /manifest unknown/));
    const r = await runDrydock(['pull', missing], { root: await tmpStoreRoot() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `error: pull ${missing}: ${registry.host}: manifest for errors/nothing:nope not found: manifest unknown\n`);
  });

  it('unreachable registry: connection refused', async () => {
    const port = await freePort();
    const dead = `127.0.0.1:${port}/x/y:1`;
    await assert.rejects(pullImage(await emptyStore(), dead), drydockError('REGISTRY', `pull ${dead}: 127.0.0.1:${port}: connection refused`));
    const store = await emptyStore();
    await makeTestImage(store, dead, { layers: 1 });
    await assert.rejects(pushImage(store, dead), drydockError('REGISTRY', `push ${dead}: 127.0.0.1:${port}: connection refused`));
  });

  it('403 from the registry: denied', async () => {
    const proxy = await startFaultProxy(registry.host, (r) => (r.method === 'PUT' && r.path.includes('/manifests/')
      ? { status: 403, body: JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }) }
      : undefined));
    try {
      const store = await emptyStore();
      const target = `${proxy.host}/${repo}:denied`;
      await makeTestImage(store, target, { layers: 1 });
      await assert.rejects(pushImage(store, target), drydockError('AUTH', `push ${target}: ${proxy.host}: denied: requested access to the resource is denied`));
    } finally {
      await proxy.stop();
    }
  });

  it('digest mismatch: a corrupted blob in the registry storage is refused and not stored', async () => {
    const store = await openStore(await tmpStoreRoot());
    const target = `${registry.host}/errors/corrupt:1`;
    const img = await makeTestImage(store, target, { layers: 1, layerSize: 8 * 1024 });
    await pushImage(store, target);
    const layer = img.layers[0]!.digest.slice(7);
    const data = path.join(registry.storageDir, 'docker/registry/v2/blobs/sha256', layer.slice(0, 2), layer, 'data');
    const bytes = await fs.readFile(data);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await fs.writeFile(data, bytes);
    const dst = await emptyStore();
    await assert.rejects(pullImage(dst, target),
      drydockError('DIGEST', new RegExp(`^pull ${target}: ${registry.host}: errors/corrupt@${img.layers[0]!.digest}: digest mismatch: expected ${img.layers[0]!.digest}, got sha256:`)));
    assert.equal(await dst.content.has(img.layers[0]!.digest), false);
    assert.equal(await dst.images.get(target), undefined);
  });

  it('digest mismatch on the wire (a proxy flips a byte)', async () => {
    const proxy = await startFaultProxy(registry.host, (r) => (r.path.includes('/blobs/sha256:') && r.method === 'GET' ? 'corrupt' : undefined));
    try {
      const target = `${proxy.host}/${repo}:1`;
      await assert.rejects(pullImage(await emptyStore(), target), drydockError('DIGEST', /digest mismatch/));
    } finally {
      await proxy.stop();
    }
  });

  it('retries 5xx answers and connections dropped mid-blob, then succeeds', async () => {
    const seen = new Map<string, number>();
    const rule = (r: FaultRequest): FaultAction => {
      const key = `${r.method} ${r.path.replace(/\?.*/, '')}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (r.path.includes('/manifests/') && n <= 2) return { status: 503, body: '{"errors":[{"code":"UNAVAILABLE","message":"try again"}]}' };
      if (r.path.includes(`/blobs/${image.layers[0]!.digest}`) && n === 1) return { status: 502 };
      if (r.path.includes(`/blobs/${image.layers[1]!.digest}`) && n === 1) return 'truncate';
      return undefined;
    };
    const proxy = await startFaultProxy(registry.host, rule);
    try {
      const dst = await emptyStore();
      const pulled = await pullImage(dst, `${proxy.host}/${repo}:1`);
      assert.equal(pulled.target.digest, image.manifestDescriptor.digest);
      for (const l of image.layers) assert.ok(await dst.content.has(l.digest));
      assert.equal(seen.get(`GET /v2/${repo}/manifests/1`), 3);
      assert.equal(seen.get(`GET /v2/${repo}/blobs/${image.layers[0]!.digest}`), 2);
      assert.equal(seen.get(`GET /v2/${repo}/blobs/${image.layers[1]!.digest}`), 2);
    } finally {
      await proxy.stop();
    }
  });

  it('gives up on a registry that keeps failing, with its message', async () => {
    const proxy = await startFaultProxy(registry.host, (r) => (r.path.includes('/manifests/')
      ? { status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"storage backend down"}]}' } : undefined));
    try {
      const target = `${proxy.host}/${repo}:1`;
      await assert.rejects(pullImage(await emptyStore(), target), drydockError('REGISTRY', `pull ${target}: ${proxy.host}: get manifest ${repo}:1: storage backend down (after 5 attempts)`));
      assert.equal(proxy.requests.filter((r) => r.path.includes('/manifests/')).length, 5);
    } finally {
      await proxy.stop();
    }
  });

  it('a push to a missing local image says so', async () => {
    await assert.rejects(pushImage(await emptyStore(), `${registry.host}/none:1`), drydockError('NOT_FOUND', `push ${registry.host}/none:1: no such image ${registry.host}/none:1 in the store`));
  });

  it('keeps the manifest it got: pulled manifest bytes are identical', async () => {
    const dst = await emptyStore();
    await pullImage(dst, ref);
    const m = await dst.content.readJSON<Manifest>(image.manifestDescriptor.digest);
    assert.equal(m.layers.length, 2);
  });
});
