/**
 * The analysis behind every report format: stack the image's layer scans into its final
 * filesystem (counting waste on the way), pair layers with the history entries that made them,
 * and compare each builder stage's filesystem with the image's.
 */
import type { Store } from '../store/index.js';
import type { Descriptor, HistoryEntry, ImageConfig } from '../image/oci.js';
import { isDrydockError } from '../util/errors.js';
import { FsTree } from './fstree.js';
import { LayerScanner, type LayerScan } from './scan.js';
import { WasteCounter } from './waste.js';
import { leftBehind } from './left-behind.js';
import { buildTreemap } from './treemap.js';
import type { LayerReport, PathSize, ReportInput, ReportResult, StageInput, StageReport } from './types.js';

export interface AnalyzeOptions {
  /** How many entries the largest-files, largest-directories and wasted-paths lists keep. */
  top?: number;
  /** Reuse scans across reports (a build's stages share base layers with its image). */
  scanner?: LayerScanner;
}

export async function analyze(store: Store, input: ReportInput, opts: AnalyzeOptions = {}): Promise<ReportResult> {
  const top = opts.top ?? 20;
  const scanner = opts.scanner ?? new LayerScanner(store);
  const { config, layers } = input.image;

  // Decompressing is the cost: read the distinct layers two at a time while stacking starts.
  void prefetch(scanner, [...layers, ...(input.stages ?? []).flatMap((s) => s.layers)], 2);

  const tree = new FsTree();
  const waste = new WasteCounter();
  const scans: LayerScan[] = [];
  for (const l of layers) {
    const scan = await scanner.scan(l);
    scans.push(scan);
    tree.apply(scan, waste.observe);
  }
  const size = tree.totals();

  const history = layerHistory(config, layers.length);
  const layerReports: LayerReport[] = layers.map((l, i) => ({
    index: i,
    digest: l.digest,
    ...(config.rootfs?.diff_ids?.[i] ? { diffID: config.rootfs.diff_ids[i] } : {}),
    compressedSize: l.size,
    size: scans[i]!.size,
    entries: scans[i]!.entries.length,
    createdBy: history[i]?.created_by ?? '',
    ...(history[i]?.created ? { created: history[i]!.created } : {}),
  }));

  let files = 0;
  const allFiles: PathSize[] = [];
  for (const [path, node] of tree.leaves()) {
    files++;
    if (node.kind === 'file') allFiles.push({ path: `/${path}`, size: node.size });
  }
  const allDirs: PathSize[] = [];
  for (const [path, node] of tree.dirs()) allDirs.push({ path: `/${path}`, size: node.size });

  const layersSize = scans.reduce((a, s) => a + s.size, 0);
  const result: ReportResult = {
    image: {
      ...(input.image.ref ? { ref: input.image.ref } : {}),
      ...(input.image.id ? { id: input.image.id } : {}),
      size,
      layersSize,
      compressedSize: layers.reduce((a, l) => a + l.size, 0),
      layers: layers.length,
      files,
    },
    layers: layerReports,
    largestFiles: largest(allFiles, top),
    largestDirs: largest(allDirs, top),
    waste: waste.result(layersSize - (scans[0]?.size ?? 0), top),
    stages: [],
    tree: buildTreemap(tree.root),
  };
  for (const s of input.stages ?? []) result.stages.push(await stageReport(scanner, s, tree, result));
  return result;
}

/** The history entries that made layers, in layer order (empty_layer entries made none). */
export function layerHistory(config: ImageConfig, layerCount: number): HistoryEntry[] {
  const made = (config.history ?? []).filter((h) => !h.empty_layer);
  // An image whose history lists fewer layer-making entries than layers (squashed, hand-made):
  // the entries belong to the top layers, as docker history aligns them.
  const offset = Math.max(0, layerCount - made.length);
  return Array.from({ length: layerCount }, (_, i) => (i >= offset ? made[i - offset]! : {}));
}

async function stageReport(scanner: LayerScanner, s: StageInput, image: FsTree, result: ReportResult): Promise<StageReport> {
  if (s.inImage) {
    return { name: s.name, inImage: true, size: result.image.size, layers: s.layers.length, leftBehind: 0, leftBehindDirs: [] };
  }
  const fs = new FsTree();
  try {
    for (const l of s.layers) fs.apply(await scanner.scan(l));
  } catch (e) {
    if (!isDrydockError(e) || e.code !== 'NOT_FOUND') throw e;
    return { name: s.name, inImage: false, size: 0, layers: s.layers.length, leftBehind: 0, leftBehindDirs: [], unavailable: e.message };
  }
  const size = fs.totals();
  const left = leftBehind(fs, image);
  return { name: s.name, inImage: false, size, layers: s.layers.length, leftBehind: left.bytes, leftBehindDirs: left.dirs };
}

async function prefetch(scanner: LayerScanner, layers: Descriptor[], width: number): Promise<void> {
  const queue = [...new Map(layers.map((l) => [l.digest, l])).values()];
  const worker = async () => {
    for (let l = queue.shift(); l; l = queue.shift()) await scanner.scan(l).catch(() => { /* reported by whoever needs it */ });
  };
  await Promise.all(Array.from({ length: width }, worker));
}

function largest(items: PathSize[], n: number): PathSize[] {
  return items.filter((i) => i.size > 0).sort((a, b) => b.size - a.size || a.path.localeCompare(b.path)).slice(0, n);
}
