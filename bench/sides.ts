/**
 * The two builders under test, behind one interface: drydock (the compiled CLI, as a user runs
 * it) and BuildKit (Debian's docker.io 20.10, a private dockerd with a warm daemon). Both start
 * from the same base images: the test fixtures, imported into a drydock root and `docker load`ed
 * from a `saveImages` archive of that root.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openStore } from '../src/store/index.js';
import { saveImages } from '../src/image/archive/index.js';
import { resolveImage } from '../src/image/resolve.js';
import { openSnapshotter } from '../src/snapshot/index.js';
import { ensureLayers } from '../src/solver/workspace.js';
import { LayerSizes } from '../src/solver/layer-size.js';
import { fixtureImage, type FixtureName } from '../test/helpers/fixtures.js';
import { startDockerd, type DockerdFixture } from '../test/helpers/dockerd.js';
import { repoRoot } from '../test/helpers/paths.js';
import { run, timeCommand, type Timed } from './measure.js';

export interface Side {
  name: 'drydock' | 'buildkit';
  /**
   * Forget every build result and cache: only the base images are left. `unpacked`: with their
   * layers already unpacked, as `docker load` leaves them (drydock unpacks on first use).
   */
  reset(opts?: { unpacked?: boolean }): Promise<void>;
  /** One `build -q -t TAG CTX`, timed from the CLI's start to its exit. */
  build(ctx: string, tag: string): Promise<Timed>;
  close(): Promise<void>;
}

/** The base images every scenario may use, by fixture and the name Dockerfiles use. */
export const BASES: ReadonlyArray<[FixtureName, string]> = [['busybox', 'busybox:latest'], ['golang', 'golang:1.19']];

const DOCKER = '/usr/bin/docker';

/** The drydock checkout under test (its `bin/drydock.js` and compiled `dist/`): this repository by default. */
export function drydockCli(checkout: string = repoRoot): string {
  if (!existsSync(path.join(checkout, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error(`${checkout}/dist/src/cli/main.js is missing: run \`npx tsc -p .\` there first (the bench runs the compiled CLI)`);
  }
  return path.join(checkout, 'bin', 'drydock.js');
}

/** A drydock root holding only the base images; each reset hard-links a fresh copy of it. */
export async function prepareBaseRoot(dir: string): Promise<string> {
  const store = await openStore(dir);
  for (const [name, ref] of BASES) await fixtureImage(store, name, ref);
  return dir;
}

/** A copy of `baseRoot` whose base image layers are also unpacked in the snapshotter. */
export async function prepareUnpackedRoot(baseRoot: string, dir: string): Promise<string> {
  await run(['cp', '-al', baseRoot, dir]);
  const store = await openStore(dir);
  const ws = { store, snapshotter: await openSnapshotter(dir), sizes: new LayerSizes(dir) };
  for (const [, ref] of BASES) {
    const img = await resolveImage(store, (await store.images.get(ref))!.target);
    await ensureLayers(ws, img.manifest.layers.map((descriptor, i) => ({ descriptor, diffID: img.config.rootfs.diff_ids[i]! })));
  }
  return dir;
}

/** Writes dirty pages out, so a reset's deletions and copies do not slow the measured build. */
const settle = () => run(['sync']);

export function drydockSide(cli: string, bases: { blobs: string; unpacked: string }, root: string): Side {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // the bench may run under tsx; the CLI must not
  return {
    name: 'drydock',
    async reset(opts) {
      await rm(root, { recursive: true, force: true });
      // Blobs and unpacked layers are immutable, so hard links give a fresh root cheaply.
      await run(['cp', '-al', opts?.unpacked ? bases.unpacked : bases.blobs, root]);
      await settle();
    },
    build: (ctx, tag) => timeCommand([process.execPath, cli, '--root', root, 'build', '-q', '-t', tag, ctx], { env }),
    async close() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Starts a private dockerd and loads the bases from `baseRoot` into it. */
export async function buildkitSide(baseRoot: string, work: string): Promise<Side> {
  if (!existsSync(DOCKER)) throw new Error(`${DOCKER} is missing: run scripts/setup.sh --test (Debian package docker.io)`);
  const dockerd: DockerdFixture = await startDockerd();
  const env = { ...process.env, ...dockerd.env, DOCKER_BUILDKIT: '1' };
  const docker = (args: string[]) => run([DOCKER, ...args], { env });
  try {
    await mkdir(work, { recursive: true });
    const tar = path.join(work, 'bases.tar');
    await pipeline(await saveImages(await openStore(baseRoot), BASES.map(([, ref]) => ref), 'docker'), createWriteStream(tar));
    await docker(['load', '-q', '-i', tar]);
    await rm(tar);
  } catch (e) {
    await dockerd.stop();
    throw e;
  }
  return {
    name: 'buildkit',
    async reset() {
      await docker(['builder', 'prune', '-af']);
      await settle();
    },
    build: (ctx, tag) => timeCommand([DOCKER, 'build', '--network', 'host', '-q', '-t', tag, ctx], { env }),
    close: () => dockerd.stop(),
  };
}
