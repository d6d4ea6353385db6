/**
 * The end-of-build size summary: what multi-stage bought the user. Each stage's size (its whole
 * filesystem: base layers plus its own), the final image's size and layer count, and the
 * reduction against the largest stage that did not end up in the image.
 */
import type { ImageSummary, StageSummary } from '../solver/events.js';
import { formatBytes } from '../util/units.js';

type LeftBehind = { name: string; size: number; reductionPercent: number };

export interface SizeReport {
  stages: StageSummary[];
  image?: ImageSummary;
  /** The largest stage left out of the final image, and how much smaller the image is than it. */
  largestLeftBehind?: LeftBehind;
  /** A multi-platform build: each platform's image against the stages solved for that platform. */
  platforms?: { platform: string; size: number; layers: number; largestLeftBehind?: LeftBehind }[];
}

export function sizeReport(stages: StageSummary[], image?: ImageSummary): SizeReport {
  const report: SizeReport = { stages, image };
  const leftBehind = image && largestLeftBehind(stages, image.size);
  if (leftBehind) report.largestLeftBehind = leftBehind;
  const platforms = [...new Set(stages.flatMap((s) => (s.platform ? [s.platform] : [])))];
  if (platforms.length > 1) {
    report.platforms = platforms.flatMap((platform) => {
      const mine = stages.filter((s) => s.platform === platform);
      const final = mine.find((s) => s.inImage);
      if (!final) return [];
      const left = largestLeftBehind(mine, final.size);
      return [{ platform, size: final.size, layers: final.layers, ...(left ? { largestLeftBehind: left } : {}) }];
    });
  }
  return report;
}

/** Only worth saying when the image really is smaller than what it left behind. */
function largestLeftBehind(stages: StageSummary[], imageSize: number): LeftBehind | undefined {
  const left = stages.filter((s) => !s.inImage).sort((a, b) => b.size - a.size)[0];
  if (!left || left.size <= imageSize) return undefined;
  return { name: left.name, size: left.size, reductionPercent: Math.round((1 - imageSize / left.size) * 1000) / 10 };
}

function finalLine(label: string, size: number, layers: number, left: LeftBehind | undefined): string {
  let line = `${label} ${formatBytes(size)}, ${layers} layer${layers === 1 ? '' : 's'}`;
  if (left) line += ` — ${left.reductionPercent}% smaller than the ${left.name} stage (${formatBytes(left.size)})`;
  return line;
}

export function formatSizeReport(r: SizeReport): string {
  const lines: string[] = [];
  const width = Math.max(5, ...r.stages.map((s) => s.name.length));
  for (const s of r.stages) {
    const where = s.inImage ? `${s.layers} layer${s.layers === 1 ? '' : 's'} (final image)` : 'not in image';
    lines.push(`  ${s.name.padEnd(width)}  ${formatBytes(s.size).padStart(9)}  ${where}`);
  }
  if (r.platforms) {
    for (const p of r.platforms) lines.push(finalLine(`final image ${p.platform}`, p.size, p.layers, p.largestLeftBehind));
  } else if (r.image) {
    lines.push(finalLine('final image', r.image.size, r.image.layers, r.largestLeftBehind));
  }
  return lines.join('\n');
}
