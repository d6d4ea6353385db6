/** tmpStoreRoot(): a fresh, empty store root in a temp dir (optionally with a docker.io mirror configured). */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TmpStoreOptions {
  /** Write `<root>/config.json` with `registry-mirrors`, so `busybox` pulls from this registry. */
  mirror?: { url: string } | string;
}

const roots: string[] = [];

export async function tmpStoreRoot(opts: TmpStoreOptions = {}): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'drydock-store-'));
  roots.push(root);
  if (opts.mirror) {
    const url = typeof opts.mirror === 'string' ? opts.mirror : opts.mirror.url;
    await fs.writeFile(path.join(root, 'config.json'), JSON.stringify({ 'registry-mirrors': [url] }));
  }
  return root;
}

/** Removes every root tmpStoreRoot() made in this process (call from an `after` hook). */
export async function removeTmpStoreRoots(): Promise<void> {
  for (const r of roots.splice(0)) await fs.rm(r, { recursive: true, force: true });
}
