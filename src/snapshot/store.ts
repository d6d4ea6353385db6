/**
 * The on-disk layout under <storeRoot>/snapshots, shared by both drivers:
 *   layers/<hex>/fs         a layer's files, overlay format (whiteouts are char 0/0 devices)
 *   layers/<hex>/meta.json  { opaque: [...] } directories the layer makes opaque
 *   l/<16 hex>              short symlink to layers/<hex>/fs, to keep overlay mount options short
 *   active/<id>/            a prepared snapshot or view: owner.json (pid, layers), upper, work, merged
 *   tmp/<pid>-<rand>/       unpacking in progress; renamed into layers/ only when complete
 *   driver.json             the `auto` driver's probe answer and the boot it holds for
 * A layer appears by one rename, so a half-unpacked layer is never visible; what a killed
 * process left in active/ and tmp/ is unmounted and removed when the store is next opened.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, readlink, rename, rm, stat, statfs, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Digest } from '../image/oci.js';
import { isAlive } from '../util/process.js';
import { DrydockError } from '../util/errors.js';
import { hostCalls } from '../util/syscalls.js';
import { runTool } from '../util/tool.js';
import { fuseUnmounted } from './fuse-overlay.js';
import { convertWhiteouts, extractTar } from './unpack.js';

export interface LayerMeta {
  opaque: string[];
  /**
   * A layer committed without a diff (an intermediate stage's step): the layers it was made on,
   * bottom first, and the SOURCE_DATE_EPOCH of its build. Its tar is the diff of its directory
   * against those layers (overlay.ts `undiffedLayerTar`), so they are kept as long as it is.
   */
  parents?: Digest[];
  sourceDateEpoch?: number;
}

function hexOf(diffID: Digest): string {
  const hex = diffID.slice('sha256:'.length);
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new DrydockError('DIGEST', `invalid layer diffID ${diffID}`);
  return hex;
}


/** A JSON file's content, or undefined when it is missing or unreadable. */
async function readJSON<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/** Mount points currently mounted, from /proc/self/mountinfo (octal escapes decoded). */
export async function mountPoints(): Promise<Set<string>> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return new Set(text.split('\n').filter(Boolean).map((l) => l.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)))));
}

export async function unmount(target: string): Promise<void> {
  try {
    await hostCalls().unmount(target);
  } catch {
    // Busy (a process still has a file open): detach now, the kernel frees it when released.
    await hostCalls().unmount(target, { detach: true });
  }
  await fuseUnmounted(target);
}

/**
 * Marks `dir` as the top of directory hierarchies (chattr +T) for ext4's Orlov allocator: each
 * snapshot or unpack dir made in it goes to a block group with few directories instead of the
 * group of its parent. Where the file system has no journal, ext4 passes over every inode freed
 * in the last minute (up to six) of a group on each new inode, so a tree created where one was
 * just deleted (a pruned snapshot, a reset root) costs ~0.5 ms per file: 20,000 files 13-18 s
 * instead of 6 s. Best effort: other file systems do not know the flag.
 */
async function spreadSubdirs(dir: string): Promise<void> {
  await runTool('chattr', ['+T', dir]).catch(() => undefined);
}

/** Whether the store at `storeRoot` has the layer `id` unpacked (without opening its snapshotter: no init, no probe). */
export function hasUnpackedLayer(storeRoot: string, id: Digest): Promise<boolean> {
  return new LayerStore(path.join(storeRoot, 'snapshots')).has(id);
}

export class LayerStore {
  private readonly unpacking = new Map<string, Promise<void>>();

  constructor(readonly root: string) {}

  async init(): Promise<void> {
    for (const d of ['layers', 'l', 'active', 'tmp', 'empty']) {
      const made = await mkdir(path.join(this.root, d), { recursive: true });
      if (made !== undefined && (d === 'active' || d === 'tmp')) await spreadSubdirs(path.join(this.root, d));
    }
    await this.recover();
  }

  layerDir(diffID: Digest): string {
    return path.join(this.root, 'layers', hexOf(diffID));
  }

  fsDir(diffID: Digest): string {
    return path.join(this.layerDir(diffID), 'fs');
  }

  /** The layer's fs dir relative to `root`, short (see the overlay mount option limit). */
  shortLink(diffID: Digest): string {
    // Hashed so that digests sharing a prefix (or made up in tests) still get distinct links.
    return path.join('l', createHash('sha256').update(hexOf(diffID)).digest('hex').slice(0, 16));
  }

  get emptyDir(): string {
    return path.join(this.root, 'empty');
  }

  has(diffID: Digest): Promise<boolean> {
    return exists(this.fsDir(diffID));
  }

  async meta(diffID: Digest): Promise<LayerMeta> {
    return JSON.parse(await readFile(path.join(this.layerDir(diffID), 'meta.json'), 'utf8')) as LayerMeta;
  }

  async newTemp(): Promise<string> {
    const dir = path.join(this.root, 'tmp', `${process.pid}-${randomBytes(6).toString('hex')}`);
    await mkdir(dir);
    return dir;
  }

  ensure(diffID: Digest, openTar: () => Readable | Promise<Readable>, setOpaqueXattr: boolean): Promise<void> {
    const key = hexOf(diffID);
    let p = this.unpacking.get(key);
    if (!p) {
      p = this.unpack(diffID, openTar, setOpaqueXattr).finally(() => this.unpacking.delete(key));
      this.unpacking.set(key, p);
    }
    return p;
  }

  private async unpack(diffID: Digest, openTar: () => Readable | Promise<Readable>, setOpaqueXattr: boolean): Promise<void> {
    if (await this.has(diffID)) return this.link(diffID);
    const tmp = await this.newTemp();
    try {
      const fs = path.join(tmp, 'fs');
      await mkdir(fs, { mode: 0o755 });
      await extractTar(openTar, fs);
      const { opaque } = await convertWhiteouts(fs, { setOpaqueXattr });
      await this.adopt(diffID, tmp, { opaque });
    } catch (e) {
      // GNU tar reports a full disk only as a short write: the free space tells (read before the temp dir goes).
      const full = (e as NodeJS.ErrnoException).code === 'ENOSPC' || (await statfs(tmp).then((st) => st.bavail * st.bsize < 1 << 20, () => false));
      if (full) throw new DrydockError('STORE', `no space left on device while unpacking layer ${diffID}`, { cause: e });
      // A refused entry names the layer it is in (a pull or a build may hold many).
      if (e instanceof DrydockError) throw e.code === 'FORMAT' ? new DrydockError('FORMAT', `layer ${diffID}: ${e.message}`, { cause: e }) : e;
      throw new DrydockError('STORE', `unpacking layer ${diffID}: ${(e as Error).message}`, { cause: e });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** Makes `dir` (holding `fs/`) the layer `diffID`, unless another process got there first. */
  async adopt(diffID: Digest, dir: string, meta: LayerMeta): Promise<void> {
    await writeFile(path.join(dir, 'meta.json'), JSON.stringify(meta));
    try {
      await rename(dir, this.layerDir(diffID));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // An alias whose layer is gone (a prune killed between the two): replace it.
      if (code === 'ENOTDIR' && !(await this.has(diffID))) {
        await rm(this.layerDir(diffID), { force: true });
        return this.adopt(diffID, dir, meta);
      }
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw e;
    }
    await this.link(diffID);
  }

  /**
   * Makes the layer `id` known by a second name, `diffID` (once the tar of a layer committed without
   * a diff has been made, under its content digest): layers/<diffID> becomes a link to layers/<id>,
   * unless a layer of that diffID is unpacked already. The directory keeps its name, so snapshots
   * mounted on it meanwhile are undisturbed.
   */
  async alias(diffID: Digest, id: Digest): Promise<void> {
    if (diffID === id || (await this.has(diffID))) return;
    await symlink(hexOf(id), this.layerDir(diffID)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    await this.link(diffID);
  }

  private async link(diffID: Digest): Promise<void> {
    const target = path.join('..', 'layers', hexOf(diffID), 'fs');
    await symlink(target, path.join(this.root, this.shortLink(diffID))).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }

  /**
   * A directory for a snapshot, owned by this process, recording the layers it uses. It appears in
   * active/ by one rename with its owner.json written, so another process's recovery never finds
   * it without an owner (and removes it as a dead one's).
   */
  async newActive(layers: Digest[]): Promise<string> {
    const tmp = await this.newTemp();
    await writeFile(path.join(tmp, 'owner.json'), JSON.stringify({ pid: process.pid, layers }));
    const dir = path.join(this.root, 'active', randomBytes(8).toString('hex'));
    await rename(tmp, dir);
    return dir;
  }

  /** Unmounts (when `mounted`, or when unknown and mountinfo lists it) and removes a snapshot dir. */
  async removeActive(dir: string, opts?: { mounted?: boolean }): Promise<void> {
    const merged = path.join(dir, 'merged');
    if (opts?.mounted ?? (await mountPoints()).has(merged)) await unmount(merged);
    await rm(dir, { recursive: true, force: true });
  }

  private async owners(): Promise<Array<{ dir: string; pid: number; layers: Digest[] }>> {
    const out = [];
    for (const id of await readdir(path.join(this.root, 'active'))) {
      const dir = path.join(this.root, 'active', id);
      const owner = await readJSON<{ pid: number; layers: Digest[] }>(path.join(dir, 'owner.json'));
      out.push({ dir, pid: owner?.pid ?? 0, layers: owner?.layers ?? [] });
    }
    return out;
  }

  private async recover(): Promise<void> {
    for (const o of await this.owners()) {
      if (o.pid === 0 || !isAlive(o.pid)) await this.removeActive(o.dir);
    }
    let mounts: string[] | undefined;
    for (const name of await readdir(path.join(this.root, 'tmp'))) {
      const pid = Number(name.split('-')[0]);
      if (isAlive(pid)) continue;
      const dir = path.join(this.root, 'tmp', name);
      // A driver probe killed while mounted (snapshotter.ts overlayWorks): unmount before removing.
      mounts ??= [...(await mountPoints())];
      for (const m of mounts.filter((p) => p.startsWith(`${dir}/`))) await unmount(m);
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * What keeping `hexes` takes: each one's alias target (see alias) and, for layers committed
   * without a diff, the parents their tar is made against.
   */
  private async closure(hexes: Iterable<string>): Promise<Set<string>> {
    const out = new Set<string>();
    const queue = [...hexes];
    for (let hex = queue.pop(); hex !== undefined; hex = queue.pop()) {
      if (out.has(hex)) continue;
      out.add(hex);
      const dir = path.join(this.root, 'layers', hex);
      const target = await readlink(dir).catch(() => undefined);
      if (target !== undefined) queue.push(path.basename(target));
      const meta = await readJSON<LayerMeta>(path.join(dir, 'meta.json'));
      for (const p of meta?.parents ?? []) queue.push(p.slice('sha256:'.length));
    }
    return out;
  }

  async prune(keep: Set<Digest>): Promise<void> {
    const live: Digest[] = [];
    for (const o of await this.owners()) if (o.pid !== 0 && isAlive(o.pid)) live.push(...o.layers);
    const kept = await this.closure([...keep, ...live].flatMap((d) => (/^sha256:[0-9a-f]{64}$/.test(d) ? [d.slice('sha256:'.length)] : [])));
    // Aliases first: a prune killed half-way must not leave an alias to a removed layer.
    const names = await readdir(path.join(this.root, 'layers'), { withFileTypes: true });
    for (const hex of [...names.filter((e) => e.isSymbolicLink()), ...names.filter((e) => !e.isSymbolicLink())].map((e) => e.name)) {
      const diffID = `sha256:${hex}` as Digest;
      if (kept.has(hex) || this.unpacking.has(hex)) continue;
      await rm(path.join(this.root, this.shortLink(diffID)), { force: true });
      const doomed = await this.newTemp();
      await rename(path.join(this.root, 'layers', hex), path.join(doomed, 'layer'));
      await rm(doomed, { recursive: true, force: true });
    }
  }
}
