/**
 * `--platform linux/amd64,linux/arm64,linux/arm/v7`: one build, one index. The builder stage on
 * $BUILDPLATFORM runs its platform-independent step once for all targets, each target gets its own
 * TARGET* args and its own platform's busybox, and the index lands in the store, an OCI archive,
 * a docker archive (one platform) and a registry.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { flattenLayers } from '../../../src/image/flatten.js';
import { MediaType, type Descriptor, type Index, type Manifest } from '../../../src/image/oci.js';
import type { BuildEvent } from '../../../src/solver/events.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { endpointsFor } from '../../../src/registry/endpoint.js';
import { runDrydock } from '../../helpers/cli.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { busyboxIndex, fixturePlatform, type FixturePlatform } from '../../helpers/platform-fixtures.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { contextDir } from '../build/util.js';

const PLATFORMS: FixturePlatform[] = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const ELF_MACHINE: Record<FixturePlatform, number> = { 'linux/amd64': 62, 'linux/arm64': 183, 'linux/arm/v7': 40 };
const DOCKERFILE = [
  'FROM --platform=$BUILDPLATFORM busybox AS build',
  'RUN echo shared-$(uname -m) > /shared.txt',
  'ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM',
  'RUN echo "$TARGETPLATFORM|$TARGETOS|$TARGETARCH|$TARGETVARIANT|$BUILDPLATFORM" > /target.txt',
  'FROM busybox',
  'COPY --from=build /shared.txt /target.txt /',
  '',
].join('\n');

after(removeTmpStoreRoots);

async function machineOf(file: string): Promise<number> {
  const fh = await open(file);
  try {
    const b = Buffer.alloc(20);
    await fh.read(b, 0, 20, 0);
    return b.readUInt16LE(18);
  } finally {
    await fh.close();
  }
}

/** The files of the index's image for `p`. */
async function platformFiles(store: Store, target: Descriptor, p: FixturePlatform): Promise<{ dir: string; arch: string; variant?: string }> {
  const img = await resolveImage(store, target, fixturePlatform(p));
  const dir = await mkdtemp(join(tmpdir(), 'drydock-fs-'));
  await flattenLayers(store, img.manifest.layers, dir);
  return { dir, arch: img.config.architecture, variant: img.config.variant };
}

/** Instructions of the steps that ran (not cached), in the order they finished. */
function executedSteps(events: BuildEvent[]): string[] {
  const starts = new Map<string, string>();
  const out: string[] = [];
  for (const e of events) {
    if (e.type === 'step-start') starts.set(e.step, e.instruction);
    if (e.type === 'step-done' && !e.cached) out.push(starts.get(e.step)!);
  }
  return out;
}

function ok(r: { code: number; stdout: string; stderr: string }, what: string): void {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
}

describe('a multi-platform build', () => {
  let root: string;
  let store: Store;
  let ctx: string;
  let out: string;
  const events: BuildEvent[] = [];
  let result: Awaited<ReturnType<typeof build>>;

  before(async () => {
    root = await tmpStoreRoot();
    store = await openStore(root);
    await busyboxIndex(store, PLATFORMS);
    ctx = await contextDir({ Dockerfile: DOCKERFILE });
    out = await mkdtemp(join(tmpdir(), 'drydock-out-'));
    result = await build({
      context: ctx, root, platform: PLATFORMS.join(','), tags: ['multi:1'], onEvent: (e) => events.push(e),
      outputs: [{ type: 'image', attrs: {} }, { type: 'oci', dest: join(out, 'oci.tar'), attrs: {} }, { type: 'local', dest: join(out, 'local'), attrs: {} }, { type: 'tar', dest: join(out, 'fs.tar'), attrs: {} }],
    });
  });
  after(async () => rm(out, { recursive: true, force: true }));

  it('stores one index naming every platform, each image with its own files and TARGET* args', async () => {
    const rec = await store.images.get('multi:1');
    assert.equal(rec?.target.mediaType, MediaType.OciIndex);
    assert.equal(rec!.target.digest, result.manifestDigest);
    const index = await store.content.readJSON<Index>(rec!.target.digest);
    assert.deepEqual(index.manifests.map((m) => m.platform), PLATFORMS.map(fixturePlatform));
    assert.deepEqual(result.platforms?.map((p) => p.platform), PLATFORMS);
    const expected: Record<FixturePlatform, string> = {
      'linux/amd64': 'linux/amd64|linux|amd64||linux/amd64',
      'linux/arm64': 'linux/arm64|linux|arm64||linux/amd64',
      'linux/arm/v7': 'linux/arm/v7|linux|arm|v7|linux/amd64',
    };
    for (const p of PLATFORMS) {
      const f = await platformFiles(store, rec!.target, p);
      try {
        assert.equal(f.arch, fixturePlatform(p).architecture, p);
        assert.equal(f.variant, fixturePlatform(p).variant, p);
        assert.equal(await readFile(join(f.dir, 'target.txt'), 'utf8'), `${expected[p]}\n`, p);
        assert.equal(await readFile(join(f.dir, 'shared.txt'), 'utf8'), 'shared-x86_64\n', p);
        assert.equal(await machineOf(join(f.dir, 'bin/busybox')), ELF_MACHINE[p], `${p}: its own busybox`);
      } finally {
        await rm(f.dir, { recursive: true, force: true });
      }
    }
  });

  it('runs the step every platform shares once, and each per-platform step once per platform', () => {
    const executed = executedSteps(events);
    assert.equal(executed.filter((i) => i.startsWith('RUN echo shared-')).length, 1, executed.join('\n'));
    assert.equal(executed.filter((i) => i.includes('target.txt') && i.startsWith('RUN')).length, 3, executed.join('\n'));
    const names = events.find((e) => e.type === 'build-start')!;
    assert.ok(names.type === 'build-start' && names.stages.some((s) => s.name === 'linux/arm64 build'), JSON.stringify(names));
  });

  it('--no-cache runs every step again, the shared one still once', async () => {
    const ev: BuildEvent[] = [];
    const fresh = await tmpStoreRoot(); // its own store: the other tests compare digests with the cached build
    await busyboxIndex(await openStore(fresh), PLATFORMS);
    await build({ context: ctx, root: fresh, platform: PLATFORMS.join(','), noCache: true, tags: ['multi:nocache'], onEvent: (e) => ev.push(e) });
    const executed = executedSteps(ev);
    assert.equal(executed.filter((i) => i.startsWith('RUN echo shared-')).length, 1, executed.join('\n'));
    assert.equal(executed.filter((i) => i.startsWith('RUN') && i.includes('target.txt')).length, 3, executed.join('\n'));
  });

  it('writes the index into -o type=oci and each platform under os_arch[_variant]/ for type=local and type=tar', async () => {
    const x = await mkdtemp(join(tmpdir(), 'drydock-oci-'));
    try {
      const { execFileSync } = await import('node:child_process');
      execFileSync('tar', ['-xf', join(out, 'oci.tar'), '-C', x]);
      const top = JSON.parse(await readFile(join(x, 'index.json'), 'utf8')) as Index;
      assert.equal(top.manifests.length, 1);
      assert.equal(top.manifests[0]!.mediaType, MediaType.OciIndex);
      const inner = JSON.parse(await readFile(join(x, 'blobs/sha256', top.manifests[0]!.digest.slice(7)), 'utf8')) as Index;
      assert.deepEqual(inner.manifests.map((m) => m.platform), PLATFORMS.map(fixturePlatform));
      for (const m of inner.manifests) {
        const man = JSON.parse(await readFile(join(x, 'blobs/sha256', m.digest.slice(7)), 'utf8')) as Manifest;
        for (const l of man.layers) await readFile(join(x, 'blobs/sha256', l.digest.slice(7))).then((b) => assert.equal(b.length, l.size));
      }
    } finally {
      await rm(x, { recursive: true, force: true });
    }
    assert.equal(await readFile(join(out, 'local/linux_arm_v7/target.txt'), 'utf8'), 'linux/arm/v7|linux|arm|v7|linux/amd64\n');
    assert.equal(await readFile(join(out, 'local/linux_arm64/target.txt'), 'utf8'), 'linux/arm64|linux|arm64||linux/amd64\n');
    const { execFileSync } = await import('node:child_process');
    const listing = execFileSync('tar', ['-tf', join(out, 'fs.tar')], { encoding: 'utf8' }).split('\n');
    for (const dir of ['linux_amd64', 'linux_arm64', 'linux_arm_v7']) assert.ok(listing.includes(`${dir}/target.txt`), `${dir}/target.txt in ${listing.slice(0, 5).join(' ')}`);
  });

  it('drydock images lists each platform; a rebuild through the CLI is all cached and gives the same index', async () => {
    const r = await runDrydock(['images'], { root });
    ok(r, 'images');
    for (const p of PLATFORMS) assert.match(r.stdout, new RegExp(`^multi\\s+1\\s+.*${p.replace(/\//g, '\\/')}`, 'm'), r.stdout);
    const meta = join(out, 'meta.json');
    const again = await runDrydock(['build', '--platform', PLATFORMS.join(','), '-t', 'multi:2', '--metadata-file', meta, '--iidfile', join(out, 'iid'), ctx], { root });
    ok(again, 'rebuild');
    assert.equal((await store.images.get('multi:2'))?.target.digest, result.manifestDigest);
    const m = JSON.parse(await readFile(meta, 'utf8')) as Record<string, unknown>;
    assert.equal(m['containerimage.digest'], result.manifestDigest);
    assert.equal(m['containerimage.config.digest'], undefined, 'an index has no one config');
    assert.equal(await readFile(join(out, 'iid'), 'utf8'), result.manifestDigest);
  });

  it('inspect lists the platforms and shows the one --platform names', async () => {
    const all = await runDrydock(['inspect', 'multi:1'], { root });
    ok(all, 'inspect');
    const [info] = JSON.parse(all.stdout) as Array<{ Architecture: string; Platforms: Array<{ Platform: string; Present: boolean }> }>;
    assert.equal(info!.Architecture, 'amd64');
    assert.deepEqual(info!.Platforms.map((p) => [p.Platform, p.Present]), PLATFORMS.map((p) => [p, true]));
    const arm = await runDrydock(['inspect', '--platform', 'linux/arm/v7', 'multi:1'], { root });
    ok(arm, 'inspect --platform');
    const [a] = JSON.parse(arm.stdout) as Array<{ Architecture: string; Variant?: string; Id: string }>;
    assert.deepEqual([a!.Architecture, a!.Variant, a!.Id], ['arm', 'v7', result.platforms![2]!.imageId]);
  });

  it('run --platform runs that platform\'s image (under QEMU for another architecture)', async (t) => {
    const { checkEmulation } = await import('../../../src/exec/binfmt.js');
    const { hostPlatform } = await import('../../../src/image/oci.js');
    const s390x = { os: 'linux', architecture: 's390x' };
    if (!checkEmulation(s390x, hostPlatform()).ok) {
      const r = await runDrydock(['run', '--platform', 'linux/s390x', 'multi:1', 'true'], { root });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /--platform linux\/s390x: linux\/s390x programs cannot run on this linux\/amd64 host: .*drydock setup binfmt/);
    }
    const host = await runDrydock(['run', '--platform', 'linux/amd64', 'multi:1', 'cat', '/target.txt'], { root });
    ok(host, 'run --platform linux/amd64');
    assert.equal(host.stdout, 'linux/amd64|linux|amd64||linux/amd64\n');
    if (!checkEmulation(fixturePlatform('linux/arm64'), hostPlatform()).ok) return t.skip('no arm64 emulator registered with binfmt_misc (drydock setup binfmt)');
    const r = await runDrydock(['run', '--platform', 'linux/arm64', 'multi:1', 'sh', '-c', 'uname -m; cat /target.txt'], { root });
    ok(r, 'run --platform linux/arm64');
    assert.equal(r.stdout, 'aarch64\nlinux/arm64|linux|arm64||linux/amd64\n');
  });

  it('--annotation index: goes on the index, manifest: on each platform\'s manifest', async () => {
    ok(await runDrydock(['build', '--platform', PLATFORMS.join(','), '-t', 'ann:1', '--annotation', 'index:org.example.i=idx', '--annotation', 'org.example.m=man', ctx], { root }), 'annotations');
    const index = await store.content.readJSON<Index>((await store.images.get('ann:1'))!.target.digest);
    assert.deepEqual(index.annotations, { 'org.example.i': 'idx' });
    for (const m of index.manifests) assert.deepEqual((await store.content.readJSON<Manifest>(m.digest)).annotations, { 'org.example.m': 'man' });
  });

  it('-o type=docker writes one platform: platform= or the host', async () => {
    for (const [attr, arch] of [['platform=linux/arm64,', 'arm64'], ['', 'amd64']] as const) {
      const dest = join(out, `docker-${arch}.tar`);
      ok(await runDrydock(['build', '--platform', PLATFORMS.join(','), '-o', `type=docker,${attr}dest=${dest}`, '-t', 'd:1', ctx], { root }), `type=docker ${attr}`);
      const x = await mkdtemp(join(tmpdir(), 'drydock-docker-'));
      try {
        const { execFileSync } = await import('node:child_process');
        execFileSync('tar', ['-xf', dest, '-C', x]);
        const manifest = JSON.parse(await readFile(join(x, 'manifest.json'), 'utf8')) as Array<{ Config: string }>;
        assert.equal(manifest.length, 1);
        assert.equal((JSON.parse(await readFile(join(x, manifest[0]!.Config), 'utf8')) as { architecture: string }).architecture, arch);
      } finally {
        await rm(x, { recursive: true, force: true });
      }
    }
    const bad = await runDrydock(['build', '--platform', PLATFORMS.join(','), '-o', `type=docker,platform=linux/s390x,dest=${join(out, 'bad.tar')}`, ctx], { root });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /platform=linux\/s390x: the build made no such image \(platforms: linux\/amd64, linux\/arm64, linux\/arm\/v7\)/);
  });

  describe('pushed', () => {
    let registry: RegistryFixture;
    before(async () => { registry = await startRegistry(); });
    after(async () => registry?.stop());

    it('-o type=registry pushes the index and every manifest; pull --platform fetches one', async () => {
      const name = `${registry.host}/multi/app:1`;
      ok(await runDrydock(['build', '--platform', PLATFORMS.join(','), '-o', `type=registry,name=${name}`, ctx], { root }), 'push');
      const client = new RegistryClient(endpointsFor(registry.host)[0]!);
      const top = await client.getManifest('multi/app', '1');
      assert.equal(top.descriptor.digest, result.manifestDigest);
      const index = JSON.parse(top.bytes.toString()) as Index;
      for (const m of index.manifests) assert.equal((await client.getManifest('multi/app', m.digest)).descriptor.digest, m.digest);

      const root2 = await tmpStoreRoot();
      ok(await runDrydock(['pull', '--platform', 'linux/arm/v7', name], { root: root2 }), 'pull --platform');
      const s2 = await openStore(root2);
      const f = await platformFiles(s2, (await s2.images.get(name))!.target, 'linux/arm/v7');
      try {
        assert.equal(await readFile(join(f.dir, 'target.txt'), 'utf8'), 'linux/arm/v7|linux|arm|v7|linux/amd64\n');
      } finally {
        await rm(f.dir, { recursive: true, force: true });
      }
      const fsck = await runDrydock(['fsck'], { root: root2 });
      ok(fsck, 'fsck of a one-platform pull of an index');
    });

    it('--push with -t pushes the index (the same one, all cached)', async () => {
      const name = `${registry.host}/multi/pushed:2`;
      ok(await runDrydock(['build', '--platform', PLATFORMS.join(','), '-t', name, '--push', ctx], { root }), '--push');
      const client = new RegistryClient(endpointsFor(registry.host)[0]!);
      const top = await client.getManifest('multi/pushed', '2');
      assert.equal(top.descriptor.digest, result.manifestDigest);
      assert.deepEqual((JSON.parse(top.bytes.toString()) as Index).manifests.map((m) => m.platform), PLATFORMS.map(fixturePlatform));
    });
  });
});
