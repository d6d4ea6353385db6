import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyChange } from '../../../src/image/changes.js';
import type { ContainerConfig } from '../../../src/image/oci.js';
import { openStore } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { makeTestImage, makeTestIndex } from '../../helpers/images.js';
import { DrydockError } from '../../../src/util/errors.js';

test('--change instructions apply like docker import', () => {
  const cfg: ContainerConfig = {};
  for (const c of ['ENV A=b C="d e"', 'ENV PATHX $A/bin', 'CMD ["sh"]', 'LABEL "k 1"=v2 k2=\'$A\'', 'EXPOSE 80 53/udp 8000-8001',
    'USER app', 'WORKDIR /w', 'WORKDIR sub', 'VOLUME /data /logs', 'STOPSIGNAL SIGTERM', 'ENTRYPOINT echo hi']) applyChange(cfg, c);
  assert.deepEqual(cfg.Env, ['A=b', 'C=d e', 'PATHX=b/bin']);
  assert.deepEqual(cfg.Labels, { 'k 1': 'v2', k2: '$A' });
  assert.deepEqual(Object.keys(cfg.ExposedPorts!), ['80/tcp', '53/udp', '8000/tcp', '8001/tcp']);
  assert.equal(cfg.User, 'app');
  assert.equal(cfg.WorkingDir, '/w/sub');
  assert.deepEqual(Object.keys(cfg.Volumes!), ['/data', '/logs']);
  assert.equal(cfg.StopSignal, 'SIGTERM');
  assert.deepEqual(cfg.Entrypoint, ['/bin/sh', '-c', 'echo hi']);
  assert.equal(cfg.Cmd, null);
  for (const bad of ['RUN echo', 'EXPOSE http', 'ENV A', 'SHELL sh']) {
    assert.throws(() => applyChange({}, bad), (e: unknown) => e instanceof DrydockError && e.code === 'USAGE', bad);
  }
});

test('resolveImage picks the host platform from an index and keeps the index', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-model-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = await openStore(dir);
  const amd = await makeTestImage(store, 'x:amd', { platform: { os: 'linux', architecture: 'amd64' } });
  const arm = await makeTestImage(store, 'x:arm', { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
  const idx = await makeTestIndex(store, 'x:multi', [
    { image: arm, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { image: amd, platform: { os: 'linux', architecture: 'amd64' } },
  ]);
  const host = await resolveImage(store, idx, { os: 'linux', architecture: 'amd64' });
  assert.equal(host.manifestDescriptor.digest, amd.manifestDescriptor.digest);
  assert.equal(host.index?.manifests.length, 2);
  const a = await resolveImage(store, idx, { os: 'linux', architecture: 'arm64' });
  assert.equal(a.configDescriptor.digest, arm.configDigest);
  await assert.rejects(resolveImage(store, idx, { os: 'linux', architecture: 's390x' }), /no matching manifest for linux\/s390x/);
  assert.equal((await store.images.get(amd.configDigest.slice(7, 19)))?.target.digest !== undefined, true);
});
