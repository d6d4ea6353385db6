/**
 * The live tty view: events update the model, a timer redraws the frame in place (cursor up
 * over the last frame, each line erased and rewritten, the rest of the screen cleared), and
 * when the build ends the live frame is replaced by the collapsed summary, printed once.
 */
import type { BuildEvent } from '../../solver/events.js';
import { liveFrame, summaryFrame } from './frame.js';
import { ProgressModel } from './model.js';
import { paint, type Seg } from './text.js';

export interface TtyOptions {
  write(s: string): void;
  /** Read on every frame, so a resized terminal is followed. */
  size(): { columns: number; rows: number };
  color: boolean;
  now?: () => number;
  /** Redraw period in ms; 0 draws only on `tick()` (tests drive it with a fake clock). */
  interval?: number;
}

const ERASE_LINE = '\x1b[2K';
const ERASE_BELOW = '\x1b[J';
const up = (n: number) => (n > 0 ? `\x1b[${n}A` : '');

export class TtyRenderer {
  readonly model: ProgressModel;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private drawn = 0; // lines of the frame now on screen
  private last = '';
  private closed = false;

  constructor(private readonly opts: TtyOptions) {
    this.now = opts.now ?? Date.now;
    this.model = new ProgressModel(this.now());
    const interval = opts.interval ?? 100;
    if (interval > 0) {
      this.timer = setInterval(() => this.tick(), interval);
      this.timer.unref(); // never what keeps the process alive
    }
  }

  readonly onEvent = (e: BuildEvent): void => {
    if (this.closed) return;
    this.model.apply(e);
    if (e.type === 'build-done') this.close();
  };

  /** Draws the live frame if it changed. */
  tick(): void {
    if (this.closed || this.model.empty) return;
    const { columns, rows } = this.opts.size();
    this.draw(liveFrame(this.model, { now: this.now(), width: columns, height: rows }));
  }

  /** Replaces the live frame with the summary and stops (on success, failure or cancellation). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.model.empty) return;
    const { columns, rows } = this.opts.size();
    this.draw(summaryFrame(this.model, { now: this.now(), width: columns, height: rows }), true);
  }

  private draw(rows: Seg[][], final = false): void {
    const text = rows.map((r) => paint(r, this.opts.color)).join('\n');
    if (!final && text === this.last) return;
    this.last = text;
    let out = up(this.drawn);
    for (const r of rows) out += `${ERASE_LINE}${paint(r, this.opts.color)}\n`;
    out += ERASE_BELOW;
    this.drawn = final ? 0 : rows.length;
    this.opts.write(out);
  }
}
