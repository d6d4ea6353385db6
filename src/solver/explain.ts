/**
 * "Why was this step not cached?" Every layer step's inputs are traced; on a miss they are
 * compared with the same step of the last build of the same Dockerfile and target, and the
 * difference is said in words: the instruction, a build-arg or ENV value (name only for
 * secret-looking names), the base image digest, the parent step, or the exact files a COPY read.
 * Traces live in `<root>/cache/builds/<id>.json`; file lists of context selections in
 * `<root>/cache/sources/<digest>.json` (content-addressed, written once).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheKey } from '../graph/index.js';
import { stableJSON } from '../graph/index.js';

export interface StepTrace {
  /** `<stage name>#<n>` (n as in `[stage n/m]`). */
  id: string;
  instruction: string;
  createdBy: string;
  parent: CacheKey;
  key: CacheKey;
  hit: boolean;
  op: unknown;
  inputs: Record<string, string>;
  /** For the first step of a stage on an image: the base. */
  base?: { ref: string; digest: string };
}

interface BuildTrace { version: 1; steps: Record<string, StepTrace> }

export type FileList = Array<{ path: string; digest: string }>;

const SECRET_NAME = /(secret|token|passw(or)?d|api[-_]?key|private[-_]?key|credential)/i;
const MAX_PATHS = 3;

export class Explainer {
  private readonly current: Record<string, StepTrace> = {};
  private readonly files = new Map<string, FileList>();

  private constructor(private readonly root: string, private readonly file: string, private readonly previous?: BuildTrace) {}

  /** `identity` names the Dockerfile (its absolute path, or the context for stdin) and target. */
  static async open(root: string, identity: string): Promise<Explainer> {
    const file = join(root, 'cache', 'builds', `${createHash('sha256').update(identity).digest('hex').slice(0, 32)}.json`);
    let previous: BuildTrace | undefined;
    try {
      const t = JSON.parse(await readFile(file, 'utf8')) as BuildTrace;
      if (t.version === 1) previous = t;
    } catch { /* first build, or unreadable: nothing to compare with */ }
    return new Explainer(root, file, previous);
  }

  get hasPrevious(): boolean {
    return this.previous !== undefined;
  }

  /** The file list behind a context selection digest (from hashSources). */
  noteFiles(digest: string, files: FileList): void {
    this.files.set(digest, files);
  }

  /** Records a step; for a miss returns why it missed. */
  async observe(t: StepTrace, noCache: boolean): Promise<string[] | undefined> {
    this.current[t.id] = t;
    if (t.hit) return undefined;
    if (noCache) return ['--no-cache (or --no-cache-filter) asked for it'];
    if (!this.previous) return ['no earlier build of this Dockerfile and target to compare with'];
    const prev = this.previous.steps[t.id];
    if (!prev) return [`a new step (the last build had no step ${t.id.split('#')[1]} in this stage)`];
    // As written in the Dockerfile: created_by also carries ARG values, which are reported by name below.
    if (prev.instruction !== t.instruction) return [`the instruction changed: ${quote(prev.instruction)} → ${quote(t.instruction)}`];
    const reasons = [...opChanges(prev.op, t.op), ...(await this.inputChanges(prev.inputs, t.inputs))];
    if (prev.base && t.base && prev.base.digest !== t.base.digest) reasons.push(`the base image ${t.base.ref} changed: ${short(prev.base.digest)} → ${short(t.base.digest)}`);
    if (reasons.length) return reasons;
    if (prev.parent !== t.parent) {
      const before = Object.values(this.current).find((s) => s.key === t.parent);
      return [before ? `the step before it was rebuilt (${before.instruction})` : 'the stage it builds on was rebuilt'];
    }
    if (prev.key === t.key) return ['the cache record is gone (pruned, or the store was cleaned)'];
    return ['its inputs changed'];
  }

  /** Saves this build's traces for the next one (skipped when nothing differs). */
  async save(): Promise<void> {
    const same = this.previous && stableJSON(Object.values(this.previous.steps).map((s) => s.key)) === stableJSON(Object.values(this.current).map((s) => s.key));
    const dir = join(this.root, 'cache', 'sources');
    for (const [digest, files] of this.files) {
      const f = join(dir, `${digest.replace(/^sha256:/, '')}.json`);
      if (existsSync(f)) continue; // content-addressed: there means written whole
      await atomicWrite(f, JSON.stringify(files));
    }
    if (same) return;
    await atomicWrite(this.file, JSON.stringify({ version: 1, steps: this.current } satisfies BuildTrace));
  }

  private async fileList(digest: string): Promise<FileList | undefined> {
    const known = this.files.get(digest);
    if (known) return known;
    try {
      return JSON.parse(await readFile(join(this.root, 'cache', 'sources', `${digest.replace(/^sha256:/, '')}.json`), 'utf8')) as FileList;
    } catch { return undefined; }
  }

  private async inputChanges(prev: Record<string, string>, cur: Record<string, string>): Promise<string[]> {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(prev), ...Object.keys(cur)])) {
      if (prev[k] === cur[k]) continue;
      const fromStage = cur[k] ? Object.values(this.current).find((st) => st.key === cur[k]) : undefined;
      if (fromStage) {
        // A stage source is identified by its last step's key.
        out.push(`the stage ${fromStage.id.split('#')[0]} it reads from was rebuilt`);
      } else if (k === 'source' && prev[k] && cur[k]) {
        const [a, b] = [await this.fileList(prev[k]), await this.fileList(cur[k])];
        out.push(a && b ? describeFiles(a, b) : 'the files it copies changed');
      } else {
        out.push(`its input ${k} changed`);
      }
    }
    return out;
  }
}

/** ENV/ARG values by name, then any other field of the operation. */
function opChanges(prev: unknown, cur: unknown): string[] {
  const p = (prev ?? {}) as Record<string, unknown>;
  const c = (cur ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  if (Array.isArray(p.env) || Array.isArray(c.env)) {
    const a = envMap(p.env);
    const b = envMap(c.env);
    for (const name of new Set([...a.keys(), ...b.keys()])) {
      const [x, y] = [a.get(name), b.get(name)];
      if (x === y) continue;
      const secret = SECRET_NAME.test(name);
      if (x === undefined) out.push(`build-arg/ENV ${name} is new${secret ? '' : ` (${quote(y!)})`}`);
      else if (y === undefined) out.push(`build-arg/ENV ${name} is no longer set`);
      else out.push(secret ? `build-arg/ENV ${name} changed` : `build-arg/ENV ${name} changed: ${quote(x)} → ${quote(y)}`);
    }
  }
  for (const k of new Set([...Object.keys(p), ...Object.keys(c)])) {
    if (k === 'env' || stableJSON(p[k]) === stableJSON(c[k])) continue;
    out.push(`its ${k} changed`);
  }
  return out;
}

function envMap(env: unknown): Map<string, string> {
  const m = new Map<string, string>();
  if (Array.isArray(env)) for (const kv of env as string[]) { const i = kv.indexOf('='); m.set(i < 0 ? kv : kv.slice(0, i), i < 0 ? '' : kv.slice(i + 1)); }
  return m;
}

export function describeFiles(prev: FileList, cur: FileList): string {
  const a = new Map(prev.map((f) => [f.path, f.digest]));
  const b = new Map(cur.map((f) => [f.path, f.digest]));
  const added = [...b.keys()].filter((p) => !a.has(p));
  const removed = [...a.keys()].filter((p) => !b.has(p));
  const changed = [...b.keys()].filter((p) => a.has(p) && a.get(p) !== b.get(p));
  const parts: string[] = [];
  const list = (label: string, paths: string[]) => {
    if (!paths.length) return;
    const shown = paths.sort().slice(0, MAX_PATHS).join(', ');
    parts.push(`${paths.length} ${label} (${shown}${paths.length > MAX_PATHS ? `, +${paths.length - MAX_PATHS} more` : ''})`);
  };
  list('changed', changed);
  list('added', added);
  list('removed', removed);
  return parts.length ? `files it copies: ${parts.join('; ')}` : 'the files it copies changed (ownership or mode)';
}

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
}

function short(d: string): string {
  return d.replace(/^sha256:/, '').slice(0, 12);
}

async function atomicWrite(file: string, data: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
