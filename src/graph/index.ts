/**
 * The build graph's vocabulary: cache keys and the records that tie a key to its result.
 * Pure: no I/O, no Dockerfile knowledge. The solver derives keys here and stores records.
 */
export * from './keys.js';
export * from './types.js';
export * from './ops.js';
