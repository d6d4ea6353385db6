/**
 * What a build remembers for later reports: the layer lists of its stages, in
 * `<root>/reports/<image id hex>.json`, so `drydock report IMAGE` can show what the builder
 * stages left behind for images built in this store. Registry images have no record.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import { atomicWrite } from '../store/index.js';
import type { Digest } from '../image/oci.js';
import type { StageInput } from './types.js';

export interface BuildRecord {
  imageId: Digest;
  stages: StageInput[];
}

function recordPath(store: Store, imageId: Digest): string {
  return join(store.root, 'reports', `${imageId.replace(/^sha256:/, '')}.json`);
}

export async function saveBuildRecord(store: Store, imageId: Digest, stages: StageInput[]): Promise<void> {
  await mkdir(join(store.root, 'reports'), { recursive: true });
  const rec: BuildRecord = { imageId, stages: stages.map((s) => ({ name: s.name, inImage: s.inImage, layers: s.layers })) };
  await atomicWrite(store.tmpDir, recordPath(store, imageId), `${JSON.stringify(rec)}\n`);
}

/** The record of the build that made `imageId`, if it was built here (a broken file counts as none). */
export async function loadBuildRecord(store: Store, imageId: Digest): Promise<BuildRecord | undefined> {
  try {
    const rec = JSON.parse(await readFile(recordPath(store, imageId), 'utf8')) as BuildRecord;
    return rec.imageId === imageId && Array.isArray(rec.stages) ? rec : undefined;
  } catch {
    return undefined;
  }
}
