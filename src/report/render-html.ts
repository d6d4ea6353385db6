/**
 * The report as one self-contained HTML page: inline CSS, inline SVG bar chart, inline script
 * for the treemap, data embedded as JSON. It loads nothing, so it can be mailed or archived.
 * Tables and the chart are rendered here (readable without JavaScript); the treemap in the page.
 */
import { formatBytes } from '../util/units.js';
import { percent, shortId } from './render-text.js';
import { STYLE } from './html/style.js';
import { SCRIPT } from './html/script.js';
import type { PathSize, ReportResult, StageReport } from './types.js';

export function escapeHTML(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element (no `</script>`, no `<!--`). */
export function scriptJSON(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

const bytes = (n: number) => `<td class="num" data-bytes="${n}">${formatBytes(n)}</td>`;

export function renderHTML(r: ReportResult): string {
  const img = r.image;
  const title = img.ref ?? (img.id ? shortId(img.id) : 'image');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>drydock report: ${escapeHTML(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHTML(title)}</h1>
${img.id ? `<p class="summary">image ${escapeHTML(img.id)}</p>` : ''}
<ul class="figures">
<li id="fig-size" data-bytes="${img.size}"><b>${formatBytes(img.size)}</b><span>final filesystem, ${img.files} files</span></li>
<li id="fig-layers"><b>${img.layers}</b><span>layers: ${formatBytes(img.layersSize)}, ${formatBytes(img.compressedSize)} compressed</span></li>
<li id="fig-efficiency"><b>${percent(r.waste.efficiency)}</b><span>efficiency</span></li>
<li id="fig-wasted" data-bytes="${r.waste.bytes}"><b>${formatBytes(r.waste.bytes)}</b><span>wasted (${percent(r.waste.userFraction)} of layers above the first)</span></li>
</ul>
</header>
${r.stages.length ? stagesSection(r.stages) : ''}
<section id="files">
<h2>Final filesystem</h2>
<nav id="crumbs"></nav>
<div id="treemap" role="group" aria-label="treemap of the final filesystem"></div>
<p class="note">Click a directory to look inside; small entries are folded into one striped cell per directory.</p>
</section>
<section id="layers-section">
<h2>Layers</h2>
<table id="layers">
<thead><tr><th class="num">#</th><th class="num">size</th><th class="num">blob</th><th>created by</th></tr></thead>
<tbody>
${r.layers.map((l) => `<tr data-layer="${l.index}" data-digest="${l.digest}"><td class="num">${l.index}</td>${bytes(l.size)}${bytes(l.compressedSize)}<td class="cmd">${escapeHTML(l.createdBy || '(no history)')}</td></tr>`).join('\n')}
</tbody>
</table>
</section>
<section>
<div class="cols">
<div><h2>Largest files</h2>${pathTable('largest-files', r.largestFiles)}</div>
<div><h2>Largest directories</h2>${pathTable('largest-dirs', r.largestDirs)}</div>
</div>
</section>
<section id="waste">
<h2>Wasted space</h2>
<p class="note">Paths written or removed by more than one layer; each counts every copy, as dive does.</p>
${r.waste.paths.length ? `<table id="wasted"><thead><tr><th class="num">layers</th><th class="num">total</th><th>path</th></tr></thead><tbody>
${r.waste.paths.map((w) => `<tr><td class="num">${w.count}</td>${bytes(w.size)}<td>${escapeHTML(w.path)}</td></tr>`).join('\n')}
</tbody></table>` : '<p class="note" id="wasted">None.</p>'}
</section>
<script type="application/json" id="tree-data">${scriptJSON(r.tree)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function pathTable(id: string, list: PathSize[]): string {
  if (!list.length) return `<p class="note" id="${id}">None.</p>`;
  return `<table id="${id}"><tbody>
${list.map((p) => `<tr>${bytes(p.size)}<td>${escapeHTML(p.path)}</td></tr>`).join('\n')}
</tbody></table>`;
}

/** One horizontal bar per stage: the part the image kept, and what it left behind. */
function stagesSection(stages: StageReport[]): string {
  const max = Math.max(1, ...stages.map((s) => s.size));
  const labelW = 170;
  const barW = 560;
  const rowH = 34;
  const rows = stages.map((s, i) => {
    const y = i * rowH;
    const w = (n: number) => Math.max(n > 0 ? 1 : 0, Math.round((n / max) * barW));
    const left = s.inImage ? 0 : s.leftBehind;
    const kept = Math.max(0, s.size - left);
    const value = s.inImage ? `${formatBytes(s.size)} — final image`
      : s.unavailable ? 'layers no longer in the store'
      : `${formatBytes(s.size)} — left behind ${formatBytes(s.leftBehind)}${s.leftBehindDirs[0] ? ` (most in ${s.leftBehindDirs[0].path})` : ''}`;
    return `<g class="stage" data-stage="${escapeHTML(s.name)}" data-bytes="${s.size}" data-left="${left}" transform="translate(0,${y})">
<text class="label" x="0" y="15">${escapeHTML(s.name)}</text>
<rect x="${labelW}" y="3" width="${w(kept)}" height="16" style="fill:var(--kept)"><title>${escapeHTML(s.name)}: ${formatBytes(kept)} also in the image</title></rect>
<rect x="${labelW + w(kept)}" y="3" width="${w(left)}" height="16" style="fill:var(--left)"><title>${escapeHTML(s.name)}: ${formatBytes(left)} left behind</title></rect>
<text class="value" x="${labelW}" y="31">${escapeHTML(value)}</text>
</g>`;
  });
  const details = stages.filter((s) => !s.inImage && s.leftBehindDirs.length).map((s) => `<div><h2>Left behind in ${escapeHTML(s.name)}</h2>${pathTable(`left-${cssId(s.name)}`, s.leftBehindDirs)}</div>`);
  return `<section id="stages">
<h2>Stages</h2>
<svg class="bars" width="${labelW + barW + 10}" height="${stages.length * rowH}" viewBox="0 0 ${labelW + barW + 10} ${stages.length * rowH}" role="img" aria-label="size of each build stage">
${rows.join('\n')}
</svg>
<p class="legend"><span><i style="background:var(--kept)"></i>also in the final image</span><span><i style="background:var(--left)"></i>left behind</span></p>
${details.length ? `<div class="cols">${details.join('\n')}</div>` : ''}
</section>`;
}

function cssId(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}
