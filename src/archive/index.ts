/**
 * Archives, in one place (containerd's archive package): the tar codec (header.ts: ustar, PAX
 * with binary xattrs, GNU long names, sparse files), a streaming reader and writer, the one safe
 * extractor (extract.ts) and the one chroot-style path resolver (securejoin.ts), packing a
 * directory, and counting a stream's content bytes. Everything that reads or writes a tar goes
 * through here: layer unpack and diff, ADD, a context on stdin, load, import, save, flatten,
 * cache import and export. It depends on util/ only.
 */
export { readTar, type TarEntry, type ReadOptions } from './reader.js';
export { TarWriter, tarStream } from './writer.js';
export type { TarHeader, EntryType, SparseSegment } from './header.js';
export { encodeHeader, padding, BLOCK } from './header.js';
export { extractTar, entryPath, WHITEOUT_PREFIX, OPAQUE_MARKER, type ExtractOptions, type ExtractResult } from './extract.js';
export { secureJoin, type SecureJoinOptions } from './securejoin.js';
export { gnuExtract } from './gnu.js';
export { packDirectory } from './pack.js';
export { TarContentCounter } from './content-size.js';
