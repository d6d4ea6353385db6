/**
 * RUN --mount=type=cache: a directory kept under `<root>/cache/mounts/` between builds, never
 * part of a layer. As in BuildKit, a cache is named by its id plus, when it has one, its
 * starting content: `from`+`source` (the cache starts as a copy of that directory) or the
 * uid/gid/mode of its root. Sharing: `shared` mounts the one directory for everybody; `locked`
 * waits for exclusive use; `private` takes the first instance nobody holds, making a new one if
 * all are in use. Locks are pid files, so a killed build never wedges a cache; shared users hold
 * a lock of their own too, only so that `prune --cache` skips caches in use.
 */
import { chmod, chown, link, lstat, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { RunMountSpec } from '../../graph/index.js';
import type { ExtraMount } from '../../exec/index.js';
import { DrydockError } from '../../util/errors.js';
import { secureJoin } from '../../archive/securejoin.js';
import { requireMapped } from '../../rootless/ids.js';
import type { StepRuntime } from './types.js';

type Release = () => Promise<void>;

/** A cache mount a RUN used: what a cache export (`--cache-to ...,mounts=true`) sends. */
export interface UsedCacheMount {
  /** The cache id (the target when no id= was given). */
  id: string;
  /** The directory name under cacheMountsDir: id and starting content, hashed (the same on every machine). */
  name: string;
  /** The instance that outlives the build (`data`; private mounts' extra instances are not exported). */
  dir: string;
  sharing: 'shared' | 'private' | 'locked';
}

/**
 * What a build lends its cache mounts (src/cache/mounts): it notes the mounts used, and fills a
 * new cache directory from an imported cache (`--cache-from`) before the first RUN mounts it.
 */
export interface CacheMountHooks {
  note(m: UsedCacheMount): void;
  /** Fills `dest` (not yet existing) with the imported contents of cache `name`; false: none imported. */
  restore(name: string, dest: string): Promise<boolean>;
}

/** Where every cache mount lives; `drydock prune --cache` removes it. */
export function cacheMountsDir(storeRoot: string): string {
  return join(storeRoot, 'cache', 'mounts');
}

export async function cacheMount(m: RunMountSpec, rt: StepRuntime, held: Release[]): Promise<ExtraMount> {
  const { acquireLock } = await import('../../store/lock.js');
  const perms = m.uid !== undefined || m.gid !== undefined || m.mode !== undefined;
  // uid/gid/mode apply to a fresh directory made on top of `from` (BuildKit's mkdir /cache), unless a source is named
  const seeded = m.from.type !== 'scratch' && (m.source !== '/' || !perms);
  const origin = m.from.type === 'scratch' && !perms ? undefined : {
    from: m.from.type === 'scratch' ? 'scratch' : await rt.sourceKey(m.from),
    source: m.source,
    ...(seeded ? {} : { uid: m.uid ?? 0, gid: m.gid ?? 0, mode: m.mode ?? 0o755 }),
  };
  const name = createHash('sha256').update(JSON.stringify({ id: m.id ?? m.target, origin })).digest('hex').slice(0, 32);
  const base = join(cacheMountsDir(rt.storeRoot), name);
  await mkdir(base, { recursive: true });
  const sharing = m.sharing ?? 'shared';
  rt.cacheMounts?.note({ id: m.id ?? m.target, name, dir: join(base, 'data'), sharing });

  let dir = join(base, 'data');
  if (m.sharing === 'shared' || m.sharing === undefined) {
    // not exclusive, but marked in use (a lock of its own) so prune --cache leaves it alone
    const mark = await acquireLock(`${dir}.shared-${process.pid}-${randomBytes(4).toString('hex')}.lock`);
    held.push(() => mark.release());
  } else if (m.sharing === 'locked') {
    const lock = await acquireLock(`${dir}.lock`);
    held.push(() => lock.release());
  } else if (m.sharing === 'private') {
    for (let n = 0; ; n++) {
      const candidate = join(base, n === 0 ? 'data' : `data-${n}`);
      const lock = await tryLock(`${candidate}.lock`);
      if (!lock) continue;
      held.push(lock);
      dir = candidate;
      break;
    }
  }
  await createOnce(dir, async (tmp) => {
    // An imported cache has the same name only when it started from the same content: it wins over the seed.
    if (await rt.cacheMounts?.restore(name, tmp)) return;
    if (!seeded) {
      await mkdir(tmp);
      await chmod(tmp, m.mode ?? 0o755);
      requireMapped({ uid: m.uid ?? 0, gid: m.gid ?? 0 }, `--mount=type=cache,target=${m.target}`);
      await chown(tmp, m.uid ?? 0, m.gid ?? 0);
      return;
    }
    const src = await rt.sourceRoot(m.from);
    try {
      const path = await secureJoin(src.path, m.source);
      const st = await lstat(path).catch(() => undefined);
      if (!st?.isDirectory()) throw new DrydockError('EXEC', `cache mount source "${m.source}" is not a directory in ${describe(m)}`, { location: rt.location });
      await copyTree(path, tmp);
    } finally {
      await src.release();
    }
  });
  if (seeded || m.source === '/') return { type: 'bind', source: dir, target: m.target, readonly: m.readonly };
  // without a seed, source= picks a directory inside the cache (BuildKit's mount selector)
  const sub = await secureJoin(dir, m.source);
  if (!(await lstat(sub).then((st) => st.isDirectory(), () => false))) {
    throw new DrydockError('EXEC', `cache mount source "${m.source}" is not a directory in cache ${m.id ?? m.target}`, { location: rt.location });
  }
  return { type: 'bind', source: sub, target: m.target, readonly: m.readonly };
}

/** `cp -a`: owners, modes, times, links and xattrs kept (fs.cp drops owners). */
export async function copyTree(src: string, dst: string): Promise<void> {
  const { runTool } = await import('../../util/tool.js');
  await runTool('cp', ['-a', '--', src, dst]);
}

function describe(m: RunMountSpec): string {
  if (m.from.type === 'named') return `context ${m.from.name}`;
  return m.from.type === 'stage' ? `stage ${m.from.stage}` : m.from.type === 'image' ? m.from.ref : 'the build context';
}

/** Makes `dir` with `fill` unless it exists; built aside and renamed, so a half-made cache never shows. */
async function createOnce(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  if (await lstat(dir).then(() => true, () => false)) return;
  const tmp = `${dir}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fill(tmp);
    await rename(tmp, dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e; // someone else made it first: use theirs
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The lock at `path` if nobody alive holds it, else undefined (never waits). */
async function tryLock(path: string): Promise<Release | undefined> {
  const { isLocked } = await import('../../store/lock.js');
  const text = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const staging = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(staging, text);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(staging, path);
        return async () => {
          if ((await readFile(path, 'utf8').catch(() => '')) === text) await unlink(path).catch(() => {});
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      if (await isLocked(path)) return undefined;
      await unlink(path).catch(() => {}); // stale: its owner died
    }
    return undefined;
  } finally {
    await unlink(staging).catch(() => {});
  }
}

/** `drydock prune --cache`: removes every cache mount not in use by a running build (held locks are kept). */
export async function pruneCacheMounts(storeRoot: string, opts: { dryRun?: boolean } = {}): Promise<{ removed: number; bytes: number }> {
  const { isLocked } = await import('../../store/lock.js');
  const dir = cacheMountsDir(storeRoot);
  let removed = 0;
  let bytes = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const base = join(dir, name);
    const locks = (await readdir(base).catch(() => [] as string[])).filter((n) => n.endsWith('.lock'));
    if ((await Promise.all(locks.map((l) => isLocked(join(base, l))))).some(Boolean)) continue;
    removed++;
    bytes += await diskBytes(base);
    if (!opts.dryRun) await rm(base, { recursive: true, force: true });
  }
  return { removed, bytes };
}

async function diskBytes(path: string): Promise<number> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isDirectory()) return st?.size ?? 0;
  let total = 0;
  for (const n of await readdir(path)) total += await diskBytes(join(path, n));
  return total;
}
