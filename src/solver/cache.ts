/**
 * The step cache: one small JSON record per cache key under `<root>/cache/steps/`, written
 * atomically (temp + rename) so a crash never leaves half a record. Each record's layer blob is
 * held by a store lease, so `drydock prune` keeps what the cache can still use.
 */
import { mkdir, readFile, rm, readdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { isSnapshotLayer, type CacheKey, type CacheRecord } from '../graph/index.js';
import { acquireLock } from '../store/lock.js';
import { replaceFile } from '../util/replace-file.js';

export interface LeaseHolder {
  lease(name: string, digests: `sha256:${string}`[]): Promise<void>;
  unlease(name: string): Promise<void>;
}

export class StepCache {
  private readonly dir: string;

  constructor(storeRoot: string, private readonly leases: LeaseHolder) {
    this.dir = join(storeRoot, 'cache', 'steps');
  }

  private file(key: CacheKey): string {
    return join(this.dir, key.slice('sha256:'.length) + '.json');
  }

  async get(key: CacheKey): Promise<CacheRecord | undefined> {
    try {
      const rec = JSON.parse(await readFile(this.file(key), 'utf8')) as CacheRecord;
      return rec.key === key ? rec : undefined;
    } catch {
      return undefined; // missing or unreadable: a miss, never an error
    }
  }

  async put(rec: CacheRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    // A snapshot layer has no blob to hold (the snapshotter's prune keeps what records name).
    if (rec.layer && !isSnapshotLayer(rec.layer.descriptor)) await this.leases.lease(leaseName(rec.key), [rec.layer.descriptor.digest]);
    else await this.leases.unlease(leaseName(rec.key));
    await replaceFile(this.file(rec.key), JSON.stringify(rec));
  }

  /**
   * Makes the record of `key` once among the builds sharing this store: under a lock file per key,
   * after `lookup` found that no other build made it meanwhile. Identical steps of concurrent
   * builds so run once and give one layer, as BuildKit's solver shares in-flight vertices between
   * jobs (solver/jobs.go); drydock's builds are processes, so they share through the store. A lock
   * left by a killed build is broken by the next taker (store/lock.ts).
   */
  async once(key: CacheKey, lookup: () => Promise<CacheRecord | undefined>, make: () => Promise<CacheRecord>): Promise<{ record: CacheRecord; made: boolean }> {
    await mkdir(this.dir, { recursive: true });
    const lock = await acquireLock(join(this.dir, `${key.slice('sha256:'.length)}.lock`));
    try {
      const found = await lookup();
      if (found) return { record: found, made: false };
      const record = await make();
      await this.put(record);
      return { record, made: true };
    } finally {
      await lock.release();
    }
  }

  /** The record of a config-only step: the first one written wins, so concurrent builds agree on its time. */
  async putOnce(rec: CacheRecord): Promise<CacheRecord> {
    return (await this.once(rec.key, () => this.get(rec.key), async () => rec)).record;
  }

  /** Marks a record used now (its file's mtime), for least-recently-used eviction. */
  async touch(key: CacheKey): Promise<void> {
    const now = new Date();
    await utimes(this.file(key), now, now).catch(() => { /* pruned meanwhile: nothing to mark */ });
  }

  /** When the record was last used (written or hit). */
  async lastUsed(key: CacheKey): Promise<number | undefined> {
    try { return (await stat(this.file(key))).mtimeMs; } catch { return undefined; }
  }

  async delete(key: CacheKey): Promise<void> {
    await rm(this.file(key), { force: true });
    await this.leases.unlease(leaseName(key));
  }

  /** Every record (for `prune --cache` and `du`). */
  async *list(): AsyncIterable<CacheRecord> {
    let names: string[];
    try { names = await readdir(this.dir); } catch { return; }
    for (const n of names) {
      if (!n.endsWith('.json')) continue;
      const rec = await this.get(`sha256:${n.slice(0, -5)}`);
      if (rec) yield rec;
    }
  }
}

function leaseName(key: CacheKey): string {
  return `cache-${key.slice('sha256:'.length, 'sha256:'.length + 32)}`;
}
