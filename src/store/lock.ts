/**
 * Inter-process lock files: created with O_EXCL and holding the owner's pid. A lock whose owner
 * died (kill -9) is stale and broken by the next taker, so a crash never wedges the store.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { isAlive } from './fsutil.js';

const POLL_MS = 25;

export interface Lock {
  release(): Promise<void>;
}

async function readOwner(path: string): Promise<{ pid: number; text: string } | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    const pid = Number(text.split(' ')[0]);
    return { pid: Number.isInteger(pid) && pid > 0 ? pid : 0, text };
  } catch {
    return undefined;
  }
}

/** Is the lock at `path` held by a live process? */
export async function isLocked(path: string): Promise<boolean> {
  const owner = await readOwner(path);
  return owner !== undefined && (owner.pid === 0 ? true : isAlive(owner.pid));
}

/** Waits until nobody (alive) holds the lock at `path`. */
export async function waitUnlocked(path: string): Promise<void> {
  while (await isLocked(path)) await sleep(POLL_MS);
}

export async function acquireLock(path: string): Promise<Lock> {
  const token = randomBytes(8).toString('hex');
  const text = `${process.pid} ${token}\n`;
  // Written aside then hard-linked into place, so the lock never exists without its owner.
  const staging = `${path}.${process.pid}.${token}`;
  try {
    await writeFile(staging, text);
  } catch (e) {
    // A full disk: the file may exist, empty; it must not be left behind.
    await unlink(staging).catch(() => {});
    throw e;
  }
  for (;;) {
    try {
      await link(staging, path);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        await unlink(staging).catch(() => {});
        throw e;
      }
    }
    const owner = await readOwner(path);
    if (owner && owner.pid > 0 && !isAlive(owner.pid)) {
      // Stale: break it only if it is still the same dead owner's file.
      const again = await readOwner(path);
      if (again?.text === owner.text) await unlink(path).catch(() => {});
      continue;
    }
    await sleep(POLL_MS);
  }
  await unlink(staging).catch(() => {});
  return {
    async release() {
      const owner = await readOwner(path);
      if (owner?.text === text) await unlink(path).catch(() => {});
    },
  };
}

export async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(path);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
