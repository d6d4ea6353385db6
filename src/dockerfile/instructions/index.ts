/**
 * Typed instructions: AST nodes → `Stage`s holding `Command`s (one interface per
 * instruction), flags parsed and validated, words not yet expanded. Errors are
 * DrydockError('PARSE') with the instruction's file and line.
 */
export type * from './types.js';
export { parseInstruction, parseInstructions, INSTRUCTION_NAMES } from './parse.js';
export { parseMount, mountFrom, MountError, type Mount, type MountType, type CacheSharing } from './run-mount.js';
export { parseGoDuration } from './healthcheck.js';
export { heredocOf } from './copy.js';
