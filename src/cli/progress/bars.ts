/**
 * Transfer progress as people read it: a bar, bytes of total, average rate and time left.
 * Totals grow as blobs start, so the bar is of what is known so far, as Docker's per-layer
 * bars are.
 */
import { formatBytes } from '../../util/units.js';
import type { PullView } from './model.js';

export interface Transfer { current: number; total?: number; elapsedMs: number }

export function pullTransfer(p: PullView, now: number): Transfer {
  let current = 0;
  let total = 0;
  let known = true;
  for (const b of p.blobs.values()) {
    current += b.current;
    if (b.total === undefined) known = false;
    else total += b.total;
  }
  return { current, total: known && total > 0 ? total : undefined, elapsedMs: Math.max(0, (p.end ?? now) - p.start) };
}

/** `[=====>    ]` of `width` characters (brackets included). */
export function bar(fraction: number, width: number): string {
  const inner = Math.max(1, width - 2);
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.floor(f * inner);
  const body = full >= inner ? '='.repeat(inner) : `${'='.repeat(full)}>${' '.repeat(inner - full - 1)}`;
  return `[${body}]`;
}

/** `12.3 MB / 40.0 MB  3.1 MB/s  ETA 9s` — rate and ETA once there is something to average. */
export function transferText(t: Transfer): string {
  const parts = [t.total !== undefined ? `${formatBytes(t.current)} / ${formatBytes(t.total)}` : formatBytes(t.current)];
  const rate = t.elapsedMs > 0 ? (t.current * 1000) / t.elapsedMs : 0;
  if (rate > 0) {
    parts.push(`${formatBytes(Math.round(rate))}/s`);
    if (t.total !== undefined && t.total > t.current) parts.push(`ETA ${formatEta((t.total - t.current) / rate)}`);
  }
  return parts.join('  ');
}

/** Seconds as `9s`, `2m05s`, `1h02m`. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
