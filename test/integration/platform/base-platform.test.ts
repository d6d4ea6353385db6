/**
 * Base images per stage platform: a `FROM --platform=$BUILDPLATFORM` stage of a foreign build
 * uses the host's image from the local store, and a tag on an index of which only another
 * platform was fetched fetches the platform a build needs (fsck accepts such a partial index).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { hostPlatform, type Index } from '../../../src/image/oci.js';
import { runDrydock } from '../../helpers/cli.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { busyboxIndex, pushBusyboxIndex, fixturePlatform } from '../../helpers/platform-fixtures.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { contextDir, imageFiles, storeWith } from '../build/util.js';

after(removeTmpStoreRoots);

function ok(r: { code: number; stdout: string; stderr: string }, what: string): void {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
}

describe('a stage on $BUILDPLATFORM in a foreign build', () => {
  it('uses the host image in the local store and runs there; the image is for the target', async () => {
    assert.equal(hostPlatform().architecture, 'amd64', 'these fixtures assume an amd64 host');
    const { root, store } = await storeWith('busybox'); // amd64 busybox, local only: no registry to pull from
    const ctx = await contextDir({
      Dockerfile: [
        'FROM --platform=$BUILDPLATFORM busybox AS build',
        'ARG TARGETARCH TARGETPLATFORM BUILDPLATFORM',
        'RUN echo "$TARGETARCH $TARGETPLATFORM on $BUILDPLATFORM $(uname -m)" > /out.txt',
        'FROM scratch',
        'COPY --from=build /out.txt /',
        '',
      ].join('\n'),
    });
    const out = await mkdtemp(join(tmpdir(), 'drydock-out-'));
    const r = await runDrydock(['build', '--platform', 'linux/arm64', '-t', 'cross:1', '-o', 'type=image', '-o', `type=local,dest=${out}`, ctx], { root });
    ok(r, 'build --platform linux/arm64');
    assert.equal(await readFile(join(out, 'out.txt'), 'utf8'), 'arm64 linux/arm64 on linux/amd64 x86_64\n');
    const img = await imageFiles(await openStore(root), 'cross:1');
    try {
      assert.equal(img.config.architecture, 'arm64');
      assert.equal(img.config.os, 'linux');
    } finally {
      await img.cleanup();
    }
    void store;
  });
});

describe('a stage on another platform in a host build', () => {
  it('resolves its base from the local index for its own platform, and COPY --from takes its files', async () => {
    const root = await tmpStoreRoot();
    const store = await openStore(root);
    await busyboxIndex(store, ['linux/amd64', 'linux/arm64']);
    const ctx = await contextDir({
      Dockerfile: 'FROM --platform=linux/arm64 busybox AS arm\nFROM busybox\nCOPY --from=arm /bin/busybox /arm-busybox\nRUN uname -m > /host\n',
    });
    ok(await runDrydock(['build', '-t', 'mixed:1', ctx], { root }), 'build');
    const img = await imageFiles(store, 'mixed:1');
    try {
      assert.equal(img.config.architecture, 'amd64');
      assert.equal(await readFile(join(img.dir, 'host'), 'utf8'), 'x86_64\n');
      const elf = await readFile(join(img.dir, 'arm-busybox'));
      assert.equal(elf.readUInt16LE(18), 183, 'the arm64 busybox (ELF machine AArch64)');
    } finally {
      await img.cleanup();
    }
  });
});

describe('a tag on a partly fetched index', () => {
  let registry: RegistryFixture;
  let ref: string;
  let pushed: Awaited<ReturnType<typeof pushBusyboxIndex>>;
  before(async () => {
    registry = await startRegistry();
    pushed = await pushBusyboxIndex(registry, ['linux/amd64', 'linux/arm64']);
    ref = pushed.ref;
  });
  after(async () => registry?.stop());

  it('fetches the platform a later build needs, keeps the tag on the index, and fsck accepts it', async () => {
    const root = await tmpStoreRoot();
    const ctx = await contextDir({ Dockerfile: `FROM ${ref}\nCOPY f /f\n`, f: 'x\n' });
    ok(await runDrydock(['build', '--platform', 'linux/arm64', '-t', 'a:arm64', ctx], { root }), 'arm64 build');
    // Only the arm64 image was fetched: the index is partial, and that is not a dangling reference.
    const fsck1 = await runDrydock(['fsck'], { root });
    ok(fsck1, 'fsck after the arm64 build');
    assert.doesNotMatch(fsck1.stdout, /dangling/);

    const ctx2 = await contextDir({ Dockerfile: `FROM ${ref}\nRUN uname -m > /arch\n` });
    ok(await runDrydock(['build', '-t', 'b:host', ctx2], { root }), 'host build on the same tag');
    const store = await openStore(root);
    const rec = await store.images.get(ref);
    assert.equal(rec?.target.digest, pushed.digest, 'the tag still names the index');
    for (const p of ['linux/amd64', 'linux/arm64'] as const) {
      const img = await resolveImage(store, rec!.target, fixturePlatform(p));
      assert.equal(img.manifestDescriptor.digest, pushed.manifests.find((m) => m.platform === p)!.digest);
    }
    const b = await imageFiles(store, 'b:host');
    try {
      assert.equal(await readFile(join(b.dir, 'arch'), 'utf8'), 'x86_64\n');
    } finally {
      await b.cleanup();
    }
    const fsck2 = await runDrydock(['fsck'], { root });
    ok(fsck2, 'fsck after both builds');
    assert.equal(((await store.content.readJSON<Index>(pushed.digest as `sha256:${string}`)).manifests.length), 2);
  });
});
