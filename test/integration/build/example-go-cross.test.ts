/**
 * The multi-platform example (examples/go-cross): its base-images script, then one CLI build for
 * linux/amd64 and linux/arm64 of the seed Go app. Each platform's image holds a binary for its
 * machine (ELF e_machine x86-64 vs aarch64), compiled by the amd64 toolchain on the build
 * machine; the arm64 image then runs under QEMU
 * (`drydock run --platform linux/arm64`; needs qemu-user-static registered with the F flag).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { openStore, type Store } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { flattenLayers } from '../../../src/image/flatten.js';
import { MediaType, type Index } from '../../../src/image/oci.js';
import { runDrydock } from '../../helpers/cli.js';
import { repoRoot, runningFromSource } from '../../helpers/paths.js';
import { elfMachine, fixturePlatform, type FixturePlatform } from '../../helpers/platform-fixtures.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const run = promisify(execFile);
const ELF_MACHINE: Partial<Record<FixturePlatform, number>> = { 'linux/amd64': 62, 'linux/arm64': 183 };
const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;

after(removeTmpStoreRoots);

/** examples/go-cross/base-images: from source through tsx, or compiled in dist/. */
function baseImages(root: string) {
  const script = runningFromSource
    ? ['--import', pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('tsx')).href, join(repoRoot, 'examples/go-cross/base-images.ts')]
    : [join(repoRoot, 'dist/examples/go-cross/base-images.js')];
  return run(process.execPath, [...script, '--root', root], { cwd: repoRoot });
}

describe('examples/go-cross: one build cross-compiles the seed app for amd64 and arm64', () => {
  let root: string;
  let store: Store;
  let built: { code: number; stdout: string; stderr: string };

  before(async () => {
    root = await tmpStoreRoot();
    const set = await baseImages(root);
    assert.match(set.stdout, /busybox:latest \(linux\/amd64, linux\/arm64\)/);
    store = await openStore(root);
    // golang:1.19 is amd64 only in the store: the builder must run on $BUILDPLATFORM for both targets.
    built = await runDrydock(['build', '--progress', 'plain', '--platform', PLATFORMS.join(','), '-f', join(repoRoot, 'examples/go-cross/Dockerfile'), '-t', 'go-cross:test', join(repoRoot, 'examples/go-hello')], { root });
  });

  it('tags one index whose images hold a binary for their own machine', async () => {
    assert.equal(built.code, 0, built.stderr + built.stdout);
    const rec = await store.images.get('go-cross:test');
    assert.equal(rec?.target.mediaType, MediaType.OciIndex);
    const index = await store.content.readJSON<Index>(rec!.target.digest);
    assert.deepEqual(index.manifests.map((m) => m.platform), PLATFORMS.map(fixturePlatform));
    for (const p of PLATFORMS) {
      const img = await resolveImage(store, rec!.target, fixturePlatform(p));
      assert.equal(img.config.architecture, fixturePlatform(p).architecture);
      const dir = await mkdtemp(join(tmpdir(), 'drydock-go-cross-'));
      try {
        await flattenLayers(store, img.manifest.layers, dir);
        assert.equal(await elfMachine(join(dir, 'usr/local/bin/hello')), ELF_MACHINE[p], `${p}: hello's ELF machine`);
        assert.equal(await elfMachine(join(dir, 'bin/busybox')), ELF_MACHINE[p], `${p}: its own busybox`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

  it('compiles on the build machine: each target has its own go build in its builder stage', () => {
    const log = built.stdout + built.stderr;
    for (const p of PLATFORMS) assert.match(log, new RegExp(`\\[${p.replace('/', '\\/')} build \\d+/\\d+\\] RUN CGO_ENABLED=0 GOOS=\\$TARGETOS`), log);
  });

  it('runs the arm64 image under QEMU and the amd64 one natively', async () => {
    const arm = await runDrydock(['run', '--platform', 'linux/arm64', 'go-cross:test'], { root });
    assert.equal(arm.code, 0, arm.stderr);
    assert.match(arm.stdout, /^hello from drydock\nbuilt with go1\.\d+(\.\d+)? for linux\/arm64\ngo toolchain in this image: false\n$/);
    const amd = await runDrydock(['run', '--platform', 'linux/amd64', 'go-cross:test', 'hi'], { root });
    assert.equal(amd.code, 0, amd.stderr);
    assert.match(amd.stdout, /^hi\nbuilt with go1\.\d+(\.\d+)? for linux\/amd64\n/);
  });
});
