/**
 * What a build remembers for later reports: the layer lists of its stages, in
 * `<root>/reports/<image id hex>.json`, so `drydock report IMAGE` can show what the builder
 * stages left behind for images built in this store. Registry images have no record.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/index.js';
import { atomicWrite } from '../store/index.js';
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
 * At the end of every build (`build()`, so API builds too): remember its stages for later
 * `drydock report IMAGE`, and when `file` is given (`--report`, `BuildOptions.report`) write the
 * report there. Lives here, not in index.ts, so that a build without a report does not load the
 * analysis and the renderers.
 */
export async function recordBuild(store: Store, built: BuiltImage, file?: string): Promise<void> {
  const stages = built.stages.map((s) => ({ name: s.name, inImage: s.inImage, layers: s.layers }));
  await saveBuildRecord(store, built.imageId, stages);
  if (file) await (await import('./index.js')).writeBuildReport(store, built, stages, file);
}

function recordPath(root: string, imageId: Digest): string {
  return join(root, 'reports', `${imageId.replace(/^sha256:/, '')}.json`);
}

function recordText(imageId: Digest, stages: StageInput[]): string {
  const rec: BuildRecord = { imageId, stages: stages.map((s) => ({ name: s.name, inImage: s.inImage, layers: s.layers })) };
  return `${JSON.stringify(rec)}\n`;
}

export async function saveBuildRecord(store: Store, imageId: Digest, stages: StageInput[]): Promise<void> {
  await mkdir(join(store.root, 'reports'), { recursive: true });
  const text = recordText(imageId, stages);
  // A rebuild of the same image has the same record: skip the write (and its fsync).
  if ((await readFile(recordPath(store.root, imageId), 'utf8').catch(() => undefined)) === text) return;
  await atomicWrite(store.tmpDir, recordPath(store.root, imageId), text);
}

/** The record of the build that made `imageId`, if it was built here (a broken file counts as none). */
export async function loadBuildRecord(store: Store, imageId: Digest): Promise<BuildRecord | undefined> {
  try {
    const rec = JSON.parse(await readFile(recordPath(store.root, imageId), 'utf8')) as BuildRecord;
    return rec.imageId === imageId && Array.isArray(rec.stages) ? rec : undefined;
  } catch {
    return undefined;
  }
}
