/**
 * Progress output of `drydock build`: every renderer consumes the BuildEvent stream and writes
 * to one stream (stderr). `plain` is BuildKit's line log, `tty` the live view redrawn in place,
 * `rawjson` one JSON event per line. `close()` must be called when the build ends, success or
 * not: the tty view then collapses to its summary.
 */
import type { EventSink } from '../../solver/events.js';
import { plainRenderer } from './plain.js';
import { rawjsonRenderer } from './rawjson.js';
import { TtyRenderer } from './tty.js';

export { plainRenderer } from './plain.js';
export { rawjsonRenderer } from './rawjson.js';
export { TtyRenderer, type TtyOptions } from './tty.js';
export { ProgressModel } from './model.js';
export { liveFrame, summaryFrame, type FrameOptions } from './frame.js';
export { paint } from './text.js';

export type ProgressMode = 'plain' | 'tty' | 'rawjson';

export interface Progress {
  onEvent: EventSink;
  close(): void;
}

/** The stream progress is written to: stderr, or a test's fake. */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** `auto` is the live view on a terminal (not a dumb one), plain text otherwise. */
export function resolveProgressMode(requested: string | undefined, stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): ProgressMode {
  if (requested === 'plain' || requested === 'tty' || requested === 'rawjson') return requested;
  return stream.isTTY && env.TERM !== 'dumb' ? 'tty' : 'plain';
}

/** https://no-color.org: any non-empty NO_COLOR turns colour off. */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR;
}

/** COLUMNS / LINES when set (an explicit choice), else the terminal's size, else 80×24. */
export function terminalSize(stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): { columns: number; rows: number } {
  const num = (v: string | number | undefined) => {
    const n = Number(v);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return {
    columns: num(env.COLUMNS) ?? num(stream.columns) ?? 80,
    rows: num(env.LINES) ?? num(stream.rows) ?? 24,
  };
}

export function createProgress(mode: ProgressMode, stream: ProgressStream, env: NodeJS.ProcessEnv = process.env): Progress {
  const write = (s: string) => { stream.write(s); };
  if (mode === 'tty') {
    const tty = new TtyRenderer({ write, size: () => terminalSize(stream, env), color: colorEnabled(env) });
    return { onEvent: tty.onEvent, close: () => tty.close() };
  }
  return { onEvent: mode === 'rawjson' ? rawjsonRenderer(write) : plainRenderer(write), close: () => {} };
}
