/**
 * Where GNU tar and extract.ts part ways. GNU tar is safe by itself (it refuses `..`, strips a
 * leading `/`, and makes a symlink whose target is absolute or climbs only at the end, so nothing
 * is written through one), but it refuses what extract.ts resolves inside the root (an entry
 * written through a symlink the archive made, a directory replaced by a symlink), it keeps what
 * extract.ts refuses (a truncated stream, a huge PAX header), and its messages name other things.
 * The guard reads the same bytes as tar does (headers only) and keeps the kinds of the paths the
 * archive has made so far (the destination starts empty): it throws what extract.ts would throw,
 * and otherwise says why tar's result would differ, so that the layer goes through extract.ts.
 */
import { entryPath } from './extract.js';
import type { TarHeader } from './header.js';
import { readTar } from './reader.js';
import { inUserNamespace } from '../rootless/env.js';

type Kind = 'dir' | 'symlink' | 'other';

/** Longer absolute paths fail in extract.ts (PATH_MAX) where tar, working relative to the root, may not. */
const MAX_PATH = 4000;
const MAX_COMPONENT = 255;

export class GnuGuard {
  private readonly kinds = new Map<string, Kind>();
  // Root of a user namespace (rootless) cannot make devices either.
  private readonly root = process.getuid?.() === 0 && !inUserNamespace();

  constructor(private readonly dest: string) {}

  /** Why GNU tar would not do with `h` what extract.ts does, or undefined; throws what extract.ts throws for it. */
  check(h: TarHeader): string | undefined {
    const rel = entryPath(h.name);
    if (rel === '') return undefined;
    if (h.name.split('/').includes('..')) return 'a name with ".." in it';
    if (h.name.includes('\ufffd') || h.linkname?.includes('\ufffd')) return 'a name that is not UTF-8';
    const parts = rel.split('/');
    if (this.dest.length + 1 + Buffer.byteLength(rel) > MAX_PATH || parts.some((p) => Buffer.byteLength(p) > MAX_COMPONENT)) return 'a long name';
    for (let i = rel.indexOf('/'); i >= 0; i = rel.indexOf('/', i + 1)) {
      const p = rel.slice(0, i);
      const k = this.kinds.get(p);
      if (k === undefined) this.kinds.set(p, 'dir');
      else if (k !== 'dir') return `${JSON.stringify(h.name)} goes through ${k === 'symlink' ? 'a symlink' : 'a file'}`;
    }
    const kind: Kind = h.type === 'directory' ? 'dir' : h.type === 'symlink' ? 'symlink' : 'other';
    const existing = this.kinds.get(rel);
    if (existing === 'symlink') return `${JSON.stringify(h.name)} replaces a symlink`;
    if (existing === 'dir' && kind !== 'dir') return `${JSON.stringify(h.name)} replaces a directory`;
    if (h.type === 'link') {
      const why = this.linkTarget(h, rel);
      if (why) return why;
    }
    // Unprivileged, extract.ts skips device nodes where tar fails.
    if (!this.root && (h.type === 'char' || h.type === 'block')) return 'a device node';
    this.kinds.set(rel, kind);
    return undefined;
  }

  private linkTarget(h: TarHeader, rel: string): string | undefined {
    const target = entryPath(h.linkname ?? '');
    if ((h.linkname ?? '').split('/').includes('..')) return 'a hard link target with ".." in it';
    // Missing, a directory, a symlink or itself: extract.ts refuses (or links the symlink itself) in its own words.
    if (this.kinds.get(target) !== 'other' || target === rel) return `hard link ${JSON.stringify(h.name)} to ${JSON.stringify(h.linkname)}`;
    return undefined;
  }
}

/** Outcome of watching a stream: `diverges` names why extract.ts must do the work instead. */
export interface GuardResult {
  diverges?: string;
}

/**
 * Reads `src` (the bytes tar gets) to its end or to the first divergence; throws what extract.ts
 * would throw for the archive. When `cut()` says the stream was ended early (tar had failed), its
 * sudden end is no error of the archive's.
 */
export async function watchTar(src: AsyncIterable<Buffer>, dest: string, cut: () => boolean): Promise<GuardResult> {
  const guard = new GnuGuard(dest);
  let entryError: unknown;
  try {
    for await (const { header } of readTar(src)) {
      let why: string | undefined;
      try {
        why = guard.check(header);
      } catch (e) {
        entryError = e;
        throw e;
      }
      if (why) return { diverges: why };
    }
  } catch (e) {
    if (e !== entryError && cut()) return {};
    throw e;
  }
  return {};
}
