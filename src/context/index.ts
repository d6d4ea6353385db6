/**
 * The build context: where it lives (a directory, or a tar stream extracted to a temporary one),
 * which of its files a build may see (.dockerignore, with Docker's pattern rules), and the
 * content hash of what a COPY/ADD selects from it (its cache key input; times never count,
 * a stat-keyed memo keeps no-op rebuilds from re-reading files).
 */
export { openContext, type BuildContext, type ContextSource } from './open.js';
export { loadDockerignore, parseDockerignore, createIgnoreMatcher, type IgnoreMatcher } from './dockerignore.js';
export { hashSources, type HashOptions, type HashResult } from './hash.js';
export { HashMemo } from './memo.js';
export { ContentCache } from './contents.js';
