/**
 * GC roots besides image references. Named leases (<root>/leases/<name>.json, {"digests":[...]})
 * are written by other modules (build cache, in-flight pulls). Each process that writes blobs
 * also keeps a process lease (<root>/leases/.proc-<pid>-<id>.list, one digest a line) naming
 * every blob it wrote or reused, so a concurrent prune cannot take them before they are
 * referenced; it dies with the process.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, readdir, readFile, unlink } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DrydockError } from '../util/errors.js';
import type { Digest } from '../image/oci.js';
import { isDigest } from '../image/digest.js';
import { atomicWrite, isAlive, isNotFound } from './fsutil.js';
import { waitUnlocked } from './lock.js';
import type { WriteGuard } from './content.js';

const LEASE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/**
 * This process's lease files, of every store it opened, removed when it exits: one `exit`
 * listener for all of them (a program that opens many stores, as the API allows and the tests
 * do, would otherwise add one listener per store).
 */
const leaseFilesOnExit = new Set<string>();
let exitHookAdded = false;

function removeOnExit(file: string): void {
  leaseFilesOnExit.add(file);
  if (exitHookAdded) return;
  exitHookAdded = true;
  process.once('exit', () => {
    for (const f of leaseFilesOnExit) {
      try {
        unlinkSync(f);
      } catch {
        /* already gone */
      }
    }
  });
}

export class Leases implements WriteGuard {
  private procFile?: string;
  private readonly protectedDigests = new Set<Digest>();

  constructor(private readonly dir: string, private readonly tmpDir: string, private readonly gcLockPath: string) {}

  async put(name: string, digests: Digest[]): Promise<void> {
    if (!LEASE_NAME_RE.test(name)) throw new DrydockError('USAGE', `invalid lease name ${JSON.stringify(name)}`);
    for (const d of digests) if (!isDigest(d)) throw new DrydockError('USAGE', `invalid digest in lease ${name}: ${String(d)}`);
    await atomicWrite(this.tmpDir, join(this.dir, `${name}.json`), JSON.stringify({ digests }));
  }

  async remove(name: string): Promise<void> {
    if (!LEASE_NAME_RE.test(name)) throw new DrydockError('USAGE', `invalid lease name ${JSON.stringify(name)}`);
    await unlink(join(this.dir, `${name}.json`)).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }

  /** Records `d` in this process's lease, then waits out any running GC (see docs/store.md). */
  async protect(d: Digest): Promise<void> {
    if (!this.protectedDigests.has(d)) {
      if (!this.procFile) {
        this.procFile = join(this.dir, `.proc-${process.pid}-${randomBytes(4).toString('hex')}.list`);
        removeOnExit(this.procFile);
      }
      await appendFile(this.procFile, `${d}\n`);
      this.protectedDigests.add(d);
    }
    await waitUnlocked(this.gcLockPath);
  }

  /** Drops this process's lease (blobs it wrote are then protected only by refs and named leases). */
  async releaseProcessLease(): Promise<void> {
    if (!this.procFile) return;
    await unlink(this.procFile).catch(() => {});
    leaseFilesOnExit.delete(this.procFile);
    this.procFile = undefined;
    this.protectedDigests.clear();
  }

  /** Every leased digest: named leases, and process leases of live processes (dead ones are removed). */
  async roots(): Promise<Set<Digest>> {
    const out = new Set<Digest>();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if (isNotFound(e)) return out;
      throw e;
    }
    for (const n of names) {
      const p = join(this.dir, n);
      const proc = /^\.proc-(\d+)-[0-9a-f]+\.list$/.exec(n);
      if (proc) {
        if (!isAlive(Number(proc[1]))) {
          await unlink(p).catch(() => {});
          continue;
        }
        const text = await readFile(p, 'utf8').catch(() => '');
        for (const line of text.split('\n')) if (isDigest(line)) out.add(line);
      } else if (n.endsWith('.json')) {
        try {
          const j = JSON.parse(await readFile(p, 'utf8')) as { digests?: unknown };
          if (Array.isArray(j.digests)) for (const d of j.digests) if (isDigest(d)) out.add(d);
        } catch {
          // A lease being rewritten is replaced atomically; an unreadable one protects nothing.
        }
      }
    }
    return out;
  }
}
