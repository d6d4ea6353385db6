/**
 * Flattening an image's layers into one filesystem, applying OCI whiteouts (`.wh.<name>` deletes
 * a lower path, `.wh..wh..opq` hides a directory's lower contents). Two streaming passes and no
 * layer bytes in memory: top-down over headers decides which entries survive, bottom-up emits
 * them, so hard links still follow their targets.
 */
import type { Readable } from 'node:stream';
import type { Store } from '../store/index.js';
import type { Descriptor } from './oci.js';
import { openLayerTar } from './layer.js';
import { readTar } from '../archive/reader.js';
import { tarStream } from '../archive/writer.js';
import { entryPath as cleanPath, extractTar } from '../archive/extract.js';

const WH = '.wh.';
const OPAQUE = '.wh..wh..opq';

function split(p: string): [string, string] {
  const i = p.lastIndexOf('/');
  return i < 0 ? ['', p] : [p.slice(0, i), p.slice(i + 1)];
}

function ancestors(p: string): string[] {
  const out: string[] = [];
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) out.push(p.slice(0, i));
  return out;
}

/** Which entries (by ordinal) of each layer survive in the merged filesystem. */
async function survivors(open: (i: number) => Readable, count: number): Promise<Array<Set<number>>> {
  const deleted = new Set<string>(); // whited out by an upper layer
  const opaque = new Set<string>(); // lower contents hidden by an upper layer
  const seen = new Map<string, boolean>(); // path -> is directory, present in an upper layer
  const kept: Array<Set<number>> = new Array(count);
  for (let i = count - 1; i >= 0; i--) {
    const layerDeleted: string[] = [];
    const layerOpaque: string[] = [];
    const last = new Map<string, { ordinal: number; dir: boolean }>();
    let ordinal = -1;
    for await (const { header } of readTar(open(i))) {
      ordinal++;
      const p = cleanPath(header.name);
      const [dir, base] = split(p);
      if (base === OPAQUE) {
        layerOpaque.push(dir);
        continue;
      }
      if (base.startsWith(WH)) {
        if (!base.startsWith(`${WH}${WH}`)) layerDeleted.push(dir ? `${dir}/${base.slice(WH.length)}` : base.slice(WH.length));
        continue; // other .wh..wh.* names are aufs metadata
      }
      if (hidden(p, deleted, opaque, seen)) continue;
      last.set(p, { ordinal, dir: header.type === 'directory' });
    }
    kept[i] = new Set([...last.values()].map((v) => v.ordinal));
    for (const [p, v] of last) if (!seen.has(p)) seen.set(p, v.dir);
    for (const d of layerDeleted) deleted.add(d);
    for (const d of layerOpaque) opaque.add(d);
  }
  return kept;
}

function hidden(p: string, deleted: Set<string>, opaque: Set<string>, seen: Map<string, boolean>): boolean {
  if (p === '') return seen.has('');
  if (deleted.has(p) || seen.has(p)) return true;
  for (const a of ancestors(p)) {
    if (deleted.has(a) || opaque.has(a) || seen.get(a) === false) return true;
  }
  return opaque.has('') && p !== '';
}

/** The merged filesystem of `layers` (bottom first) as one tar stream without whiteouts. */
export function flattenToTar(store: Store, layers: Descriptor[]): Readable {
  const open = (i: number) => openLayerTar(store, layers[i]!);
  return tarStream(async (w) => {
    const kept = await survivors(open, layers.length);
    for (let i = 0; i < layers.length; i++) {
      let ordinal = -1;
      for await (const entry of readTar(open(i))) {
        ordinal++;
        if (!kept[i]!.has(ordinal)) continue;
        await w.add(entry.header, entry.body);
      }
    }
  });
}

/** Unpacks the merged filesystem of `layers` into `destDir` (created if missing). */
export async function flattenLayers(store: Store, layers: Descriptor[], destDir: string): Promise<void> {
  await extractTar(flattenToTar(store, layers), destDir);
}
