/**
 * drydock's programmatic API: the same code paths the CLI uses.
 *   import { build, parse } from 'drydock'
 */
export * from './util/errors.js';
export type * from './image/oci.js';
