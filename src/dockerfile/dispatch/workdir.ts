/** WORKDIR: sets the working directory and creates it (owned by USER) unless it is `/`. */
import type { WorkdirCommand } from '../instructions/index.js';
import { normalizeWorkdir } from './paths.js';
import type { DispatchState } from './state.js';
import type { StepResult } from './step.js';

export function dispatchWorkdir(d: DispatchState, c: WorkdirCommand): StepResult {
  // only the first WORKDIR of the build is checked: fixing it fixes the later relative ones
  if (!d.workdirSet && !c.path.startsWith('/')) d.lint.report('WorkdirRelativePath', c.location, c.path);
  d.workdirSet = true;
  const wd = normalizeWorkdir(d.config.WorkingDir ?? '', c.path);
  d.config.WorkingDir = wd;
  const layer = wd !== '/';
  return {
    createdBy: `WORKDIR ${wd}`,
    layer,
    op: layer ? { type: 'workdir', path: wd, user: d.config.User ?? '' } : { type: 'config' },
  };
}
