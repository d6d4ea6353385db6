/**
 * Rootless drydock: re-execution in a user + mount namespace (reexec.ts) with the host checks
 * that explain a refusal (preflight.ts), the user's subordinate ranges (subid.ts), and what a
 * re-executed process knows about itself: its host uid, id maps and runtime dir (env.ts).
 */
export { needsReexec, reexec } from './reexec.js';
export { requireMapped } from './ids.js';
export { idMaps, inUserNamespace, isRootless, rootlessRuntimeDir, rootlessUid, ROOTLESS_ENV } from './env.js';
