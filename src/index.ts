/**
 * drydock's programmatic API: the same code paths the CLI uses (docs/api.md).
 *   import { build, buildEvents, parse, lint, report } from 'drydock'
 */
export * from './api/index.js';
export * from './util/errors.js';
export type * from './image/oci.js';
