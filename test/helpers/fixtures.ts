/**
 * Base images for tests, built from Debian packages on this machine (no Docker Hub):
 *   busybox  Debian's busybox-static, an applet symlink for everything it lists, passwd/group, CMD ["sh"]
 *   debian   `debootstrap --variant=minbase bookworm` from the host's apt mirror, CMD ["bash"]
 *   golang   the same plus golang-go and ca-certificates, Go on PATH, GOPATH=/go, WORKDIR /go
 * Each is built once into $DRYDOCK_TEST_CACHE as a rootfs tar (keyed by a version string, so a
 * changed recipe rebuilds) and imported once into a cached store there; tests copy from it.
 * File locks make concurrent test files wait for one builder instead of racing.
 */
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { importRootfs } from '../../src/image/import.js';
import { isIndexMediaType, type Descriptor, type Index, type Manifest } from '../../src/image/oci.js';
import { pushImage } from '../../src/registry/index.js';
import { openStore, withLock, type Store } from '../../src/store/index.js';
import { testCacheDir } from './paths.js';

const run = promisify(execFile);

export type FixtureName = 'busybox' | 'debian' | 'golang';
export const FIXTURE_NAMES: readonly FixtureName[] = ['busybox', 'debian', 'golang'];

const BASE_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What a built rootfs needs to become an image like the official one. */
interface FixtureMeta {
  /** `docker import --change` lines. */
  changes: string[];
  /** Repository and tag the official image would have: library/golang:1.19 */
  repository: string;
  tag: string;
}

interface Recipe {
  /** Bump to rebuild every cache of this fixture. */
  version: string;
  build(dir: string): Promise<FixtureMeta>;
}

async function dpkgVersion(pkg: string): Promise<string> {
  try {
    return (await run('dpkg-query', ['-W', '-f', '${Version}', pkg])).stdout.trim();
  } catch {
    throw new Error(`Debian package ${pkg} is not installed: run scripts/setup.sh --test`);
  }
}

/** The Debian mirror apt uses on this machine (deb822 .sources or one-line sources.list). */
export async function debianMirror(): Promise<string> {
  const files = ['/etc/apt/sources.list'];
  try {
    for (const f of await fs.readdir('/etc/apt/sources.list.d')) files.push(path.join('/etc/apt/sources.list.d', f));
  } catch {
    // no sources.list.d
  }
  for (const f of files) {
    const text = await fs.readFile(f, 'utf8').catch(() => '');
    for (const stanza of text.split(/\n\s*\n/)) {
      const uris = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      if (uris && suites.includes('bookworm')) return uris;
    }
    for (const line of text.split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/.exec(line.trim());
      if (m) return m[1]!;
    }
  }
  return 'http://deb.debian.org/debian';
}

async function debootstrap(dir: string, include: string[]): Promise<void> {
  if (!existsSync('/usr/sbin/debootstrap')) throw new Error('debootstrap is missing: run scripts/setup.sh --test');
  const mirror = await debianMirror();
  const args = ['--variant=minbase', ...(include.length ? [`--include=${include.join(',')}`] : []), 'bookworm', dir, mirror];
  try {
    await run('debootstrap', args, { maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const log = await fs.readFile(path.join(dir, 'debootstrap/debootstrap.log'), 'utf8').catch(() => '');
    throw new Error(`debootstrap ${args.join(' ')} failed: ${(e as Error).message}\n${log.slice(-2000)}`);
  }
  await trimDebianRootfs(dir);
}

/** Like the official image: no package caches, apt lists or device nodes (the runtime makes /dev). */
export async function trimDebianRootfs(dir: string): Promise<void> {
  for (const sub of ['var/cache/apt/archives', 'var/lib/apt/lists', 'dev']) {
    const p = path.join(dir, sub);
    for (const f of await fs.readdir(p).catch(() => [] as string[])) {
      if (f === 'partial' || f === 'lock') continue;
      await fs.rm(path.join(p, f), { recursive: true, force: true });
    }
  }
}

/**
 * A busybox rootfs in `dir` around the static binary `bin`: one symlink per applet of `list`
 * (`busybox --list-full`), passwd/group. platform-fixtures.ts makes the foreign ones with it.
 */
export async function busyboxRootfs(dir: string, bin: string, list: string): Promise<void> {
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'home', 'var', 'tmp']) await fs.mkdir(path.join(dir, d), { recursive: true });
  await fs.chmod(path.join(dir, 'tmp'), 0o1777);
  await fs.chmod(path.join(dir, 'root'), 0o700);
  await fs.copyFile(bin, path.join(dir, 'bin/busybox'));
  await fs.chmod(path.join(dir, 'bin/busybox'), 0o755);
  for (const applet of list.split('\n').map((s) => s.trim()).filter(Boolean)) {
    if (applet === 'bin/busybox') continue;
    await fs.mkdir(path.dirname(path.join(dir, applet)), { recursive: true });
    await fs.symlink('/bin/busybox', path.join(dir, applet)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
  await fs.writeFile(path.join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  await fs.writeFile(path.join(dir, 'etc/group'), 'root:x:0:\nnobody:x:65534:\n');
}

const recipes: Record<FixtureName, Recipe> = {
  busybox: {
    version: 'v1',
    async build(dir) {
      const bin = '/bin/busybox';
      if (!existsSync(bin)) throw new Error('/bin/busybox is missing: run scripts/setup.sh --test (busybox-static)');
      await busyboxRootfs(dir, bin, (await run(bin, ['--list-full'])).stdout);
      return { changes: [`ENV ${BASE_PATH}`, 'CMD ["sh"]'], repository: 'library/busybox', tag: 'latest' };
    },
  },
  debian: {
    version: 'v1',
    async build(dir) {
      await debootstrap(dir, []);
      return { changes: [`ENV ${BASE_PATH}`, 'CMD ["bash"]'], repository: 'library/debian', tag: 'bookworm' };
    },
  },
  golang: {
    version: 'v1',
    async build(dir) {
      await debootstrap(dir, ['golang-go', 'ca-certificates']);
      const goVersion = (await fs.readFile(path.join(dir, 'usr/lib/go/VERSION'), 'utf8')).split('\n')[0]!.trim().replace(/^go/, '');
      for (const d of ['go/src', 'go/bin']) await fs.mkdir(path.join(dir, d), { recursive: true });
      await run('chmod', ['-R', '1777', path.join(dir, 'go')]);
      const minor = goVersion.split('.').slice(0, 2).join('.');
      return {
        changes: [
          `ENV GOLANG_VERSION=${goVersion}`,
          'ENV GOPATH=/go',
          'ENV PATH=/go/bin:/usr/lib/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          'WORKDIR /go',
          'CMD ["bash"]',
        ],
        repository: 'library/golang',
        tag: minor,
      };
    },
  },
};

async function cacheKey(name: FixtureName): Promise<string> {
  // The host package versions that end up inside are part of the key.
  const pkg = name === 'busybox' ? await dpkgVersion('busybox-static') : await dpkgVersion('debootstrap');
  return `${name}-${recipes[name].version}-${pkg.replace(/[^A-Za-z0-9.+-]/g, '_')}`;
}

async function cached(name: FixtureName): Promise<{ tar: string; meta: FixtureMeta; key: string }> {
  const dir = testCacheDir();
  await fs.mkdir(dir, { recursive: true });
  const key = await cacheKey(name);
  const tar = path.join(dir, `${key}.tar`);
  const metaPath = path.join(dir, `${key}.json`);
  const read = async () => ({ tar, key, meta: JSON.parse(await fs.readFile(metaPath, 'utf8')) as FixtureMeta });
  if (existsSync(tar) && existsSync(metaPath)) return read();
  return withLock(path.join(dir, `${key}.lock`), async () => {
    if (existsSync(tar) && existsSync(metaPath)) return read(); // another process built it meanwhile
    const work = path.join(dir, `${key}.partial-${process.pid}`);
    await fs.rm(work, { recursive: true, force: true });
    const rootfs = path.join(work, 'rootfs');
    await fs.mkdir(rootfs, { recursive: true });
    try {
      const meta = await recipes[name].build(rootfs);
      await run('tar', ['--numeric-owner', '--xattrs', '--xattrs-include=*', '-C', rootfs, '-cf', path.join(work, 'rootfs.tar'), '.'], { maxBuffer: 64 * 1024 * 1024 });
      await fs.writeFile(metaPath, JSON.stringify(meta));
      await fs.rename(path.join(work, 'rootfs.tar'), tar); // visible only when complete
    } finally {
      await fs.rm(work, { recursive: true, force: true });
    }
    return read();
  });
}

/** Path of the fixture's rootfs tarball (built on first use, then cached). */
export async function fixtureRootfs(name: FixtureName): Promise<string> {
  return (await cached(name)).tar;
}

/** The reference a fixture has on Docker Hub, e.g. `golang:1.19`. */
export async function fixtureRef(name: FixtureName): Promise<{ repository: string; tag: string }> {
  const { meta } = await cached(name);
  return { repository: meta.repository, tag: meta.tag };
}

/** The shared store in the cache dir holding each fixture imported once (gzip done once). */
async function fixtureStoreImage(name: FixtureName): Promise<{ store: Store; ref: string }> {
  const { tar, meta, key } = await cached(name);
  const store = await openStore(path.join(testCacheDir(), 'store'));
  const ref = `drydock-fixtures.invalid/${name}:${key.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 120)}`;
  if (!(await store.images.get(ref))) {
    await withLock(path.join(testCacheDir(), `${key}.import.lock`), async () => {
      if (!(await store.images.get(ref))) await importRootfs(store, tar, ref, { changes: meta.changes, message: `drydock test fixture ${key}` });
    });
  }
  return { store, ref };
}

/** Copies one blob between stores (the fixture store and a test's) unless `to` has it already. */
export async function copyBlob(from: Store, to: Store, d: Descriptor): Promise<void> {
  if (from === to || (await to.content.size(d.digest)) === d.size) return;
  await to.content.writeStream(createReadStream(from.content.path(d.digest)), { digest: d.digest, size: d.size });
}

/**
 * Puts the fixture image into `store` tagged `ref` (default: its Docker Hub name, e.g.
 * `debian:bookworm`), with the official image's config (Env, Cmd, WorkingDir).
 */
export async function fixtureImage(store: Store, name: FixtureName, ref?: string): Promise<Descriptor> {
  const { store: cache, ref: cachedRef } = await fixtureStoreImage(name);
  const target = (await cache.images.get(cachedRef))!.target;
  const manifests: Descriptor[] = isIndexMediaType(target.mediaType)
    ? (await cache.content.readJSON<Index>(target.digest)).manifests : [target];
  for (const md of manifests) {
    const m = await cache.content.readJSON<Manifest>(md.digest);
    for (const d of [...m.layers, m.config, md]) await copyBlob(cache, store, d);
  }
  if (manifests[0] !== target) await copyBlob(cache, store, target);
  const { meta } = await cached(name);
  await store.images.put(ref ?? `${meta.repository.replace(/^library\//, '')}:${meta.tag}`, target);
  return target;
}

/**
 * Pushes fixtures to a loopback registry as `HOST/library/busybox:latest`,
 * `HOST/library/debian:bookworm`, `HOST/library/golang:1.19`; returns name -> pushed reference.
 * With the registry as a docker.io mirror (tmpStoreRoot({ mirror })), `FROM busybox` resolves there.
 */
export async function seedRegistry(registry: { host: string }, names: readonly FixtureName[]): Promise<Record<FixtureName, string>> {
  const out = {} as Record<FixtureName, string>;
  for (const name of names) {
    const { store, ref } = await fixtureStoreImage(name);
    const { meta } = await cached(name);
    const remote = `${registry.host}/${meta.repository}:${meta.tag}`;
    await pushImage(store, ref, remote);
    out[name] = remote;
  }
  return out;
}
