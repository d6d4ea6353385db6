/**
 * The copy driver, for hosts where overlay mounts fail (e.g. inside some containers): a
 * snapshot is a real directory tree, materialised by applying the layers in order (whiteouts
 * delete, opaque directories are emptied, `cp -a --reflink=auto` copies the rest), and its diff
 * compares the tree with the state recorded at prepare time (see copy-diff.ts).
 */
import type { BigIntStats } from 'node:fs';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Digest } from '../image/oci.js';
import { DrydockError } from '../util/errors.js';
import { runTool } from '../util/tool.js';
import { copyChanges, recordState } from './copy-diff.js';
import { isWhiteout, join } from './changes.js';
import type { LayerStore } from './store.js';
import { writeLayerTar, type DiffOptions } from './tar-writer.js';
import type { ActiveSnapshot, SnapshotView } from './types.js';

async function tryLstat(p: string): Promise<BigIntStats | undefined> {
  return lstat(p, { bigint: true }).catch(() => undefined);
}

function forgetUnder(sources: Map<string, string>, rel: string): void {
  for (const k of sources.keys()) if (rel === '' || k === rel || k.startsWith(`${rel}/`)) sources.delete(k);
}

async function emptyDir(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(path.join(dir, name), { recursive: true, force: true });
}

/** Applies one overlay-format layer onto `merged`; `sources` tracks which layer file each regular file came from. */
async function applyLayer(merged: string, layerFs: string, opaque: Set<string>, sources: Map<string, string>): Promise<void> {
  const whiteouts: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    if (opaque.has(rel)) {
      if (rel === '') await emptyDir(merged);
      else await rm(path.join(merged, rel), { recursive: true, force: true });
      forgetUnder(sources, rel);
    }
    for (const name of await readdir(path.join(layerFs, rel))) {
      const p = join(rel, name);
      const st = await lstat(path.join(layerFs, p), { bigint: true });
      const target = path.join(merged, p);
      const cur = await tryLstat(target);
      if (isWhiteout(st)) whiteouts.push(target);
      // Replace rather than write through: the old file may be a hard link shared with another path.
      if (cur && (isWhiteout(st) || !st.isDirectory() || !cur.isDirectory())) {
        await rm(target, { recursive: true, force: true });
        forgetUnder(sources, p);
      }
      if (st.isDirectory()) await visit(p);
      else if (st.isFile()) sources.set(p, path.join(layerFs, p));
    }
  };
  await visit('');
  await runTool('cp', ['-a', '--reflink=auto', `${layerFs}/.`, `${merged}/`]);
  for (const w of whiteouts) await rm(w, { force: true });
}

async function materialise(store: LayerStore, layers: Digest[], merged: string): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for (const l of layers) {
    if (!(await store.has(l))) throw new DrydockError('STORE', `layer ${l} is not unpacked`);
    await applyLayer(merged, store.fsDir(l), new Set((await store.meta(l)).opaque), sources);
  }
  return sources;
}

export async function copyPrepare(store: LayerStore, layers: Digest[]): Promise<ActiveSnapshot> {
  const dir = await store.newActive(layers);
  const merged = path.join(dir, 'merged');
  let state;
  try {
    await mkdir(merged, { mode: 0o755 });
    state = await recordState(merged, await materialise(store, layers, merged));
  } catch (e) {
    await store.removeActive(dir);
    throw e;
  }
  const before = state;
  let lastDiff: DiffOptions | undefined;
  const diff = (opts?: DiffOptions): Readable => {
    lastDiff = opts;
    return Readable.from(
      (async function* () {
        yield* writeLayerTar(await copyChanges(merged, before), opts);
      })(),
      { objectMode: false },
    );
  };
  return {
    rootfs: merged,
    diff,
    // No upperdir to adopt: the layer is the diff, unpacked like any pulled layer.
    commit: (diffID: Digest) => store.ensure(diffID, () => diff(lastDiff), false),
    release: () => store.removeActive(dir),
  };
}

export async function copyView(store: LayerStore, layers: Digest[]): Promise<SnapshotView> {
  const dir = await store.newActive(layers);
  const merged = path.join(dir, 'merged');
  try {
    await mkdir(merged, { mode: 0o755 });
    await materialise(store, layers, merged);
  } catch (e) {
    await store.removeActive(dir);
    throw e;
  }
  return { path: merged, release: () => store.removeActive(dir) };
}
