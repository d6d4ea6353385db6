/**
 * The treemap of the final filesystem: a pruned copy of the tree (entries too small to see are
 * folded into one "N more" cell per directory) with a squarified layout precomputed for every
 * directory, so the page only places boxes and drilling down needs no layout code in the browser.
 */
import type { FsNode } from './fstree.js';
import type { TreeNode } from './types.js';

/** The box each directory's children are laid out in when it fills the view: width/height. */
export const ASPECT = 2;

type Rect = [number, number, number, number];

/** Bruls, Huizing & van Wijk's squarified layout of `values` (sorted largest first) in a box. */
export function squarify(values: number[], box: Rect): Rect[] {
  const out: Rect[] = values.map(() => [box[0], box[1], 0, 0]);
  const total = values.reduce((a, b) => a + b, 0);
  if (total <= 0) return out;
  let [x, y, w, h] = box;
  const scale = (w * h) / total;
  const areas = values.map((v) => v * scale);
  const worst = (sum: number, min: number, max: number, side: number) =>
    Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
  let i = 0;
  while (i < areas.length) {
    if (areas[i]! <= 0) { i++; continue; }
    const side = Math.min(w, h);
    let j = i + 1;
    let sum = areas[i]!;
    let min = sum;
    let max = sum;
    let ratio = worst(sum, min, max, side);
    while (j < areas.length && areas[j]! > 0) {
      const a = areas[j]!;
      const next = worst(sum + a, Math.min(min, a), Math.max(max, a), side);
      if (next > ratio) break;
      sum += a; min = Math.min(min, a); max = Math.max(max, a); ratio = next; j++;
    }
    if (w >= h) {
      // a column on the left, as wide as the row's area needs
      const cw = Math.min(w, sum / h);
      let yy = y;
      for (let k = i; k < j; k++) { const hh = areas[k]! / cw; out[k] = [x, yy, cw, hh]; yy += hh; }
      x += cw; w -= cw;
    } else {
      const rh = Math.min(h, sum / w);
      let xx = x;
      for (let k = i; k < j; k++) { const ww = areas[k]! / rh; out[k] = [xx, y, ww, rh]; xx += ww; }
      y += rh; h -= rh;
    }
    i = j;
  }
  return out;
}

const round = (n: number) => Math.round(n * 1e4) / 1e4;

/**
 * `node` must have its directory totals computed (FsTree.totals). Entries smaller than
 * `1/resolution` of the whole tree are folded, which bounds the page's size for big images.
 */
export function buildTreemap(node: FsNode, name = '/', resolution = 1500): TreeNode {
  const min = node.size / resolution;
  const walk = (n: FsNode, label: string): TreeNode => {
    const out: TreeNode = { name: label, size: n.size };
    if (n.kind !== 'dir') return out;
    out.dir = true;
    const sorted = [...n.children!].filter(([, c]) => c.size > 0).sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]));
    const kept = sorted.filter(([, c]) => c.size >= min);
    const folded = sorted.slice(kept.length);
    const children = kept.map(([k, c]) => walk(c, k));
    if (folded.length) {
      children.push({ name: `${folded.length} more`, size: folded.reduce((a, [, c]) => a + c.size, 0), rest: folded.length });
    }
    if (!children.length) return out;
    const rects = squarify(children.map((c) => c.size), [0, 0, ASPECT, 1]);
    children.forEach((c, i) => {
      const [x, y, w, h] = rects[i]!;
      c.r = [round(x / ASPECT), round(y), round(w / ASPECT), round(h)];
    });
    out.children = children;
    return out;
  };
  return walk(node, name);
}
