/**
 * Image archives: `docker save`-style and OCI layout tars in (load) and out (save). Both are
 * endpoints of the same image model; nothing here knows where an archive came from.
 */
export { loadArchive, type LoadedImage } from './load.js';
export { saveImages, type ArchiveFormat, type SaveSource } from './save.js';
export { ingestBlob, type IngestedBlob } from './ingest.js';
