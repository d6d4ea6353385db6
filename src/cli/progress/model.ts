/**
 * What the live view knows: build events folded into stages, steps (FROM included, as
 * BuildKit counts it), pulls with byte counts, exports and warnings. No clock, no terminal:
 * frames are drawn from this state at a given time.
 */
import type { BuildEvent, ImageSummary } from '../../solver/events.js';
import { cleanLine } from './text.js';

/** What the engine reports for a step it stopped (DrydockError CANCELLED). */
const CANCELLED_MESSAGE = 'build cancelled';

/** Lines of output kept per step: the live tail shows fewer, a failed step shows these. */
export const KEPT_LOG_LINES = 12;

export interface StepView {
  /** `<stage>.<n>`; FROM is `<stage>.1`. */
  id: string;
  stage: number;
  index: number;
  instruction: string;
  start: number;
  end?: number;
  cached: boolean;
  error?: string;
  /** Last complete output lines (cleaned), and the line being written. */
  logs: string[];
  partial: string;
}

export interface StageView {
  index: number;
  name: string;
  base: string;
  /** Steps in the stage counting FROM, once the first step has started. */
  total?: number;
  start?: number;
  end?: number;
}

export interface PullView {
  ref: string;
  start: number;
  end?: number;
  /** Per blob: bytes so far and size. */
  blobs: Map<string, { current: number; total?: number }>;
  bytes?: number;
}

export interface ExportView { kind: string; dest?: string; digest?: string; time: number }

export interface WarningView { message: string; line?: number; rule?: string }

export class ProgressModel {
  start: number;
  end?: number;
  failed = false;
  /** A step was stopped by a cancel (or by another stage's failure). */
  cancelled = false;
  /** No event yet: a build that fails before it starts has nothing to summarise. */
  empty = true;
  image?: ImageSummary;
  readonly stages = new Map<number, StageView>();
  /** In start order. */
  readonly steps: StepView[] = [];
  readonly pulls: PullView[] = [];
  readonly exports: ExportView[] = [];
  readonly warnings: WarningView[] = [];
  private readonly byId = new Map<string, StepView>();

  constructor(now: number) {
    this.start = now;
  }

  apply(e: BuildEvent): void {
    this.empty = false;
    switch (e.type) {
      case 'build-start':
        this.start = e.time;
        for (const s of e.stages) this.stages.set(s.index, { index: s.index, name: s.name, base: s.base });
        break;
      case 'stage-start': {
        const s = this.stage(e.stage, e.name);
        s.start = e.time;
        // FROM is step 1 of every stage: running until the base is resolved.
        this.addStep({ id: `${e.stage}.1`, stage: e.stage, index: 1, instruction: `FROM ${this.baseName(s.base, 'stage')}`, start: e.time });
        break;
      }
      case 'base-resolved': {
        const step = this.byId.get(`${e.stage}.1`) ?? this.addStep({ id: `${e.stage}.1`, stage: e.stage, index: 1, instruction: '', start: e.time });
        step.instruction = `FROM ${this.baseName(e.ref, e.source)}`;
        step.end = e.time;
        break;
      }
      case 'step-start':
        this.stage(e.stage).total = e.total;
        this.addStep({ id: e.step, stage: e.stage, index: e.index, instruction: e.instruction, start: e.time });
        break;
      case 'step-log': {
        const step = this.byId.get(e.step);
        if (step) appendLog(step, e.data);
        break;
      }
      case 'step-cached': {
        const step = this.byId.get(e.step);
        if (step) step.cached = true;
        break;
      }
      case 'step-done': {
        const step = this.byId.get(e.step);
        if (!step) break;
        step.end = e.time;
        step.cached = e.cached;
        flushPartial(step);
        break;
      }
      case 'step-error': {
        const step = this.byId.get(e.step);
        if (!step) break;
        flushPartial(step);
        // Steps stopped because of another failure or a cancel are not failures themselves.
        if (e.message === CANCELLED_MESSAGE) {
          this.cancelled = true;
          break;
        }
        step.end = e.time;
        step.error = e.message;
        this.failed = true;
        break;
      }
      case 'stage-done':
        this.stage(e.stage, e.name).end = e.time;
        break;
      case 'warning':
        this.warnings.push({ message: e.message, line: e.line, rule: e.rule });
        break;
      case 'pull':
        this.applyPull(e);
        break;
      case 'export':
        this.exports.push({ kind: e.kind, dest: e.dest, digest: e.digest, time: e.time });
        break;
      case 'build-done':
        this.end = e.time;
        this.image = e.image;
        break;
      default:
        break;
    }
  }

  /** Steps of the whole build, finished or not, counting FROM: the header's `(done/total)`. */
  counts(): { done: number; total: number } {
    let total = 0;
    for (const s of this.stages.values()) total += s.total ?? (this.byId.has(`${s.index}.1`) ? 1 : 0);
    const done = this.steps.filter((s) => s.end !== undefined && !s.error).length;
    return { done, total: Math.max(total, done) };
  }

  stageName(index: number): string {
    return this.stages.get(index)?.name ?? `stage-${index}`;
  }

  private applyPull(e: Extract<BuildEvent, { type: 'pull' }>): void {
    let p = [...this.pulls].reverse().find((x) => x.ref === e.ref && x.end === undefined);
    if (!p || e.status === 'start') {
      p = { ref: e.ref, start: e.time, blobs: new Map() };
      this.pulls.push(p);
    }
    if (e.status === 'progress' && e.layer) p.blobs.set(e.layer, { current: e.current ?? 0, total: e.total });
    if (e.status === 'done') {
      p.end = e.time;
      p.bytes = e.bytes;
    }
  }

  private baseName(ref: string, source: string): string {
    const m = /^stage (\d+)$/.exec(ref);
    return source === 'stage' && m ? this.stageName(Number(m[1])) : ref;
  }

  private stage(index: number, name?: string): StageView {
    let s = this.stages.get(index);
    if (!s) {
      s = { index, name: name ?? `stage-${index}`, base: '' };
      this.stages.set(index, s);
    }
    return s;
  }

  private addStep(init: Pick<StepView, 'id' | 'stage' | 'index' | 'instruction' | 'start'>): StepView {
    const step: StepView = { ...init, cached: false, logs: [], partial: '' };
    const old = this.byId.get(init.id);
    if (old) this.steps.splice(this.steps.indexOf(old), 1);
    this.byId.set(step.id, step);
    this.steps.push(step);
    return step;
  }
}

function appendLog(step: StepView, data: string): void {
  const parts = (step.partial + data).split('\n');
  step.partial = parts.pop() ?? '';
  for (const p of parts) step.logs.push(cleanLine(p));
  if (step.logs.length > KEPT_LOG_LINES) step.logs.splice(0, step.logs.length - KEPT_LOG_LINES);
  // A line that never ends (a progress bar redrawn with \r) must not grow without bound.
  if (step.partial.length > 4096) step.partial = step.partial.slice(-4096);
}

function flushPartial(step: StepView): void {
  if (step.partial) appendLog(step, '\n');
}

/** Output lines worth showing for a step: complete lines, then the one being written. */
export function tail(step: StepView, n: number): string[] {
  const lines = step.partial ? [...step.logs, cleanLine(step.partial)] : step.logs;
  return n <= 0 ? [] : lines.slice(-n);
}
