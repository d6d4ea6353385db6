/**
 * "Why was this step not cached?" Every layer step's inputs are traced; on a miss they are
 * compared with the earlier step the cache knows: the record that followed the last step that
 * hit (its parent key), from this store or from a --cache-from import, whatever directory or
 * machine built it — so a CI checkout in a new directory still learns why it missed. Only when
 * the cache knows no such record (the base image changed, say) is the same step of the last
 * build of this Dockerfile path and target used. The difference is said in words: the
 * instruction, a build-arg or ENV value (name only for secret-looking names), the base image
 * digest, the parent step, or the exact files a COPY read.
 * Traces: `<root>/cache/traces/<key>.json`, with `<parent>.next` listing the keys that followed a
 * parent; the last build per Dockerfile in `<root>/cache/builds/<id>.json`; file lists of context
 * selections in `<root>/cache/sources/<digest>.json` (content-addressed, written once).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheKey, CacheRecord } from '../graph/index.js';
import { stableJSON } from '../graph/index.js';
import { replaceFile } from '../util/replace-file.js';

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
  /** When it was recorded (ISO time): the newest of several candidates wins. */
  time?: string;
}

/** A trace as it travels in a cache export (`CacheRecord.trace`): with the file lists it names. */
export type ExportedTrace = Omit<StepTrace, 'hit'> & { files?: Record<string, FileList> };

interface BuildTrace { version: 1; steps: Record<string, StepTrace> }

export type FileList = Array<{ path: string; digest: string }>;

const SECRET_NAME = /(secret|token|passw(or)?d|api[-_]?key|private[-_]?key|credential)/i;
const MAX_PATHS = 3;
/** File lists larger than this stay home: a cache of a 20,000-file COPY says only "the files it copies changed". */
const MAX_EXPORTED_FILES = 2000;

export class Explainer {
  private readonly current: Record<string, StepTrace> = {};
  private readonly files = new Map<string, FileList>();
  /** This build's key → the earlier key it was compared with (a hit: itself). */
  private readonly earlier = new Map<CacheKey, CacheKey>();
  private readonly imported = new Map<CacheKey, StepTrace[]>();
  private compared = false;

  private constructor(private readonly root: string, private readonly file: string, private readonly previous?: BuildTrace) {}

  /**
   * `identity` names the Dockerfile (its absolute path, or the context for stdin) and target;
   * `imported` are the records of --cache-from sources, whose traces count as the cache's own.
   */
  static async open(root: string, identity: string, imported: Iterable<CacheRecord> = []): Promise<Explainer> {
    const file = join(root, 'cache', 'builds', `${createHash('sha256').update(identity).digest('hex').slice(0, 32)}.json`);
    let previous: BuildTrace | undefined;
    try {
      const t = JSON.parse(await readFile(file, 'utf8')) as BuildTrace;
      if (t.version === 1) previous = t;
    } catch { /* first build, or unreadable: nothing to compare with */ }
    const x = new Explainer(root, file, previous);
    for (const rec of imported) x.importTrace(rec);
    return x;
  }

  /** Whether any miss so far had an earlier step to be compared with. */
  get hasPrevious(): boolean {
    return this.previous !== undefined || this.compared;
  }

  /** The file list behind a context selection digest (from hashSources). */
  noteFiles(digest: string, files: FileList): void {
    this.files.set(digest, files);
  }

  /** Records a step; for a miss returns why it missed. */
  async observe(trace: StepTrace, noCache: boolean): Promise<string[] | undefined> {
    const t: StepTrace = { ...trace, op: redact(trace.op), time: new Date().toISOString() };
    this.current[t.id] = t;
    if (t.hit) {
      this.earlier.set(t.key, t.key);
      return undefined;
    }
    if (noCache) return ['--no-cache (or --no-cache-filter) asked for it'];
    const prev = (await this.following(t)) ?? this.previous?.steps[t.id];
    if (prev) {
      this.earlier.set(t.key, prev.key);
      this.compared = true;
    }
    if (!prev) return [this.previous ? `a new step (the last build had no step ${t.id.split('#')[1]} in this stage)` : 'no earlier build of this Dockerfile and target to compare with'];
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

  /** Saves this build's traces for the next one. */
  async save(): Promise<void> {
    const dir = join(this.root, 'cache', 'sources');
    for (const [digest, files] of this.files) {
      const f = join(dir, `${hex(digest)}.json`);
      if (existsSync(f)) continue; // content-addressed: there means written whole
      await replaceFile(f, JSON.stringify(files), { mkdir: true });
    }
    const traces = join(this.root, 'cache', 'traces');
    for (const t of Object.values(this.current)) {
      const f = join(traces, `${hex(t.key)}.json`);
      if (existsSync(f)) continue;
      await replaceFile(f, JSON.stringify(t), { mkdir: true });
      // Appends of one short line are atomic, so concurrent builds may share a parent.
      await appendFile(join(traces, `${hex(t.parent)}.next`), `${hex(t.key)}\n`);
    }
    const same = this.previous && stableJSON(Object.values(this.previous.steps).map((s) => s.key)) === stableJSON(Object.values(this.current).map((s) => s.key));
    if (same) return;
    await replaceFile(this.file, JSON.stringify({ version: 1, steps: this.current } satisfies BuildTrace), { mkdir: true });
  }

  /**
   * The earlier step that followed what this step's parent was compared with: the record after
   * the last hit, then the one after that, and so on. Several (other Dockerfiles on the same
   * base): the same step id, else the same instruction keyword; the newest.
   */
  private async following(t: StepTrace): Promise<StepTrace | undefined> {
    const parent = this.earlier.get(t.parent) ?? t.parent;
    const found = [...(await localFollowing(this.root, parent)), ...(this.imported.get(parent) ?? [])];
    const word = (s: StepTrace) => s.instruction.split(/\s/, 1)[0].toUpperCase();
    const score = (s: StepTrace) => (s.id === t.id ? 2 : 0) + (word(s) === word(t) ? 1 : 0);
    found.sort((a, b) => score(b) - score(a) || (b.time ?? '').localeCompare(a.time ?? ''));
    return found.length && score(found[0]) > 0 ? found[0] : undefined;
  }

  private importTrace(rec: CacheRecord): void {
    const t = readExported(rec);
    if (!t) return;
    for (const [digest, files] of Object.entries(t.files ?? {})) if (!this.files.has(digest)) this.files.set(digest, files);
    const { files: _files, ...rest } = t;
    const list = this.imported.get(t.parent) ?? [];
    list.push({ ...rest, hit: false, time: rest.time ?? rec.created });
    this.imported.set(t.parent, list);
  }

  private async fileList(digest: string): Promise<FileList | undefined> {
    const known = this.files.get(digest);
    if (known) return known;
    return readFileList(this.root, digest);
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

/** The records with their traces attached, for a cache export (so --explain works on the machine that imports it). */
export async function withTraces(root: string, records: CacheRecord[]): Promise<CacheRecord[]> {
  return Promise.all(records.map(async (rec) => {
    let t: StepTrace;
    try {
      t = JSON.parse(await readFile(join(root, 'cache', 'traces', `${hex(rec.key)}.json`), 'utf8')) as StepTrace;
    } catch { return rec; } // a config-only step, or built before traces were kept
    const { hit: _hit, ...rest } = t;
    const out: ExportedTrace = rest;
    const source = t.inputs.source;
    // A list too long to travel is not read at all (a 20,000-file COPY's is 2 MB of JSON).
    const listSize = source ? await stat(join(root, 'cache', 'sources', `${hex(source)}.json`)).then((st) => st.size, () => Infinity) : Infinity;
    const files = listSize <= MAX_EXPORTED_FILES * 300 ? await readFileList(root, source!) : undefined;
    if (files && files.length <= MAX_EXPORTED_FILES) out.files = { [source]: files };
    return { ...rec, trace: out };
  }));
}

/** An imported record's trace, when it has a well-formed one (a cache is foreign input). */
function readExported(rec: CacheRecord): ExportedTrace | undefined {
  const t = rec.trace as Partial<ExportedTrace> | undefined;
  if (!t || typeof t !== 'object' || t.key !== rec.key || typeof t.parent !== 'string' || typeof t.id !== 'string' || typeof t.instruction !== 'string') return undefined;
  if (!t.inputs || typeof t.inputs !== 'object') return undefined;
  if (t.files && (typeof t.files !== 'object' || !Object.values(t.files).every(Array.isArray))) return undefined;
  return t as ExportedTrace;
}

async function localFollowing(root: string, parent: CacheKey): Promise<StepTrace[]> {
  const dir = join(root, 'cache', 'traces');
  let keys: string[];
  try {
    keys = (await readFile(join(dir, `${hex(parent)}.next`), 'utf8')).split('\n').filter(Boolean);
  } catch { return []; }
  const out: StepTrace[] = [];
  for (const k of new Set(keys)) {
    try {
      out.push(JSON.parse(await readFile(join(dir, `${k}.json`), 'utf8')) as StepTrace);
    } catch { /* pruned or half-written: skip */ }
  }
  return out;
}

async function readFileList(root: string, digest: string): Promise<FileList | undefined> {
  try {
    return JSON.parse(await readFile(join(root, 'cache', 'sources', `${hex(digest)}.json`), 'utf8')) as FileList;
  } catch { return undefined; }
}

/**
 * Values of secret-looking build-args/ENV are kept as a hash: traces travel in cache exports,
 * and equal values still compare equal.
 */
function redact(op: unknown): unknown {
  const o = op as { env?: unknown } | undefined;
  if (!o || typeof o !== 'object' || !Array.isArray(o.env)) return op;
  const env = (o.env as string[]).map((kv) => {
    const i = kv.indexOf('=');
    if (i < 0 || !SECRET_NAME.test(kv.slice(0, i)) || kv.startsWith('redacted:', i + 1)) return kv;
    return `${kv.slice(0, i)}=redacted:${createHash('sha256').update(`drydock-explain\0${kv}`).digest('hex')}`;
  });
  return { ...o, env };
}

function hex(d: string): string {
  return d.replace(/^sha256:/, '');
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

