/** The report for a terminal: short sections, sizes in docker's units, long commands cut to fit. */
import { formatBytes } from '../util/units.js';
import type { PathSize, ReportResult } from './types.js';

export interface TextOptions {
  /** Entries per list (default 10). */
  top?: number;
  /** Line width for the layer table (default 100). */
  width?: number;
}

export function percent(fraction: number): string {
  return `${(Math.round(fraction * 1000) / 10).toFixed(1)}%`;
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

export function renderText(r: ReportResult, opts: TextOptions = {}): string {
  const top = opts.top ?? 10;
  const width = opts.width ?? 100;
  const out: string[] = [];
  const img = r.image;
  const name = [img.ref, img.id ? shortId(img.id) : undefined].filter(Boolean).join(' ');
  out.push(`Image ${name || '(unnamed)'}`);
  out.push(`  ${formatBytes(img.size)} in ${img.files} files; ${img.layers} layer${img.layers === 1 ? '' : 's'}: ${formatBytes(img.layersSize)}, ${formatBytes(img.compressedSize)} compressed`);
  out.push(`  efficiency ${percent(r.waste.efficiency)}, wasted ${formatBytes(r.waste.bytes)} (${percent(r.waste.userFraction)} of the layers above the first)`);

  out.push('', 'Layers');
  out.push(`  ${'#'.padStart(3)}  ${'SIZE'.padStart(9)}  ${'BLOB'.padStart(9)}  CREATED BY`);
  for (const l of r.layers) {
    const head = `  ${String(l.index).padStart(3)}  ${formatBytes(l.size).padStart(9)}  ${formatBytes(l.compressedSize).padStart(9)}  `;
    out.push(head + cut(oneLine(l.createdBy) || '(no history)', Math.max(20, width - head.length)));
  }

  out.push('', 'Largest files', ...sizes(r.largestFiles.slice(0, top)));
  out.push('', 'Largest directories', ...sizes(r.largestDirs.slice(0, top)));

  out.push('', `Wasted space: ${formatBytes(r.waste.bytes)} in ${r.waste.paths.length} path${r.waste.paths.length === 1 ? '' : 's'} written or removed by more than one layer`);
  if (r.waste.paths.length) {
    out.push(`  ${'COUNT'.padStart(5)}  ${'TOTAL'.padStart(9)}  PATH`);
    for (const w of r.waste.paths.slice(0, top)) out.push(`  ${String(w.count).padStart(5)}  ${formatBytes(w.size).padStart(9)}  ${w.path}`);
  }

  if (r.stages.length) {
    out.push('', 'Stages');
    const nameWidth = Math.max(5, ...r.stages.map((s) => s.name.length));
    for (const s of r.stages) {
      const head = `  ${s.name.padEnd(nameWidth)}  ${formatBytes(s.size).padStart(9)}  `;
      if (s.inImage) out.push(`${head}final image`);
      else if (s.unavailable) out.push(`${head}not in image; its layers are gone from the store`);
      else {
        out.push(`${head}not in image; left behind ${formatBytes(s.leftBehind)}`);
        for (const d of s.leftBehindDirs.slice(0, 5)) out.push(`${' '.repeat(nameWidth + 4)}${formatBytes(d.size).padStart(9)}  ${d.path}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

function sizes(list: PathSize[]): string[] {
  return list.length ? list.map((p) => `  ${formatBytes(p.size).padStart(9)}  ${p.path}`) : ['  (none)'];
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function cut(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
