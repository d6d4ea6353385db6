/** What each instruction's dispatcher returns; `dispatch.ts` turns it into a `Step`. */
import type { Operation } from './types.js';

export interface StepResult {
  /** History entry text; undefined: no history entry. */
  createdBy?: string;
  layer: boolean;
  op: Operation;
}

export const configOnly = (createdBy?: string): StepResult => ({ ...(createdBy !== undefined ? { createdBy } : {}), layer: false, op: { type: 'config' } });
