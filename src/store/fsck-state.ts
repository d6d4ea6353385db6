/**
 * fsck beyond blobs and references: what the other modules keep under the store root, and what
 * a killed process leaves of it (layouts: docs/store.md, snapshot/store.ts, solver/cache.ts,
 * report/record.ts). Only leftovers of dead processes are findings, so fsck can run beside builds.
 *   snapshots/active/<id>   a snapshot whose owner died (removed; unmounted first when mounted)
 *   snapshots/tmp/<pid>-*   a layer half unpacked or committed by a dead process
 *   snapshots/layers/<hex>  without fs/ or meta.json, or an alias to nothing; l/<link> to nothing
 *   mounts under the root   not inside a live process's snapshot
 *   cache/steps/<key>.json  unreadable, or naming a layer blob or snapshot that is gone
 *   cache/steps/*.tmp       a record half written by a dead process
 *   *.lock                  step and cache-mount locks whose owner died, and their staging files
 *   leases/                 process leases of dead processes, unreadable leases, and step
 *                           leases whose record is gone (they would keep a blob forever)
 *   reports/<id>.json       build records that are unreadable or whose image is gone
 */
import { lstat, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../image/oci.js';
import { isSnapshotLayer, type CacheRecord } from '../graph/types.js';
import { mountPoints, unmount } from '../snapshot/store.js';
import { isAlive } from './fsutil.js';
import type { Store } from './index.js';

export interface Finding {
  /** One line naming the path and what is wrong with it. */
  what: string;
  /** A dead process's leftover that nothing reads (the next prune or build clears it): fsck stays ok. */
  harmless: boolean;
}

/** A step lease written just before its record may be seen without it: only older ones are orphans. */
const LEASE_GRACE_MS = 60_000;

const HEX64 = /^[0-9a-f]{64}$/;

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [] as string[]);
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

async function readJSON<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The pid in a lock file (`<pid> <token>`), 0 when unreadable. */
async function lockOwner(file: string): Promise<number> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).split(' ')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
}

class Checker {
  readonly findings: Finding[] = [];
  constructor(readonly store: Store, readonly repair: boolean) {}

  async found(what: string, harmless: boolean, fix: () => Promise<unknown>): Promise<void> {
    this.findings.push({ what, harmless });
    if (this.repair) await fix();
  }

  remove(p: string): () => Promise<void> {
    return () => rm(p, { recursive: true, force: true });
  }

  async snapshots(): Promise<void> {
    const root = join(this.store.root, 'snapshots');
    const mounts = [...(await mountPoints())].filter((m) => m.startsWith(`${this.store.root}/`));
    const claimed = new Set<string>();
    /** The mounts at or under `dir` (deepest first), now accounted for. */
    const under = (dir: string) => {
      const ms = mounts.filter((m) => m === dir || m.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
      for (const m of ms) claimed.add(m);
      return ms;
    };
    /** Unmounts what is mounted under `dir` (else rm would delete through the mount), then removes it. */
    const unmountAndRemove = (dir: string, ms: string[]) => async () => {
      for (const m of ms) await unmount(m);
      await rm(dir, { recursive: true, force: true });
    };
    for (const id of await names(join(root, 'active'))) {
      const dir = join(root, 'active', id);
      const owner = await readJSON<{ pid?: number }>(join(dir, 'owner.json'));
      const ms = under(dir);
      if (owner?.pid && isAlive(owner.pid)) continue;
      const who = owner?.pid ? `of dead process ${owner.pid}` : 'without an owner';
      await this.found(`orphaned snapshot ${dir} ${who}${ms.length ? ', still mounted' : ''}`, !ms.length, unmountAndRemove(dir, ms));
    }
    // Layers being unpacked or committed, and the driver probe's mounts: tmp/<pid>-<random>.
    for (const name of await names(join(root, 'tmp'))) {
      const dir = join(root, 'tmp', name);
      const pid = Number(name.split('-')[0]);
      const ms = under(dir);
      if (pid > 0 && isAlive(pid)) continue;
      await this.found(`half-committed layer ${dir} of dead process ${pid}${ms.length ? ', still mounted' : ''}`, !ms.length, unmountAndRemove(dir, ms));
    }
    for (const m of mounts) {
      if (!claimed.has(m)) await this.found(`mount ${m} left by a dead process`, false, () => unmount(m));
    }
    for (const hex of await names(join(root, 'layers'))) {
      const dir = join(root, 'layers', hex);
      const alias = await readlink(dir).catch(() => undefined);
      const whole = (await exists(join(dir, 'fs'))) && (alias !== undefined || (await exists(join(dir, 'meta.json'))));
      if (!whole) await this.found(`incomplete layer ${dir}${alias !== undefined ? ` (alias of missing ${alias})` : ''}`, false, this.remove(dir));
    }
    for (const link of await names(join(root, 'l'))) {
      const p = join(root, 'l', link);
      if (!(await exists(p))) await this.found(`short link ${p} to a missing layer`, true, this.remove(p));
    }
  }

  /** Step records; returns the lease names of the readable ones. */
  async stepRecords(): Promise<Set<string>> {
    const dir = join(this.store.root, 'cache', 'steps');
    const leased = new Set<string>();
    for (const name of await names(dir)) {
      const p = join(dir, name);
      const tmp = /\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
      if (tmp) {
        if (!isAlive(Number(tmp[1]))) await this.found(`half-written step record ${p} of dead process ${tmp[1]}`, true, this.remove(p));
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const hex = name.slice(0, -'.json'.length);
      const rec = await readJSON<CacheRecord>(p);
      if (!HEX64.test(hex) || rec?.key !== `sha256:${hex}`) {
        await this.found(`unreadable step record ${p}`, false, this.remove(p));
        continue;
      }
      const missing = await this.missingLayer(rec);
      if (missing) {
        await this.found(`step record ${p} names ${missing}`, false, async () => {
          await rm(p, { force: true });
          await this.store.unlease(stepLease(hex));
        });
        continue;
      }
      leased.add(stepLease(hex));
    }
    return leased;
  }

  private async missingLayer(rec: CacheRecord): Promise<string | undefined> {
    const d = rec.layer?.descriptor;
    if (!d) return undefined;
    if (isSnapshotLayer(d)) {
      const hex = rec.layer!.diffID.slice('sha256:'.length);
      const dir = join(this.store.root, 'snapshots', 'layers', hex);
      return HEX64.test(hex) && (await exists(join(dir, 'fs'))) ? undefined : `missing snapshot layer ${rec.layer!.diffID}`;
    }
    return (await this.store.content.has(d.digest as Digest)) ? undefined : `missing layer blob ${d.digest}`;
  }

  /** Step and cache-mount locks (and lock staging files) whose owner is dead. */
  async locks(): Promise<void> {
    const mounts = join(this.store.root, 'cache', 'mounts');
    const dirs = [join(this.store.root, 'cache', 'steps'), ...(await names(mounts)).map((n) => join(mounts, n))];
    for (const dir of dirs) {
      for (const name of await names(dir)) {
        const p = join(dir, name);
        const staging = /\.lock\.(\d+)\.[0-9a-f]+$/.exec(name);
        if (staging && !isAlive(Number(staging[1]))) await this.found(`lock staging file ${p} of dead process ${staging[1]}`, true, this.remove(p));
        if (!name.endsWith('.lock')) continue;
        const pid = await lockOwner(p);
        if (pid === 0 || !isAlive(pid)) await this.found(`lock ${p} held by dead process ${pid || '(unreadable)'}`, true, this.remove(p));
      }
    }
  }

  async leases(records: Set<string>): Promise<void> {
    const dir = join(this.store.root, 'leases');
    for (const name of await names(dir)) {
      const p = join(dir, name);
      const proc = /^\.proc-(\d+)-[0-9a-f]+\.list$/.exec(name);
      if (proc) {
        if (!isAlive(Number(proc[1]))) await this.found(`lease ${p} of dead process ${proc[1]}`, true, this.remove(p));
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const lease = await readJSON<{ digests?: unknown }>(p);
      if (!Array.isArray(lease?.digests)) {
        await this.found(`unreadable lease ${p}`, false, this.remove(p));
        continue;
      }
      const step = name.slice(0, -'.json'.length);
      if (!/^cache-[0-9a-f]{32}$/.test(step) || records.has(step)) continue;
      const age = Date.now() - ((await lstat(p).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age > LEASE_GRACE_MS) await this.found(`lease ${p} of a missing step record`, true, this.remove(p));
    }
  }

  async buildRecords(): Promise<void> {
    const dir = join(this.store.root, 'reports');
    for (const name of await names(dir)) {
      const p = join(dir, name);
      const hex = name.replace(/\.json$/, '');
      if (!name.endsWith('.json') || !HEX64.test(hex)) continue;
      const rec = await readJSON<{ imageId?: string; stages?: unknown }>(p);
      if (rec?.imageId !== `sha256:${hex}` || !Array.isArray(rec.stages)) await this.found(`unreadable build record ${p}`, false, this.remove(p));
      else if (!(await this.store.content.has(rec.imageId as Digest))) await this.found(`build record ${p} of missing image ${rec.imageId}`, true, this.remove(p));
    }
  }
}

/** The lease a step record's layer blob is held by (solver/cache.ts leaseName). */
function stepLease(hex: string): string {
  return `cache-${hex.slice(0, 32)}`;
}

/** Checks (and with `repair` removes) what other modules keep in the store; see the file comment. */
export async function checkState(store: Store, repair: boolean): Promise<Finding[]> {
  const c = new Checker(store, repair);
  await c.snapshots();
  const records = await c.stepRecords();
  await c.locks();
  await c.leases(records);
  await c.buildRecords();
  return c.findings;
}
