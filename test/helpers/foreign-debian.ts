/**
 * Debian bookworm (minbase) for other architectures, as fixtures.ts makes the host's:
 * `debootstrap --arch=arm64|armhf --foreign --variant=minbase`, then its second stage chrooted
 * into the rootfs, running that architecture's dpkg through QEMU (binfmt_misc with the F flag:
 * `drydock setup binfmt`; no emulator is copied into the image). The rootfs tar is cached in
 * $DRYDOCK_TEST_CACHE and imported once into the shared fixture store. The first build takes
 * minutes (the second stage configures every package under emulation); dpkg's force-unsafe-io,
 * as the official images set it, spares the fsyncs meanwhile and is removed after.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { checkEmulation, enableHint } from '../../src/exec/binfmt.js';
import { importRootfs } from '../../src/image/import.js';
import { hostPlatform, MediaType, type Descriptor, type Index } from '../../src/image/oci.js';
import { openStore, withLock, type Store } from '../../src/store/index.js';
import { copyBlob, debianMirror, fixtureImage, trimDebianRootfs } from './fixtures.js';
import { fixturePlatform } from './platform-fixtures.js';
import { testCacheDir } from './paths.js';

const run = promisify(execFile);

export type ForeignDebianPlatform = 'linux/arm64' | 'linux/arm/v7';
const DEB_ARCH: Record<ForeignDebianPlatform, string> = { 'linux/arm64': 'arm64', 'linux/arm/v7': 'armhf' };
const VERSION = 'v1';
const CHANGES = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["bash"]'];

async function debootstrapVersion(): Promise<string> {
  try {
    return (await run('dpkg-query', ['-W', '-f', '${Version}', 'debootstrap'])).stdout.trim().replace(/[^A-Za-z0-9.+-]/g, '_');
  } catch {
    throw new Error('debootstrap is missing: run scripts/setup.sh --test');
  }
}

/** Unmounts whatever a failed second stage left mounted under `dir` (/proc, /sys), deepest first, before it is removed. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await fs.readFile('/proc/self/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(`${dir}/`)).sort().reverse();
  for (const m of mounts) await run('umount', ['-l', m]).catch(() => undefined);
}

async function bootstrap(rootfs: string, arch: string, platform: ForeignDebianPlatform): Promise<void> {
  const check = checkEmulation(fixturePlatform(platform), hostPlatform());
  if (!check.ok) throw new Error(`Debian ${arch} fixture: ${check.reason}; ${enableHint(fixturePlatform(platform))}`);
  const first = ['--arch', arch, '--foreign', '--variant=minbase', 'bookworm', rootfs, await debianMirror()];
  const log = async () => (await fs.readFile(path.join(rootfs, 'debootstrap/debootstrap.log'), 'utf8').catch(() => '')).slice(-2000);
  try {
    await run('debootstrap', first, { maxBuffer: 64 * 1024 * 1024 });
    const unsafe = path.join(rootfs, 'etc/dpkg/dpkg.cfg.d/drydock-fixture-unsafe-io');
    await fs.writeFile(unsafe, 'force-unsafe-io\n');
    await run('chroot', [rootfs, '/debootstrap/debootstrap', '--second-stage'], { maxBuffer: 64 * 1024 * 1024 });
    await fs.rm(unsafe);
  } catch (e) {
    throw new Error(`debootstrap --arch ${arch} (first or second stage) failed: ${(e as Error).message}\n${await log()}`);
  }
  await trimDebianRootfs(rootfs);
}

/** The foreign Debian rootfs tar (bootstrapped once, then cached). */
export async function foreignDebianRootfs(platform: ForeignDebianPlatform): Promise<string> {
  const arch = DEB_ARCH[platform];
  const dir = testCacheDir();
  await fs.mkdir(dir, { recursive: true });
  const tar = path.join(dir, `debian-${arch}-${VERSION}-${await debootstrapVersion()}.tar`);
  if (existsSync(tar)) return tar;
  return withLock(`${tar}.lock`, async () => {
    if (existsSync(tar)) return tar;
    const work = `${tar}.partial-${process.pid}`;
    const rootfs = path.join(work, 'rootfs');
    await fs.rm(work, { recursive: true, force: true });
    await fs.mkdir(rootfs, { recursive: true });
    try {
      await bootstrap(rootfs, arch, platform);
      await run('tar', ['--numeric-owner', '--xattrs', '--xattrs-include=*', '-C', rootfs, '-cf', path.join(work, 'rootfs.tar'), '.'], { maxBuffer: 64 * 1024 * 1024 });
      await fs.rename(path.join(work, 'rootfs.tar'), tar);
    } finally {
      await unmountUnder(work);
      await fs.rm(work, { recursive: true, force: true });
    }
    return tar;
  });
}

async function platformManifest(cache: Store, platform: ForeignDebianPlatform): Promise<Descriptor> {
  const ref = `drydock-fixtures.invalid/debian-platform:${DEB_ARCH[platform]}-${VERSION}-${(await debootstrapVersion()).replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  const have = await cache.images.get(ref);
  if (have) return have.target;
  const tar = await foreignDebianRootfs(platform);
  return withLock(`${tar}.import.lock`, async () => {
    const again = await cache.images.get(ref);
    if (again) return again.target;
    const r = await importRootfs(cache, tar, ref, { changes: CHANGES, message: `drydock test fixture debian ${platform}`, platform: fixturePlatform(platform) });
    return r.manifestDescriptor;
  });
}

/**
 * Tags `ref` (default `debian:bookworm`) in `store` with an OCI index of Debian for the host's
 * platform (fixtures.ts's debian) and `platforms`; returns the index descriptor.
 */
export async function debianIndex(store: Store, platforms: ForeignDebianPlatform[], ref = 'debian:bookworm'): Promise<Descriptor> {
  const cache = await openStore(path.join(testCacheDir(), 'store'));
  const manifests: Descriptor[] = [];
  const host = await fixtureImage(store, 'debian', ref);
  manifests.push({ mediaType: host.mediaType, digest: host.digest, size: host.size, platform: hostPlatform() });
  for (const p of platforms) {
    const d = await platformManifest(cache, p);
    const m = await cache.content.readJSON<{ config: Descriptor; layers: Descriptor[] }>(d.digest);
    for (const b of [...m.layers, m.config, d]) await copyBlob(cache, store, b);
    manifests.push({ mediaType: d.mediaType, digest: d.digest, size: d.size, platform: fixturePlatform(p) });
  }
  const index: Index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
  const { digest, size } = await store.content.writeJSON(index);
  const target: Descriptor = { mediaType: MediaType.OciIndex, digest, size };
  await store.images.put(ref, target);
  return target;
}
