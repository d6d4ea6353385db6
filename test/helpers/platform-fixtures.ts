/**
 * Foreign-platform base images for tests, made from Debian's packages for those architectures:
 *   busybox for linux/arm64 and linux/arm/v7: `apt-get download busybox-static:arm64|armhf`,
 *   `dpkg-deb -x`, then the same rootfs as fixtures.ts's amd64 busybox (the applet list is the
 *   host's busybox's: the same Debian source version, so the same applets).
 * `busyboxIndex()` tags an OCI index of busybox for several platforms in a store;
 * `pushBusyboxIndex()` pushes one to a loopback registry (every manifest and blob).
 * Rootfs tars and imported images are cached in $DRYDOCK_TEST_CACHE like the other fixtures.
 * Needs `dpkg --add-architecture arm64 armhf` and an apt update (scripts/setup.sh --test).
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { importRootfs } from '../../src/image/import.js';
import { hostPlatform, MediaType, type Descriptor, type Index, type Manifest, type Platform } from '../../src/image/oci.js';
import { formatPlatform, normalizePlatform } from '../../src/image/platform.js';
import { pushImage } from '../../src/registry/index.js';
import { openStore, withLock, type Store } from '../../src/store/index.js';
import { busyboxRootfs, copyBlob, fixtureImage } from './fixtures.js';
import { testCacheDir } from './paths.js';

const run = promisify(execFile);

/** Platforms the busybox fixture exists for, as `--platform` spells them. */
export type FixturePlatform = 'linux/amd64' | 'linux/arm64' | 'linux/arm/v7';

const DEB_ARCH: Record<Exclude<FixturePlatform, 'linux/amd64'>, string> = { 'linux/arm64': 'arm64', 'linux/arm/v7': 'armhf' };
const VERSION = 'v1';
const BASE_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function fixturePlatform(p: FixturePlatform): Platform {
  const [os, architecture, variant] = p.split('/') as [string, string, string?];
  return { os, architecture, ...(variant ? { variant } : {}) };
}

async function hostBusyboxVersion(): Promise<string> {
  try {
    return (await run('dpkg-query', ['-W', '-f', '${Version}', 'busybox-static'])).stdout.trim().replace(/[^A-Za-z0-9.+-]/g, '_');
  } catch {
    throw new Error('Debian package busybox-static is not installed: run scripts/setup.sh --test');
  }
}

/** The foreign busybox rootfs tar (downloaded and laid out once, then cached). */
export async function foreignBusyboxRootfs(p: Exclude<FixturePlatform, 'linux/amd64'>): Promise<string> {
  const arch = DEB_ARCH[p];
  const dir = testCacheDir();
  await fs.mkdir(dir, { recursive: true });
  const tar = path.join(dir, `busybox-${arch}-${VERSION}-${await hostBusyboxVersion()}.tar`);
  if (existsSync(tar)) return tar;
  return withLock(`${tar}.lock`, async () => {
    if (existsSync(tar)) return tar;
    const work = `${tar}.partial-${process.pid}`;
    await fs.rm(work, { recursive: true, force: true });
    await fs.mkdir(path.join(work, 'deb'), { recursive: true });
    try {
      await run('apt-get', ['download', `busybox-static:${arch}`], { cwd: path.join(work, 'deb') }).catch((e: Error) => {
        throw new Error(`apt-get download busybox-static:${arch} failed (needs \`dpkg --add-architecture ${arch}\` and apt-get update: scripts/setup.sh --test): ${e.message}`);
      });
      const deb = (await fs.readdir(path.join(work, 'deb'))).find((f) => f.endsWith('.deb'))!;
      await run('dpkg-deb', ['-x', path.join(work, 'deb', deb), path.join(work, 'pkg')]);
      const rootfs = path.join(work, 'rootfs');
      await fs.mkdir(rootfs);
      await busyboxRootfs(rootfs, path.join(work, 'pkg/bin/busybox'), (await run('/bin/busybox', ['--list-full'])).stdout);
      await run('tar', ['--numeric-owner', '-C', rootfs, '-cf', path.join(work, 'rootfs.tar'), '.']);
      await fs.rename(path.join(work, 'rootfs.tar'), tar);
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
    return tar;
  });
}

/** The shared fixture store, where each platform's busybox is imported once. */
async function cacheStore(): Promise<Store> {
  return openStore(path.join(testCacheDir(), 'store'));
}

/** The busybox manifest for one platform, in the shared fixture store. */
async function platformManifest(cache: Store, p: FixturePlatform): Promise<Descriptor> {
  if (normalizePlatform(fixturePlatform(p)).architecture === hostPlatform().architecture) {
    return fixtureImage(cache, 'busybox', `drydock-fixtures.invalid/busybox-platform:${p.replace(/\//g, '-')}`);
  }
  const ref = `drydock-fixtures.invalid/busybox-platform:${p.replace(/\//g, '-')}-${VERSION}-${(await hostBusyboxVersion()).replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  const have = await cache.images.get(ref);
  if (have) return have.target;
  const tar = await foreignBusyboxRootfs(p as Exclude<FixturePlatform, 'linux/amd64'>);
  return withLock(`${tar}.import.lock`, async () => {
    const again = await cache.images.get(ref);
    if (again) return again.target;
    const r = await importRootfs(cache, tar, ref, { changes: [`ENV ${BASE_PATH}`, 'CMD ["sh"]'], message: `drydock test fixture busybox ${p}`, platform: fixturePlatform(p) });
    return r.manifestDescriptor;
  });
}

export interface BusyboxIndexOptions {
  /** Copy only these platforms' manifests and blobs into the store (the rest stay missing, as after a one-platform pull). */
  only?: FixturePlatform[];
}

/**
 * Tags `ref` (default `busybox:latest`) in `store` with an OCI index of busybox for `platforms`,
 * each entry naming its platform. Returns the index descriptor.
 */
export async function busyboxIndex(store: Store, platforms: FixturePlatform[], ref = 'busybox:latest', opts: BusyboxIndexOptions = {}): Promise<Descriptor> {
  const { cache, index } = await buildIndex(platforms);
  for (const [i, d] of index.manifests.entries()) {
    if (opts.only && !opts.only.includes(platforms[i]!)) continue;
    const m = await cache.content.readJSON<Manifest>(d.digest);
    for (const b of [...m.layers, m.config, d]) await copyBlob(cache, store, b);
  }
  const desc = await store.content.writeJSON(index);
  const target: Descriptor = { mediaType: MediaType.OciIndex, digest: desc.digest, size: desc.size };
  await store.images.put(ref, target);
  return target;
}

async function buildIndex(platforms: FixturePlatform[]): Promise<{ cache: Store; index: Index; ref: string }> {
  const cache = await cacheStore();
  const manifests: Descriptor[] = [];
  for (const p of platforms) {
    const m = await platformManifest(cache, p);
    manifests.push({ mediaType: m.mediaType, digest: m.digest, size: m.size, platform: fixturePlatform(p) });
  }
  const index: Index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
  const { digest, size } = await cache.content.writeJSON(index);
  const ref = `drydock-fixtures.invalid/busybox-index:${platforms.map((p) => p.replace(/\//g, '-')).join('_')}`;
  await cache.images.put(ref, { mediaType: MediaType.OciIndex, digest, size });
  return { cache, index, ref };
}

/**
 * Pushes busybox for `platforms` as one index to a loopback registry, as
 * `HOST/library/busybox:latest` unless `repoTag` says otherwise; returns the remote reference.
 */
export async function pushBusyboxIndex(registry: { host: string }, platforms: FixturePlatform[], repoTag = 'library/busybox:latest'): Promise<{ ref: string; digest: string; manifests: Array<{ platform: string; digest: string }> }> {
  const { cache, index, ref } = await buildIndex(platforms);
  const remote = `${registry.host}/${repoTag}`;
  const { digest } = await pushImage(cache, ref, remote);
  return { ref: remote, digest, manifests: index.manifests.map((d) => ({ platform: formatPlatform(d.platform!), digest: d.digest })) };
}

/** ELF e_machine of `file` (62 x86-64, 183 AArch64, 40 ARM): which architecture a binary is for. */
export async function elfMachine(file: string): Promise<number> {
  const fh = await fs.open(file);
  try {
    const b = Buffer.alloc(20);
    await fh.read(b, 0, 20, 0);
    if (b.subarray(0, 4).toString('latin1') !== '\x7fELF') throw new Error(`${file} is not an ELF file`);
    return b.readUInt16LE(18);
  } finally {
    await fh.close();
  }
}
