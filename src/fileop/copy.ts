/**
 * COPY and ADD of local sources into a rootfs, with Docker's (BuildKit's) rules: a directory
 * source copies its contents; a file lands in `dest` when `dest` ends in "/" or is a directory,
 * else becomes `dest`; missing parent directories are created (0755, or the octal --chmod, owned
 * by the --chown user); several sources onto a `dest` without "/" overwrite it in turn, as in BuildKit.
 */
import { secureJoin } from '../archive/securejoin.js';
import { lstat, mkdtemp, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { DrydockError, isDrydockError } from '../util/errors.js';
import { extractTar, isArchive, openArchive } from './archive.js';
import { mkdirAll } from './mkdir.js';
import { parseChmod, type Chmod } from './mode.js';
import { resolveChown, type Owner } from './owner.js';
import { baseName, cleanPath, cleanSourcePath, isNotFound, splitPath } from './paths.js';
import { PatternMatcher, type IgnoreMatcher } from './patterns.js';
import { selectSource, type Selection } from './sources.js';
import { TreeCopier, type ContentSource } from './tree.js';
import { copyXattrs } from './xattr.js';
import { requireMapped } from '../rootless/ids.js';

export interface CopyOptions {
  /** Directory that sources are relative to (context dir, or a stage's/image's rootfs view). */
  srcRoot: string;
  /** As written after expansion: may have wildcards, trailing slashes, '.', be absolute (relative to srcRoot). */
  sources: string[];
  /** Absolute path inside the destination rootfs (already resolved against WORKDIR); a trailing '/' matters. */
  dest: string;
  /** The rootfs being built. */
  destRoot: string;
  /** --chown: user[:group], names resolved in destRoot's /etc/passwd and /etc/group. */
  chown?: string;
  /** --chmod: octal or symbolic. */
  chmod?: string;
  /** .dockerignore, for context sources. */
  ignore?: IgnoreMatcher;
  /** COPY --exclude patterns. */
  exclude?: string[];
  /** COPY --parents. */
  parents?: boolean;
  /** Top-level source symlinks are followed (inside srcRoot); default true, as Dockerfile COPY does. */
  followSymlinksInSource?: boolean;
  /** Wildcards in sources expand (default true); false takes every source literally. */
  allowWildcards?: boolean;
  /** ADD: local tar archives (any compression, sniffed) are extracted into dest. */
  isAdd?: boolean;
  /** COPY <<EOF /path: files made from here-documents. */
  heredocs?: Array<{ name: string; content: string; chmod?: number }>;
  /**
   * Without --chown, keep the source's uid/gid. BuildKit does for COPY --from=<stage|image>;
   * context files arrive as 0:0, so leave this unset for the build context.
   */
  keepOwnership?: boolean;
  /** Bytes of srcRoot's files read before (the context's, while hashing), instead of reading them again. */
  contents?: ContentSource;
}

export async function copyInto(opts: CopyOptions): Promise<void> {
  const scratch: string[] = [];
  try {
    await copyIntoUnscrubbed(opts, scratch);
  } catch (e) {
    throw scrub(e, [opts.destRoot, opts.srcRoot, ...scratch]);
  } finally {
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  }
}

async function copyIntoUnscrubbed(opts: CopyOptions, scratch: string[]): Promise<void> {
  const cmd = opts.isAdd ? 'ADD' : 'COPY';
  const chmod = opts.chmod ? parseChmod(opts.chmod) : undefined;
  const exclude = opts.exclude?.length ? new PatternMatcher(opts.exclude) : undefined;
  const followLinks = opts.followSymlinksInSource ?? true;
  const ignore = opts.ignore && opts.ignore.patterns.length > 0 ? opts.ignore : undefined;

  if (opts.sources.length === 0 && !opts.heredocs?.length) {
    throw new DrydockError('USAGE', `${cmd} failed: no source files were specified`);
  }
  const selections: Array<Selection & { heredoc?: boolean }> = [];
  for (const source of opts.sources) {
    selections.push(...(await selectSource(opts.srcRoot, source, { ignore, parents: opts.parents, followLinks, wildcards: opts.allowWildcards })));
  }
  if (opts.heredocs?.length) {
    const dir = await mkdtemp(`${tmpdir()}/drydock-heredoc-`);
    scratch.push(dir);
    for (const h of opts.heredocs) {
      const path = cleanPath('/' + h.name);
      const slash = path.lastIndexOf('/');
      if (slash > 0) await mkdir(dir + path.slice(0, slash), { recursive: true });
      await writeFile(dir + path, h.content, { mode: h.chmod ?? 0o644 });
      selections.push({ root: dir, path, heredoc: true });
    }
  }
  // Several sources and a dest without "/" are no error in BuildKit: each is copied onto dest in
  // turn and the last one wins (dockerfile2llb/convert_copy.go: one llb.Copy per source, no check).
  if (selections.length === 0) return; // only wildcards, matching nothing: BuildKit allows it

  const owner = opts.chown ? await resolveChown(opts.destRoot, opts.chown) : undefined;
  if (owner) requireMapped(owner, `--chown=${opts.chown}`);
  const dirMode = chmod?.kind === 'octal' ? chmod.mode : 0o755;
  const [dir, file] = splitPath(opts.dest);
  const ensure = file !== '' && file !== '.' ? dir : opts.dest;
  if (ensure !== '') await mkdirAll(await secureJoin(opts.destRoot, ensure), dirMode, owner);
  const dst = await secureJoin(opts.destRoot, cleanPath(opts.dest));

  for (const sel of selections) {
    const srcFollowed = await secureJoin(sel.root, sel.path, { followLast: followLinks });
    if (opts.isAdd && !sel.heredoc && (await isArchive(srcFollowed))) {
      const into = await secureJoin(opts.destRoot, cleanSourcePath(opts.dest));
      await mkdirAll(into, 0o755, owner);
      await extractTar(await openArchive(srcFollowed), into, { owner, clampNames: true });
      continue;
    }
    const target = await prepareTarget(srcFollowed, sel.path, dst, dirMode, owner);
    const record = new Map<string, string>();
    const copier = new TreeCopier({
      record,
      owner,
      keepOwnership: opts.keepOwnership,
      chmod,
      include: sel.include,
      exclude,
      ignore: sel.heredoc ? undefined : ignore,
      ignoreRoot: opts.srcRoot,
      contents: sel.heredoc ? undefined : opts.contents,
    });
    await copier.copy(srcFollowed, '', target, false);
    await copyXattrs(record);
  }
}

/** fsutil's prepareTargetDir: where a source lands, and its parent directories created. */
async function prepareTarget(srcFollowed: string, srcPath: string, dst: string, dirMode: number, owner?: Owner): Promise<string> {
  const srcIsDir = (await lstat(srcFollowed)).isDirectory();
  const destSt = await stat(dst).catch((e) => {
    if (isNotFound(e)) return undefined;
    throw e;
  });
  let destPath = dst;
  if (!srcIsDir && destSt?.isDirectory()) destPath = `${dst === '/' ? '' : dst}/${baseName(srcPath)}`;
  const target = srcIsDir && !destSt ? destPath : destPath.slice(0, destPath.lastIndexOf('/')) || '/';
  await mkdirAll(target, dirMode, owner);
  return destPath;
}

/** Errors name paths as the Dockerfile sees them, not host paths. */
function scrub(e: unknown, roots: string[]): unknown {
  const errno = e as NodeJS.ErrnoException;
  if (!isDrydockError(e) && typeof errno?.code !== 'string') return e;
  let msg = (e as Error).message;
  for (const root of roots.filter((r) => r && r !== '/').sort((a, b) => b.length - a.length)) {
    msg = msg.split(root.replace(/\/+$/, '')).join('');
  }
  if (isDrydockError(e)) return msg === e.message ? e : new DrydockError(e.code, msg, { cause: e });
  return new DrydockError(errno.code === 'ENOENT' ? 'NOT_FOUND' : 'CONTEXT', msg, { cause: e });
}

export type { Chmod };
