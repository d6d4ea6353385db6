/**
 * Dispatch: one planned stage + its base → ordered, fully expanded steps and the image config.
 * Pure and JSON-able: the engine executes `RunOp`/`CopyOp`/`WorkdirOp` and writes history
 * from `createdBy`; it needs no Dockerfile rules.
 */
export type * from './types.js';
export { dispatchStage, dispatchContext } from './dispatch.js';
export { DEFAULT_PATH, HISTORY_COMMENT, emptyImage } from './state.js';
