/**
 * The benchmark scenarios. Each makes its context once (shared by both builders), prepares each
 * builder once (unmeasured), and sets up every measured run (cold reset, a source edit, or nothing).
 */
import type { Side } from './sides.js';
import { bigFileContext, editGoSource, goContext, manyFilesContext, runBigContext } from './contexts.js';
import { largeScenarios } from './scenarios-large.js';

export interface Scenario {
  id: string;
  title: string;
  context(dir: string): Promise<string>;
  /** Once per builder, before its first measured run. */
  prepare?(side: Side, ctx: string, tag: string): Promise<void>;
  /** Before each measured run (not timed). */
  beforeRun?(side: Side, ctx: string, run: number): Promise<void>;
  /** After its last run (a registry it started...). */
  cleanup?(): Promise<void>;
}

export interface ScenarioParams {
  /** Size of the big-file scenarios in MiB (1024 by default). */
  bigMiB: number;
  /** Files in the many-small-files context (20,000 by default). */
  files: number;
}

const cold = (side: Side) => side.reset();
/** Cold, and drydock's bases were loaded with `--no-unpack`: the build unpacks them. */
const coldPacked = (side: Side) => side.reset({ packed: true });

/** A warm cache: this exact context already built once. */
async function warm(side: Side, ctx: string, tag: string): Promise<void> {
  await side.reset();
  await side.build(ctx, tag);
}

export function scenarios(p: ScenarioParams): Scenario[] {
  const mb = p.bigMiB;
  const size = mb % 1024 === 0 ? `${mb / 1024} GiB` : `${mb} MiB`;
  return [
    { id: 'cold-go', title: 'cold build, Go example (multi-stage)', context: goContext, beforeRun: cold },
    { id: 'cold-go-packed', title: 'cold build, Go example, drydock\'s bases loaded --no-unpack', context: goContext, beforeRun: coldPacked },
    { id: 'noop-go', title: 'no-op rebuild, Go example', context: goContext, prepare: warm },
    {
      id: 'edit-go',
      title: 'rebuild after a main.go edit',
      context: goContext,
      prepare: warm,
      beforeRun: (_side, ctx, n) => editGoSource(ctx, n + 1),
    },
    { id: 'copy-many', title: `COPY of ${p.files.toLocaleString('en')} small files (cold)`, context: (d) => manyFilesContext(d, p.files), beforeRun: cold },
    { id: 'copy-big', title: `COPY of one ${size} file (cold)`, context: (d) => bigFileContext(d, mb), beforeRun: cold },
    { id: 'run-big', title: `RUN writing one ${size} file (cold)`, context: (d) => runBigContext(d, mb), beforeRun: cold },
    ...largeScenarios(p.files),
  ];
}
