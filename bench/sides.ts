/**
 * The two builders under test, behind one interface: drydock (the compiled CLI, as a user runs
 * it) and BuildKit (Debian's docker.io 20.10, a private dockerd with a warm daemon). Both start
 * from the same base images: the test fixtures, saved to one archive that each builder loads.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openStore } from '../src/store/index.js';
import { saveImages } from '../src/image/archive/index.js';
import { fixtureImage, type FixtureName } from '../test/helpers/fixtures.js';
import { startDockerd, type DockerdFixture } from '../test/helpers/dockerd.js';
import { repoRoot } from '../test/helpers/paths.js';
import { run, timeCommand, type Timed } from './measure.js';

export interface Side {
  name: 'drydock' | 'buildkit';
  /**
   * Forget every build result and cache: only the base images are left, as loaded. `packed`:
   * drydock's were loaded with `--no-unpack`, so the build unpacks them (docker has no such mode).
   * `empty`: not even the bases (a fresh runner, which pulls them).
   */
  reset(opts?: { packed?: boolean; empty?: boolean }): Promise<void>;
  /** Where this builder keeps images, layers and cache (read back in after a page-cache drop). */
  dataDirs(): string[];
  /** One `build -q -t TAG CTX`, timed from the CLI's start to its exit. */
  build(ctx: string, tag: string): Promise<Timed>;
  close(): Promise<void>;
}

/** The base images every scenario may use, by fixture and the name Dockerfiles use. */
export const BASES: ReadonlyArray<[FixtureName, string]> = [['busybox', 'busybox:latest'], ['golang', 'golang:1.19']];
/** The names the bases are loaded under: what a reset keeps. */
const BASE_REFS: ReadonlySet<string> = new Set(BASES.map(([, ref]) => ref));

const DOCKER = '/usr/bin/docker';

/** The drydock checkout under test (its `bin/drydock.js` and compiled `dist/`): this repository by default. */
export function drydockCli(checkout: string = repoRoot): string {
  if (!existsSync(path.join(checkout, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error(`${checkout}/dist/src/cli/main.js is missing: run \`npm run build\` there first (the bench runs the compiled CLI)`);
  }
  return path.join(checkout, 'bin', 'drydock.js');
}

/**
 * The base images as one `docker save`-format archive, from the test fixtures: both builders get
 * their bases by loading this same file (`docker load`, `drydock load`).
 */
export async function prepareBasesArchive(work: string): Promise<string> {
  const store = await openStore(path.join(work, 'fixtures-root'));
  for (const [name, ref] of BASES) await fixtureImage(store, name, ref);
  const tar = path.join(work, 'bases.tar');
  await pipeline(await saveImages(store, BASES.map(([, ref]) => ref), 'docker'), createWriteStream(tar));
  return tar;
}

/**
 * A drydock root with the bases as `drydock load` leaves them (layers unpacked, as `docker load`
 * leaves docker's), or with `--no-unpack` (blobs only: a build unpacks on first use).
 */
export async function prepareBaseRoot(cli: string, archive: string, dir: string, opts: { unpack: boolean }): Promise<string> {
  await run([process.execPath, cli, '--root', dir, 'load', ...(opts.unpack ? [] : ['--no-unpack']), '-i', archive]);
  return dir;
}

/** Writes dirty pages out, so a reset's deletions and copies do not slow the measured build. */
const settle = () => run(['sync']);

export function drydockSide(cli: string, bases: { loaded: string; packed: string }, root: string): Side {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // the bench may run under tsx; the CLI must not
  const drydock = (args: string[]) => run([cli, '--root', root, ...args], { env });
  let current: 'loaded' | 'packed' | undefined;
  return {
    name: 'drydock',
    async reset(opts) {
      if (opts?.empty) {
        await rm(root, { recursive: true, force: true });
        current = undefined;
        await settle();
        return;
      }
      const want = opts?.packed ? 'packed' : 'loaded';
      if (current === want && want === 'loaded') {
        // As the docker side does: remove what the builds made, keep the bases as loaded (a
        // fresh root each time would also delete and re-create the bases' thousands of
        // directories, and ext4 then creates files slowly for a while).
        const built = (await drydock(['images'])).split('\n').slice(1)
          .map((line) => line.split(/\s+/)).filter(([repo, tag]) => repo && tag && tag !== '<none>').map(([repo, tag]) => `${repo}:${tag}`)
          .filter((ref) => !BASE_REFS.has(ref));
        if (built.length) await drydock(['rmi', ...built]);
        await drydock(['prune', '--cache']);
      } else {
        await rm(root, { recursive: true, force: true });
        // Blobs and unpacked layers are immutable, so hard links give a fresh root cheaply.
        await run(['cp', '-al', want === 'packed' ? bases.packed : bases.loaded, root]);
        current = want;
      }
      await settle();
    },
    dataDirs: () => [root, path.dirname(cli), path.join(path.dirname(cli), '..', 'dist', 'bundle')],
    // The bin itself, through its `#!` line, as a user's `drydock build` runs.
    build: (ctx, tag) => timeCommand([cli, '--root', root, 'build', '-q', '-t', tag, ctx], { env }),
    async close() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Starts a private dockerd and loads the bases archive into it. */
export async function buildkitSide(archive: string): Promise<Side> {
  if (!existsSync(DOCKER)) throw new Error(`${DOCKER} is missing: run scripts/setup.sh --test (Debian package docker.io)`);
  const dockerd: DockerdFixture = await startDockerd();
  const env = { ...process.env, ...dockerd.env, DOCKER_BUILDKIT: '1' };
  const docker = (args: string[]) => run([DOCKER, ...args], { env });
  try {
    await docker(['load', '-q', '-i', archive]);
  } catch (e) {
    await dockerd.stop();
    throw e;
  }
  let basesGone = false;
  return {
    name: 'buildkit',
    async reset(opts) {
      // The images the builds made, then the build cache: only the loaded bases are left (or none).
      const built = (await docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n').filter((r) => r && !r.includes('<none>') && (opts?.empty || !BASE_REFS.has(r)));
      if (built.length) await docker(['rmi', ...built]);
      await docker(['builder', 'prune', '-af']);
      // After an empty reset, the next one loads the bases back.
      if (!opts?.empty && basesGone) await docker(['load', '-q', '-i', archive]);
      basesGone = !!opts?.empty;
      await settle();
    },
    dataDirs: () => [dockerd.dataRoot],
    build: (ctx, tag) => timeCommand([DOCKER, 'build', '--network', 'host', '-q', '-t', tag, ctx], { env }),
    close: () => dockerd.stop(),
  };
}
