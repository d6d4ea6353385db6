/**
 * One pass over a layer's tar: the list of what it adds and removes (paths, kinds, sizes), never
 * the file bodies. Scans are memoised per blob digest, since builder stages share base layers.
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { Store } from '../store/index.js';
import type { Descriptor, Digest } from '../image/oci.js';
import { openLayerTar } from '../image/layer.js';
import { isSnapshotLayer } from '../graph/index.js';
import { readTar } from '../archive/reader.js';
import { DrydockError } from '../util/errors.js';

export type EntryKind = 'dir' | 'file' | 'other' | 'whiteout' | 'opaque';

export interface ScanEntry {
  /** Relative, normalised path (`usr/bin/env`); for `whiteout` the path it deletes, for `opaque` the directory it empties. */
  path: string;
  kind: EntryKind;
  /** Content bytes (regular files only; links, devices and directories are 0). */
  size: number;
}

export interface LayerScan {
  /** Bytes of regular-file content, as `docker history` counts a layer. */
  size: number;
  entries: ScanEntry[];
}

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** Tar entry name → relative path with no `./`, no leading or trailing slash; '' for the root. */
export function normalizeTarPath(name: string): string {
  const p = posix.normalize(`/${name}`).replace(/\/+$/, '');
  return p.slice(1);
}

/** Classifies one tar entry, turning OCI whiteout names into the path they act on. */
export function classify(name: string, type: string, size: number): ScanEntry | undefined {
  const path = normalizeTarPath(name);
  if (path === '') return undefined; // the root directory itself
  const base = posix.basename(path);
  const dir = posix.dirname(path);
  const parent = dir === '.' ? '' : dir;
  if (base === OPAQUE) return { path: parent, kind: 'opaque', size: 0 };
  if (base.startsWith(WH)) return { path: parent ? `${parent}/${base.slice(WH.length)}` : base.slice(WH.length), kind: 'whiteout', size: 0 };
  if (type === 'directory') return { path, kind: 'dir', size: 0 };
  if (type === 'file') return { path, kind: 'file', size };
  return { path, kind: 'other', size: 0 };
}

export async function scanTar(tar: Readable | AsyncIterable<Buffer>): Promise<LayerScan> {
  const entries: ScanEntry[] = [];
  let size = 0;
  for await (const { header } of readTar(tar)) {
    const e = classify(header.name, header.type, header.size);
    if (!e) continue;
    if (e.kind === 'file') size += e.size;
    entries.push(e);
  }
  return { size, entries };
}

export class LayerScanner {
  private readonly memo = new Map<Digest, Promise<LayerScan>>();

  constructor(private readonly store: Store) {}

  /** The layer's scan; throws NOT_FOUND when its blob is no longer in the store. */
  scan(layer: Descriptor): Promise<LayerScan> {
    let p = this.memo.get(layer.digest);
    if (!p) {
      p = this.read(layer);
      this.memo.set(layer.digest, p);
    }
    return p;
  }

  private async read(layer: Descriptor): Promise<LayerScan> {
    if (isSnapshotLayer(layer)) {
      // An intermediate stage's layer, kept as a snapshot only: its tar is made from the snapshot.
      const { openSnapshotter } = await import('../snapshot/index.js');
      const snapshotter = await openSnapshotter(this.store.root);
      if (!(await snapshotter.hasLayer(layer.digest))) throw new DrydockError('NOT_FOUND', `layer ${layer.digest} is not in the store (pruned?)`);
      return scanTar(snapshotter.layerTar(layer.digest));
    }
    if (!(await this.store.content.has(layer.digest))) {
      throw new DrydockError('NOT_FOUND', `layer ${layer.digest} is not in the store (pruned?)`);
    }
    return scanTar(openLayerTar(this.store, layer));
  }
}
