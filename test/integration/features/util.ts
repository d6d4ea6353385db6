/**
 * Helpers for feature tests: builds through the real CLI, and a search of a store for bytes
 * (every file, with gzip/zstd blobs also searched decompressed).
 */
import { readdir, readFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { runDrydock, type RunResult } from '../../helpers/cli.js';
import { findLeaks } from '../../helpers/leaks.js';

export { storeWith, contextDir, imageFiles, executedSteps } from '../build/util.js';

/** `drydock build` with plain progress; fails the test with the output when the build fails (unless `expectFail`). */
export async function cliBuild(root: string, args: string[], opts: { env?: Record<string, string | undefined>; expectFail?: boolean } = {}): Promise<RunResult> {
  const r = await runDrydock(['build', '--progress', 'plain', ...args], { root, env: opts.env });
  if (!opts.expectFail && r.code !== 0) throw new Error(`build failed (${r.code}):\n${r.stderr}`);
  if (opts.expectFail && r.code === 0) throw new Error(`build should have failed:\n${r.stderr}`);
  return r;
}

/** Paths of every file under `dir` whose bytes contain `needle`, looking inside compressed streams and tars (test/helpers/leaks.ts). */
export function filesContaining(dir: string, needle: string): Promise<string[]> {
  return findLeaks([dir], needle);
}

/** Every regular file under `dir`. */
export async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

export async function exists(p: string): Promise<boolean> {
  return lstat(p).then(() => true, () => false);
}
