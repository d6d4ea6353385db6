/**
 * The end-of-build size summary: what multi-stage bought the user. Each stage's size (its whole
 * filesystem: base layers plus its own), the final image's size and layer count, and the
 * reduction against the largest stage that did not end up in the image.
 */
import type { ImageSummary, StageSummary } from '../solver/events.js';
import { formatBytes } from '../util/units.js';

export interface SizeReport {
  stages: StageSummary[];
  image?: ImageSummary;
  /** The largest stage left out of the final image, and how much smaller the image is than it. */
  largestLeftBehind?: { name: string; size: number; reductionPercent: number };
}

export function sizeReport(stages: StageSummary[], image?: ImageSummary): SizeReport {
  const left = stages.filter((s) => !s.inImage).sort((a, b) => b.size - a.size)[0];
  const report: SizeReport = { stages, image };
  // Only worth saying when the image really is smaller than what it left behind.
  if (left && image && left.size > image.size) {
    report.largestLeftBehind = {
      name: left.name,
      size: left.size,
      reductionPercent: Math.round((1 - image.size / left.size) * 1000) / 10,
    };
  }
  return report;
}

export function formatSizeReport(r: SizeReport): string {
  const lines: string[] = [];
  const width = Math.max(5, ...r.stages.map((s) => s.name.length));
  for (const s of r.stages) {
    const where = s.inImage ? `${s.layers} layer${s.layers === 1 ? '' : 's'} (final image)` : 'not in image';
    lines.push(`  ${s.name.padEnd(width)}  ${formatBytes(s.size).padStart(9)}  ${where}`);
  }
  if (r.image) {
    let last = `final image ${formatBytes(r.image.size)}, ${r.image.layers} layer${r.image.layers === 1 ? '' : 's'}`;
    if (r.largestLeftBehind) {
      const l = r.largestLeftBehind;
      last += ` — ${l.reductionPercent}% smaller than the ${l.name} stage (${formatBytes(l.size)})`;
    }
    lines.push(last);
  }
  return lines.join('\n');
}
