/**
 * Cache mounts (RUN --mount=type=cache) that travel with a cache export (docs/cache.md, "Cache
 * mounts"): `--cache-to ...,mounts=true|ID1:ID2` sends their contents as chunk blobs plus one
 * index blob per mount; `--cache-from` restores a mount before the first RUN that mounts it.
 */
export { CacheMountLedger, type ImportedMount } from './ledger.js';
export { exportMounts, mountsForExport, DEFAULT_MOUNT_MAX_SIZE, type MountExport } from './export.js';
export { readMounts, MOUNT_INDEX_MEDIA_TYPE, MOUNT_CHUNK_MEDIA_TYPE, type ExportedMount, type MountIndex } from './format.js';
