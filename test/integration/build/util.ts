/**
 * Helpers for build tests: a store with the busybox fixture, a context directory from a map of
 * files, and the built image's filesystem flattened into a directory to look at.
 */
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openStore, type Store } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { flattenLayers } from '../../../src/image/flatten.js';
import type { ImageConfig } from '../../../src/image/oci.js';
import type { BuildEvent } from '../../../src/solver/events.js';
import { tmpStoreRoot } from '../../helpers/store.js';
import { fixtureImage, type FixtureName } from '../../helpers/fixtures.js';

export async function storeWith(...fixtures: FixtureName[]): Promise<{ root: string; store: Store }> {
  const root = await tmpStoreRoot();
  const store = await openStore(root);
  for (const f of fixtures) await fixtureImage(store, f, refFor(f));
  return { root, store };
}

export function refFor(f: FixtureName): string {
  return f === 'busybox' ? 'busybox:latest' : f === 'golang' ? 'golang:1.19' : 'debian:bookworm';
}

export async function contextDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-ctx-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}

/** The image's merged filesystem in a fresh directory, and its config. */
export async function imageFiles(store: Store, ref: string): Promise<{ dir: string; config: ImageConfig; cleanup: () => Promise<void> }> {
  const rec = await store.images.get(ref);
  if (!rec) throw new Error(`no image ${ref}`);
  const img = await resolveImage(store, rec.target);
  const dir = await mkdtemp(join(tmpdir(), 'drydock-fs-'));
  await flattenLayers(store, img.manifest.layers, dir);
  return { dir, config: img.config, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Steps that really executed (not cached), as "stage-name INSTRUCTION". */
export function executedSteps(events: BuildEvent[]): string[] {
  const starts = new Map<string, string>();
  const names = new Map<number, string>();
  const out: string[] = [];
  for (const e of events) {
    if (e.type === 'build-start') for (const s of e.stages) names.set(s.index, s.name);
    if (e.type === 'step-start') starts.set(e.step, `${names.get(e.stage)} ${e.instruction}`);
    if (e.type === 'step-done' && !e.cached) out.push(starts.get(e.step)!);
  }
  return out;
}

/** [start, end] of each executed step, by instruction text. */
export function stepIntervals(events: BuildEvent[]): Map<string, [number, number]> {
  const start = new Map<string, { t: number; instr: string }>();
  const out = new Map<string, [number, number]>();
  for (const e of events) {
    if (e.type === 'step-start') start.set(e.step, { t: e.time, instr: e.instruction });
    if (e.type === 'step-done') { const s = start.get(e.step)!; out.set(s.instr, [s.t, e.time]); }
  }
  return out;
}
