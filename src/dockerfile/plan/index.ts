/**
 * Build planning: which stages a target needs and in what order, what each is based on, and
 * the global build arguments. Pure: no image store, no network (image references are only
 * validated; the engine resolves them).
 */
export type * from './types.js';
export { planBuild, parseTrigger } from './plan.js';
export { parsePlatformSpec, formatPlatform, PROXY_ARG_NAMES, PLATFORM_ARG_NAMES } from './platform.js';
export { contextKey, findNamedContext, findStageByName, resolveCopyFrom, resolveMountFrom, stageDisplayName } from './resolve.js';
