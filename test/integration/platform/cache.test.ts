/**
 * The registry cache of a multi-platform build: one cache index with a manifest per platform
 * (--cache-to), each platform's records picked by --cache-from in another store.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../../src/store/index.js';
import type { Index } from '../../../src/image/oci.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { endpointsFor } from '../../../src/registry/endpoint.js';
import { runDrydock } from '../../helpers/cli.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { busyboxIndex, fixturePlatform, type FixturePlatform } from '../../helpers/platform-fixtures.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { contextDir } from '../build/util.js';

after(removeTmpStoreRoots);

const PLATFORMS: FixturePlatform[] = ['linux/amd64', 'linux/arm64'];

describe('--cache-to/--cache-from of a multi-platform build', () => {
  let registry: RegistryFixture;
  before(async () => { registry = await startRegistry(); });
  after(async () => registry?.stop());

  it('exports a manifest per platform, and a fresh store builds every platform from it without running a step', async () => {
    const ctx = await contextDir({
      Dockerfile: [
        'FROM --platform=$BUILDPLATFORM busybox AS build',
        'ARG TARGETARCH',
        'RUN echo "$TARGETARCH $(date +%s%N)" > /t.txt',
        'FROM busybox',
        'COPY --from=build /t.txt /',
        '',
      ].join('\n'),
    });
    const cacheRef = `${registry.host}/cache/multi:1`;
    const a = await tmpStoreRoot();
    await busyboxIndex(await openStore(a), PLATFORMS);
    const first = await runDrydock(['build', '--platform', PLATFORMS.join(','), '-t', 'app:1', '--cache-to', `type=registry,ref=${cacheRef},mode=max`, ctx], { root: a });
    assert.equal(first.code, 0, first.stderr);

    const client = new RegistryClient(endpointsFor(registry.host)[0]!);
    const index = JSON.parse((await client.getManifest('cache/multi', '1')).bytes.toString()) as Index;
    assert.deepEqual(index.manifests.map((m) => m.platform), PLATFORMS.map(fixturePlatform));

    const b = await tmpStoreRoot();
    await busyboxIndex(await openStore(b), PLATFORMS);
    const second = await runDrydock(['build', '--progress', 'plain', '--platform', PLATFORMS.join(','), '-t', 'app:1', '--cache-from', `type=registry,ref=${cacheRef}`, ctx], { root: b });
    assert.equal(second.code, 0, second.stderr);
    assert.equal((second.stderr.match(/CACHED/g) ?? []).length, 4, second.stderr); // RUN and COPY of each platform
    const sa = await openStore(a);
    const sb = await openStore(b);
    assert.equal((await sb.images.get('app:1'))?.target.digest, (await sa.images.get('app:1'))?.target.digest, 'the same index from the cache');
  });
});
