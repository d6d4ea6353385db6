/**
 * File operations of COPY and ADD, with Docker's (BuildKit's) exact rules: what a source selects
 * (wildcards, .dockerignore, --exclude, --parents), where it lands, which modes, owners and times
 * the copies get, ADD's archive extraction and URL download. Paths inside a rootfs never
 * escape it, whatever symlinks say. Knows nothing about Dockerfiles: the frontend has already
 * expanded words and resolved `dest` against WORKDIR.
 */
export { copyInto, type CopyOptions } from './copy.js';
export type { ContentSource } from './tree.js';
export { fetchURL, urlFileName, type FetchOptions } from './fetch.js';
export { isArchive, extractTar, type ExtractOptions } from './archive.js';
export { parseChmod, applyChmod, type Chmod } from './mode.js';
export { resolveChown, type Owner } from './owner.js';
export { PatternMatcher, type IgnoreMatcher } from './patterns.js';
export { selectSource, hiddenByIgnore, type Selection } from './sources.js';
export { containsWildcards, globMatch, resolveWildcards } from './glob.js';
export { cleanPath, cleanSourcePath } from './paths.js';
