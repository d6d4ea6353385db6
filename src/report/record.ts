/**
 * What a build remembers for later reports: the layer lists of its stages, in
 * `<root>/reports/<image id hex>.json`, so `drydock report IMAGE` can show what the builder
 * stages left behind for images built in this store. Registry images have no record.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import { atomicWrite, openStore } from '../store/index.js';
import type { Digest, ImageConfig } from '../image/oci.js';
import type { StageInput } from './types.js';

export interface BuildRecord {
  imageId: Digest;
  stages: StageInput[];
}

/** What a build hands over: enough to report on its image without looking it up again. */
export interface BuiltImage {
  imageId: Digest;
  refs: string[];
  config: ImageConfig;
  stages: Array<StageInput & { index?: number }>;
}

/**
 * After a build: remember its stages for later `drydock report IMAGE`, and when `file` is given
 * write the report there. Lives here, not in index.ts, so that a build without --report does
 * not load the analysis and the renderers.
 */
export async function recordBuild(root: string | undefined, built: BuiltImage, file?: string): Promise<void> {
  const store = await openStore(root);
  const stages = built.stages.map((s) => ({ name: s.name, inImage: s.inImage, layers: s.layers }));
  await saveBuildRecord(store, built.imageId, stages);
  if (file) await (await import('./index.js')).writeBuildReport(store, built, stages, file);
}

function recordPath(store: Store, imageId: Digest): string {
  return join(store.root, 'reports', `${imageId.replace(/^sha256:/, '')}.json`);
}

export async function saveBuildRecord(store: Store, imageId: Digest, stages: StageInput[]): Promise<void> {
  await mkdir(join(store.root, 'reports'), { recursive: true });
  const rec: BuildRecord = { imageId, stages: stages.map((s) => ({ name: s.name, inImage: s.inImage, layers: s.layers })) };
  const text = `${JSON.stringify(rec)}\n`;
  // A rebuild of the same image has the same record: skip the write (and its fsync).
  if ((await readFile(recordPath(store, imageId), 'utf8').catch(() => undefined)) === text) return;
  await atomicWrite(store.tmpDir, recordPath(store, imageId), text);
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
