/**
 * Plain progress: one line per event, BuildKit's `--progress=plain` shape
 * (`#3 [builder 2/5] RUN go build`, `#3 0.412 output…`, `#3 DONE 1.2s`, `#3 CACHED`).
 */
import type { BuildEvent } from '../../solver/events.js';
import { formatDuration } from '../../util/units.js';

export function plainRenderer(write: (s: string) => void): (e: BuildEvent) => void {
  const ids = new Map<string, number>();
  const starts = new Map<string, number>();
  const names = new Map<number, string>();
  const partial = new Map<string, string>();
  let next = 1;
  const idOf = (step: string) => {
    let id = ids.get(step);
    if (id === undefined) { id = next++; ids.set(step, id); }
    return id;
  };
  return (e) => {
    switch (e.type) {
      case 'build-start':
        for (const s of e.stages) names.set(s.index, s.name);
        break;
      case 'warning':
        write(`WARN: ${e.rule ? `${e.rule}: ` : ''}${e.message}${e.line ? ` (line ${e.line})` : ''}\n`);
        break;
      case 'step-start': {
        const id = idOf(e.step);
        starts.set(e.step, e.time);
        write(`#${id} [${names.get(e.stage) ?? `stage-${e.stage}`} ${e.index}/${e.total}] ${e.instruction}\n`);
        break;
      }
      case 'step-log': {
        const id = idOf(e.step);
        const t = ((e.time - (starts.get(e.step) ?? e.time)) / 1000).toFixed(3);
        const text = (partial.get(e.step) ?? '') + e.data;
        const lines = text.split('\n');
        partial.set(e.step, lines.pop() ?? '');
        for (const l of lines) write(`#${id} ${t} ${l}\n`);
        break;
      }
      case 'step-explain':
        // On a first build every step misses for the same reason: not worth a line each.
        if (!e.firstBuild) for (const r of e.reasons) write(`#${idOf(e.step)} not cached: ${r}\n`);
        break;
      case 'step-cached':
        write(`#${idOf(e.step)} CACHED\n`);
        break;
      case 'step-done': {
        const id = idOf(e.step);
        const rest = partial.get(e.step);
        if (rest) write(`#${id} ${rest}\n`);
        partial.delete(e.step);
        if (!e.cached) write(`#${id} DONE ${formatDuration(e.duration)}\n`);
        break;
      }
      case 'step-error':
        write(`#${idOf(e.step)} ERROR: ${e.message}\n`);
        break;
      case 'pull':
        if (e.status === 'start') write(`pulling ${e.ref}\n`);
        break;
      case 'export':
        write(`exporting ${e.kind}${e.dest ? ` to ${e.dest}` : ''}${e.digest ? ` ${e.digest}` : ''}\n`);
        break;
      default:
        break;
    }
  };
}
