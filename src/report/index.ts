/**
 * The size report: where an image's bytes are. Input: an image (config + layer descriptors in a
 * store) and, for images built here, the layer lists of the build's stages. Output: a
 * ReportResult (layers with the instruction that made each, largest files and directories,
 * dive's wasted bytes and efficiency, what each builder stage left behind, a treemap), rendered
 * as text, JSON or one self-contained HTML page. Layers are read as tar streams, never unpacked.
 */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { openStore, type Store } from '../store/index.js';
import { resolveFromContent } from '../image/resolve.js';
import { parseReference } from '../image/reference.js';
import type { Descriptor } from '../image/oci.js';
import { DrydockError } from '../util/errors.js';
import { analyze } from './analyze.js';
import { loadBuildRecord, type BuiltImage } from './record.js';
import { renderText } from './render-text.js';
import { renderJSON } from './render-json.js';
import { renderHTML } from './render-html.js';
import type { ReportFormat, ReportInput, ReportResult, StageInput } from './types.js';

export * from './types.js';
export { analyze, layerHistory, type AnalyzeOptions } from './analyze.js';
export { renderText, type TextOptions } from './render-text.js';
export { renderJSON } from './render-json.js';
export { renderHTML } from './render-html.js';
export { saveBuildRecord, loadBuildRecord, recordBuild, type BuildRecord, type BuiltImage } from './record.js';

export interface ReportOptions {
  /** A reference or image id in the local store. */
  image: string;
  root?: string;
}

/** The report of a stored image: the analysis, or with `format` its rendering. */
export function report(opts: ReportOptions & { format: ReportFormat }): Promise<string>;
export function report(opts: ReportOptions & { format?: undefined }): Promise<ReportResult>;
export async function report(opts: ReportOptions & { format?: ReportFormat }): Promise<ReportResult | string> {
  const store = await openStore(opts.root);
  const result = await analyze(store, await imageInput(store, opts.image));
  return opts.format ? render(result, opts.format) : result;
}

export function render(r: ReportResult, format: ReportFormat): string {
  if (format === 'json') return renderJSON(r);
  if (format === 'html') return renderHTML(r);
  return renderText(r);
}

/** `report.html` → html, `report.json` → json, anything else → text. */
export function formatForFile(file: string): ReportFormat {
  const ext = extname(file).toLowerCase();
  return ext === '.html' || ext === '.htm' ? 'html' : ext === '.json' ? 'json' : 'text';
}

/** `build --report FILE`: the report of the image just built, written to `file` (format from the extension). */
export async function writeBuildReport(store: Store, built: BuiltImage, stages: StageInput[], file: string): Promise<void> {
  const final = stages.find((s) => s.inImage);
  if (!final) throw new DrydockError('INTERNAL', 'build result has no stage in the image');
  const result = await analyze(store, {
    image: { ...(built.refs[0] ? { ref: built.refs[0] } : {}), id: built.imageId, config: built.config, layers: final.layers },
    stages,
  });
  await writeFile(file, render(result, formatForFile(file)));
}

/** A stored image as report input, with its build's stages when it was built in this store. */
export async function imageInput(store: Store, name: string): Promise<ReportInput> {
  const rec = await store.images.get(name);
  if (!rec) throw new DrydockError('NOT_FOUND', `No such image: ${name}`);
  const img = await resolveFromContent(store.content, rec.target);
  const id = img.configDescriptor.digest;
  const layers: Descriptor[] = img.manifest.layers;
  const built = await loadBuildRecord(store, id);
  return { image: { ref: familiar(rec.ref, name), id, config: img.config, layers }, ...(built ? { stages: built.stages } : {}) };
}

/** Show the name the user typed when it was a reference, else the stored one as docker shows it (`rep:1`). */
function familiar(stored: string, asked: string): string {
  if (!/^(sha256:)?[a-f0-9]{6,64}$/.test(asked)) return asked;
  try {
    return parseReference(stored, { defaultTag: false }).familiar();
  } catch {
    return stored;
  }
}
