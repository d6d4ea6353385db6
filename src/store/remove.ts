/** `drydock rm`: untag references (or every reference of an image id), then free the blobs only they used. */
import { DrydockError } from '../util/errors.js';
import type { Digest } from '../image/oci.js';
import { parseReference } from '../image/reference.js';
import type { Store } from './index.js';
import { collectGarbage, reachable } from './gc.js';
import type { ImageRecord } from './images.js';
import { platformIdRecords } from './remove-platform.js';

export interface RemoveResult {
  untagged: string[];
  deleted: Digest[];
}

function isRefForm(name: string, rec: ImageRecord): boolean {
  try {
    return parseReference(name).toString() === rec.ref || parseReference(name).digest === rec.target.digest;
  } catch {
    return false;
  }
}

export async function removeImages(store: Store, names: string[], opts: { force?: boolean } = {}): Promise<RemoveResult> {
  const toUntag = new Map<string, ImageRecord>();
  // Ids of a multi-platform image's other platforms come last: `rm $(drydock images -q)` names
  // the whole image too, and then removing it is what was asked.
  const platformIds: string[] = [];
  for (const name of names) {
    const rec = await store.images.get(name, { platforms: false });
    if (!rec) {
      platformIds.push(name);
      continue;
    }
    if (isRefForm(name, rec)) {
      toUntag.set(rec.ref, rec);
      continue;
    }
    // By id: every reference to that image.
    const all = await store.images.byId(await store.images.imageId(rec));
    const repos = new Set(all.map((r) => parseReference(r.ref).repository));
    if (repos.size > 1 && !opts.force) {
      throw new DrydockError('USAGE', `conflict: unable to delete ${name} (must be forced) - image is referenced in multiple repositories`);
    }
    for (const r of all) toUntag.set(r.ref, r);
  }
  for (const name of platformIds) {
    for (const r of await platformIdRecords(store, name, { ...opts, removing: new Set(toUntag.keys()) })) toUntag.set(r.ref, r);
  }
  const candidates = await reachable(store, [...toUntag.values()].map((r) => r.target.digest));
  const untagged: string[] = [];
  for (const ref of toUntag.keys()) if (await store.images.delete(ref)) untagged.push(ref);
  const gc = await collectGarbage(store, { candidates });
  return { untagged, deleted: gc.removed };
}
