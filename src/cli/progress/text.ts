/**
 * Styled text for the live view: a line is a left part and an optional right part (a timer,
 * a size) kept flush right; `fit` cuts it to a width in visible characters before any escape
 * code is added, so colours never break the column arithmetic.
 */

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'cyan';

export interface Seg { text: string; style?: Style }

export interface Line { left: Seg[]; right?: Seg[] }

const SGR: Record<Style, string> = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', blue: '34', cyan: '36' };

export const seg = (text: string, style?: Style): Seg => ({ text, style });

export function line(left: Seg[] | string, right?: Seg[] | string): Line {
  const norm = (x: Seg[] | string) => (typeof x === 'string' ? [seg(x)] : x);
  return right === undefined ? { left: norm(left) } : { left: norm(left), right: norm(right) };
}

export function textOf(segs: Seg[]): string {
  return segs.map((s) => s.text).join('');
}

/** Exactly `width` visible characters: the left part cut with `…` if needed, the right part flush right. */
export function fit(l: Line, width: number): Seg[] {
  if (width <= 0) return [];
  const right = l.right ?? [];
  const rlen = textOf(right).length;
  if (rlen + 1 > width) return pad(cut(l.left, width), width);
  const left = cut(l.left, width - rlen - (rlen ? 1 : 0));
  const gap = width - textOf(left).length - rlen;
  return gap > 0 ? [...left, seg(' '.repeat(gap)), ...right] : [...left, ...right];
}

function cut(segs: Seg[], width: number): Seg[] {
  const total = textOf(segs).length;
  if (total <= width) return segs;
  const out: Seg[] = [];
  let room = width - 1;
  for (const s of segs) {
    if (room <= 0) break;
    out.push(s.text.length <= room ? s : { ...s, text: s.text.slice(0, room) });
    room -= Math.min(room, s.text.length);
  }
  out.push(seg('…', segs[segs.length - 1]?.style));
  return width <= 0 ? [] : out;
}

function pad(segs: Seg[], width: number): Seg[] {
  const n = width - textOf(segs).length;
  return n > 0 ? [...segs, seg(' '.repeat(n))] : segs;
}

/** Segments to a string, with SGR colour codes unless `color` is off (NO_COLOR). */
export function paint(segs: Seg[], color: boolean): string {
  return segs.map((s) => (color && s.style && s.text.trim() ? `\x1b[${SGR[s.style]}m${s.text}\x1b[0m` : s.text)).join('');
}

/** Blocks of lines placed side by side, each `colWidth` wide, separated by ` │ `; short blocks padded. */
export function columns(blocks: Line[][], colWidth: number, separator: Seg = seg(' │ ', 'dim')): Seg[][] {
  const height = Math.max(0, ...blocks.map((b) => b.length));
  const rows: Seg[][] = [];
  for (let i = 0; i < height; i++) {
    const row: Seg[] = [];
    // Cells past the last one with text are left out, separators included.
    const last = blocks.reduce((k, b, j) => (b[i] && textOf([...b[i].left, ...(b[i].right ?? [])]).trim() ? j : k), 0);
    blocks.slice(0, last + 1).forEach((b, j) => {
      if (j > 0) row.push(separator);
      row.push(...fit(b[i] ?? line(''), colWidth));
    });
    rows.push(trimEnd(row));
  }
  return rows;
}

function trimEnd(segs: Seg[]): Seg[] {
  const out = [...segs];
  while (out.length && out[out.length - 1].text.trim() === '') out.pop();
  const last = out[out.length - 1];
  if (last) out[out.length - 1] = { ...last, text: last.text.replace(/\s+$/, '') };
  return out;
}

// CSI/OSC sequences and the other C0/C1 controls a RUN's output may carry.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * One line of a program's output as a terminal would leave it: text after the last carriage
 * return (progress bars overwrite themselves), tabs expanded, escape codes and controls removed.
 */
export function cleanLine(raw: string): string {
  const noCR = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const shown = noCR.slice(noCR.lastIndexOf('\r') + 1);
  return shown.replace(/\t/g, '    ').replace(ESCAPES, '');
}
