/**
 * Build caches shared between machines (docs/cache.md). `openBuildCache` puts --cache-from
 * sources (registry, local OCI layout, an image's inline cache) behind the solver's StepCache;
 * `exportCaches` sends the records a build used (mode=min: the final image's stages, max: all)
 * and their layers to --cache-to destinations; `applyInlineCache` embeds them in the image config.
 * Keys depend only on content, so a record made on one machine is valid on any other.
 * `mounts/`: RUN --mount=type=cache contents exported with `mounts=` and restored lazily.
 */
export { parseCacheSpec, parseCompressionAttrs, type CacheSpec, type CacheLocation, type CacheExportTuning, type CacheMode, type CacheDirection } from './spec.js';
export { openBuildCache, openCacheMounts, loadCacheSource, type CacheImportContext } from './import.js';
export { exportCaches, applyInlineCache, collectRecords, type CacheExportInput } from './export.js';
export { ImportingStepCache, type CacheSource } from './source.js';
export { CACHE_ARTIFACT_TYPE, CACHE_CONFIG_MEDIA_TYPE, INLINE_CACHE_FIELD, type CacheConfig, type ExportedRecord } from './format.js';
export { pushTree, remoteTarget, type RemoteTarget } from './registry.js';
export { walkTree, type ContentTree } from './tree.js';
