/**
 * The image model and its codecs: OCI/Docker types (oci.ts), references (reference.ts),
 * layers (layer.ts), resolution of an index to the host platform (resolve.ts), committing images
 * (write.ts), flattening layers (flatten.ts), archives (archive/), rootfs import (import.ts).
 * Everything reads and writes through a Store (src/store); nothing here knows about builds.
 */
export * from './oci.js';
export * from './digest.js';
export * from './reference.js';
export * from './platform.js';
export * from './resolve.js';
export * from './layer.js';
export * from './write.js';
export { detectCompression } from './compression.js';
export { flattenLayers, flattenToTar } from './flatten.js';
export { importRootfs, importTar, normalizedTar, type ImportOptions } from './import.js';
export { applyChange } from './changes.js';
export * from './archive/index.js';
export { summarize, summarizePlatforms, inspectImage, type ImageSummary, type ImageInspect } from './inspect.js';
