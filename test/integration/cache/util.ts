/** Helpers for cache tests: "machines" (store roots that share nothing) and step accounting. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type BuildResult } from '../../../src/build/build.js';
import type { BuildOptions } from '../../../src/build/options.js';
import type { BuildEvent } from '../../../src/solver/events.js';
import { storeWith, contextDir, executedSteps } from '../build/util.js';

export { contextDir, executedSteps };

/** A fresh store root with the busybox fixture: one "machine". */
export async function machine(): Promise<string> {
  return (await storeWith('busybox')).root;
}

export async function buildOn(root: string, context: string, opts: Partial<BuildOptions> = {}): Promise<BuildResult> {
  return build({ context, root, ...opts });
}

/** How many layer steps ran from the cache, and how many in all. */
export function cacheCounts(events: BuildEvent[]): { cached: number; total: number } {
  const done = events.filter((e): e is Extract<BuildEvent, { type: 'step-done' }> => e.type === 'step-done');
  return { cached: done.filter((e) => e.cached).length, total: done.length };
}

export function warnings(events: BuildEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
}
