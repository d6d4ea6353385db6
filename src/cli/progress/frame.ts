/**
 * Frames of the tty view, drawn from a ProgressModel at a given time. Pure: the same state,
 * clock and terminal size always give the same rows, which is what the unit tests compare.
 *
 * Live frame: a header, the finished steps (newest kept when the screen is short), pull bars,
 * then every running step with the tail of its output — side by side in columns when several
 * stages run at once and the terminal is wide enough, stacked otherwise.
 * Summary: BuildKit's collapsed list, one line per step, then failures and warnings in full.
 */
import { formatBytes, formatDuration } from '../../util/units.js';
import { bar, pullTransfer, transferText } from './bars.js';
import { tail, type ProgressModel, type PullView, type StepView } from './model.js';
import { columns, fit, line, seg, textOf, type Line, type Seg } from './text.js';

export interface FrameOptions {
  now: number;
  /** Terminal columns. */
  width: number;
  /** Terminal rows: the live frame stays shorter, so it can always be redrawn in place. */
  height: number;
}

/** Output lines shown under each running step. */
export const TAIL_LINES = 4;
/** Narrowest column worth splitting the screen for. */
export const MIN_COLUMN = 36;
const SEPARATOR = 3; // ' │ '

export function liveFrame(m: ProgressModel, o: FrameOptions): Seg[][] {
  const width = Math.max(10, o.width - 1); // never the last column: no terminal auto-wrap
  const maxRows = Math.max(3, o.height - 1);
  const header = fit(headerLine(m, o.now, ''), width);
  // By stage, so a stage keeps its column while it runs.
  const running = m.steps.filter((s) => s.end === undefined).sort((x, y) => x.stage - y.stage);
  const done = m.steps.filter((s) => s.end !== undefined);
  const pulls = m.pulls.filter((p) => p.end === undefined).map((p) => fit(pullLine(p, o.now, width), width));

  const cols = Math.max(1, Math.min(running.length, Math.floor((width + SEPARATOR) / (MIN_COLUMN + SEPARATOR))));
  const colWidth = Math.floor((width - SEPARATOR * (cols - 1)) / cols);
  const rowsOfBlocks: StepView[][] = [];
  for (let i = 0; i < running.length; i += cols) rowsOfBlocks.push(running.slice(i, i + cols));

  // Tails shrink before finished steps are hidden: what runs now matters most.
  let tailN = TAIL_LINES;
  const tailRows = (n: number) => rowsOfBlocks.reduce((sum, r) => sum + Math.max(0, ...r.map((s) => tail(s, n).length)), 0);
  const fixed = 1 + pulls.length + rowsOfBlocks.length;
  while (tailN > 0 && fixed + tailRows(tailN) > maxRows) tailN--;
  const runningRows: Seg[][] = [];
  for (const r of rowsOfBlocks) {
    const blocks = r.map((s) => runningBlock(m, s, o.now, tailN));
    runningRows.push(...(cols === 1 ? blocks[0].map((l) => fit(l, width)) : columns(blocks, colWidth)));
  }

  const room = maxRows - fixed - (runningRows.length - rowsOfBlocks.length);
  let doneRows = done.map((s) => fit(stepLine(m, s, o.now), width));
  if (doneRows.length > room) {
    const keep = Math.max(0, room - 1);
    const hidden = doneRows.length - keep;
    doneRows = [...(room > 0 ? [fit(line([seg(` … ${hidden} earlier step${hidden === 1 ? '' : 's'}`, 'dim')]), width)] : []), ...doneRows.slice(doneRows.length - keep)];
  }
  return [header, ...doneRows, ...pulls, ...runningRows].slice(0, maxRows).map(trimRow);
}

export function summaryFrame(m: ProgressModel, o: FrameOptions): Seg[][] {
  const width = Math.max(10, o.width - 1);
  // Without build-done nor a failed step, the build stopped elsewhere (its error follows): no word for it.
  const status = m.end !== undefined ? 'FINISHED' : m.failed ? 'FAILED' : m.cancelled ? 'CANCELED' : '';
  const items: Array<{ time: number; row: Line }> = [
    ...m.steps.map((s) => ({ time: s.start, row: stepLine(m, s, o.now) })),
    ...m.pulls.map((p) => ({ time: p.start, row: pullLine(p, o.now, width) })),
    ...m.exports.map((x) => ({ time: x.time, row: line([seg('=> ', 'blue'), seg(`exporting ${x.kind}${x.dest ? ` to ${x.dest}` : ''}${x.digest ? ` ${x.digest}` : ''}`)]) })),
  ];
  items.sort((a, b) => a.time - b.time);
  const rows = [fit(headerLine(m, o.now, status), width), ...items.map((i) => fit(i.row, width))];
  // Failures and warnings are printed whole (wrapping if they must): they are what the user reads next.
  for (const s of m.steps.filter((x) => x.error !== undefined)) rows.push(...failureRows(m, s));
  rows.push(...warningRows(m));
  return rows.map(trimRow);
}

function headerLine(m: ProgressModel, now: number, status: string): Line {
  const { done, total } = m.counts();
  const elapsed = formatDuration(Math.max(0, (m.end ?? now) - m.start));
  const left: Seg[] = [seg('[+] Building ', 'bold'), seg(elapsed, 'bold'), seg(` (${done}/${total})`)];
  if (status) left.push(seg(` ${status}`, status === 'FINISHED' ? 'green' : status === 'FAILED' ? 'red' : 'yellow'));
  return line(left);
}

function label(m: ProgressModel, s: StepView): string {
  const total = m.stages.get(s.stage)?.total ?? (s.index === 1 && m.stages.get(s.stage)?.end !== undefined ? 1 : undefined);
  return `[${m.stageName(s.stage)} ${s.index}/${total ?? '?'}]`;
}

/** `=> CACHED [a 2/3] RUN make                      1.2s` */
function stepLine(m: ProgressModel, s: StepView, now: number): Line {
  const left: Seg[] = [seg('=> ', s.error ? 'red' : 'blue')];
  if (s.error !== undefined) left.push(seg('ERROR ', 'red'));
  else if (s.end === undefined) left.push(seg('CANCELED ', 'yellow'));
  else if (s.cached) left.push(seg('CACHED ', 'dim'));
  left.push(seg(`${label(m, s)} ${s.instruction}`));
  return line(left, [seg(formatDuration(Math.max(0, (s.end ?? now) - s.start)), s.error ? 'red' : undefined)]);
}

/** A running step: its line with a live timer, then the last lines of its output. */
function runningBlock(m: ProgressModel, s: StepView, now: number, tailN: number): Line[] {
  const head = line([seg('=> ', 'cyan'), seg(`${label(m, s)} ${s.instruction}`)], [seg(formatDuration(Math.max(0, now - s.start)), 'cyan')]);
  return [head, ...tail(s, tailN).map((l) => line([seg(`   ${l}`, 'dim')]))];
}

/** `=> pulling busybox [===>   ]   1.2 MB / 2.0 MB  800 kB/s  ETA 1s  0.8s`; once done, the bytes fetched. */
function pullLine(p: PullView, now: number, width: number): Line {
  const t = pullTransfer(p, now);
  const elapsed = formatDuration(t.elapsedMs);
  if (p.end !== undefined) {
    return line([seg('=> ', 'blue'), seg(`pulled ${p.ref}${p.bytes ? ` ${formatBytes(p.bytes)}` : ''}`)], [seg(elapsed)]);
  }
  // Numbers on the right, so a narrow terminal cuts the name and the bar first.
  const right = [seg(`${transferText(t)}  `), seg(elapsed, 'cyan')];
  const name = `pulling ${p.ref} `;
  const barWidth = Math.min(30, width - 3 - name.length - textOf(right).length - 1);
  const barSegs = t.total !== undefined && barWidth >= 6 ? [seg(bar(t.current / t.total, barWidth), 'cyan')] : [];
  return line([seg('=> ', 'cyan'), seg(name), ...barSegs], right);
}

function failureRows(m: ProgressModel, s: StepView): Seg[][] {
  const rows = [line('------'), line(` > ${label(m, s)} ${s.instruction}:`)];
  for (const l of tail(s, 10)) rows.push(line([seg(l, 'dim')]));
  // The error itself is the CLI's last line (`error: Dockerfile:N: …`), not repeated here.
  rows.push(line('------'));
  return rows.map((l) => l.left);
}

function warningRows(m: ProgressModel): Seg[][] {
  const n = m.warnings.length;
  if (n === 0) return [];
  const rows = [line([seg(`${n} warning${n === 1 ? '' : 's'} found:`, 'yellow')])];
  for (const w of m.warnings) rows.push(line(` - ${w.rule ? `${w.rule}: ` : ''}${w.message}${w.line ? ` (line ${w.line})` : ''}`));
  return rows.map((l) => l.left);
}

function trimRow(row: Seg[]): Seg[] {
  const out = row.filter((s) => s.text !== '');
  while (out.length && out[out.length - 1].text.trim() === '') out.pop();
  const last = out[out.length - 1];
  if (last) out[out.length - 1] = { ...last, text: last.text.replace(/\s+$/, '') };
  return out;
}
