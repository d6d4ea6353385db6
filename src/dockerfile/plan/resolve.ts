/**
 * Stage references: what `COPY --from=…` and `RUN --mount=from=…` name (a stage by name,
 * case-insensitively, or by index for COPY; otherwise an image), each command's sources,
 * and the circular-dependency check (BuildKit's `toCommand`/`validateCircularDependency`).
 */
import { parseReference } from '../../image/reference.js';
import type { Command, Location } from '../instructions/index.js';
import type { ShellLex } from '../shell/index.js';
import { planError } from './errors.js';
import type { SourceRef, StageInfo } from './types.js';

/** A source one command uses, with the words to use in error messages. */
export interface CommandSource {
  ref: SourceRef;
  /** `--from` / `from=` as written. */
  from: string;
  command: Command;
  /** For mounts: the target as written (error messages). */
  mountTarget?: string;
}

export function stageDisplayName(s: StageInfo): string {
  return s.name ?? `stage-${s.index}`;
}

/** Finds a stage by name, case-insensitively (BuildKit's `findStateByName`). */
export function findStageByName(name: string, stages: readonly StageInfo[]): StageInfo | undefined {
  const lower = name.toLowerCase();
  // the last stage of a duplicated name wins, as in BuildKit's name map
  let found: StageInfo | undefined;
  for (const s of stages) if (s.name === lower) found = s;
  return found;
}

/**
 * A named context's key, as BuildKit's dockerui NamedContext compares names: the familiar
 * reference without `:latest` (`docker.io/library/alpine:latest` → `alpine`). Undefined when
 * `name` is not a reference.
 */
export function contextKey(name: string): string | undefined {
  try {
    return parseReference(name).familiar().replace(/:latest$/, '');
  } catch {
    return undefined;
  }
}

/** The named context a FROM or --from word names; `scratch` and `context` never do (dockerfile2llb namedContextFunc). */
export function findNamedContext(word: string, named: readonly string[]): string | undefined {
  if (named.length === 0 || /^(scratch|context)$/i.test(word)) return undefined;
  const key = contextKey(word);
  return key !== undefined && named.includes(key) ? key : undefined;
}

/** Resolves a COPY --from value: index, stage name, named context, or image reference. */
export function resolveCopyFrom(from: string, stages: readonly StageInfo[], lex: ShellLex, location: Location, named: readonly string[] = []): SourceRef {
  let expanded: string;
  try {
    expanded = lex.processWord(from, new Map());
  } catch {
    expanded = '';
  }
  if (expanded !== from) {
    throw planError('variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround', location);
  }
  if (/^[+-]?\d+$/.test(from)) {
    const index = Number.parseInt(from, 10);
    if (index < 0 || index >= stages.length) throw planError(`invalid stage index ${index}`, location);
    return { kind: 'stage', index };
  }
  return byNameOrImage(from, stages, location, named);
}

/** Resolves a RUN --mount from= value: stage name, named context or image reference (no index form). */
export function resolveMountFrom(from: string, stages: readonly StageInfo[], location: Location, named: readonly string[] = []): SourceRef {
  return byNameOrImage(from, stages, location, named);
}

// A stage first (a named context of its name has replaced it already), then a named context,
// then an image: BuildKit's toCommand makes an unknown name a state whose base is resolved
// like FROM's (resolveBaseImage: named context before the image).
function byNameOrImage(from: string, stages: readonly StageInfo[], location: Location, named: readonly string[]): SourceRef {
  const st = findStageByName(from, stages);
  if (st) return { kind: 'stage', index: st.index };
  if (from === 'scratch') return { kind: 'scratch' };
  const ctx = findNamedContext(from, named);
  if (ctx !== undefined) return { kind: 'named', name: ctx };
  validateImageRef(from, location);
  return { kind: 'image', ref: from };
}

export function validateImageRef(ref: string, location: Location): void {
  try {
    parseReference(ref);
  } catch (e) {
    throw planError(`failed to parse stage name ${JSON.stringify(ref)}: ${(e as Error).message.replace(/: ".*"$/, '')}`, location);
  }
}

/** Every stage/image source the commands use, in order. */
export function commandSources(commands: readonly Command[], stages: readonly StageInfo[], lex: ShellLex, named: readonly string[] = []): CommandSource[] {
  const out: CommandSource[] = [];
  for (const c of commands) {
    if (c.kind === 'copy' && c.from !== '') {
      out.push({ ref: resolveCopyFrom(c.from, stages, lex, c.location, named), from: c.from, command: c });
    } else if (c.kind === 'run') {
      c.mountFroms.forEach((from, i) => {
        if (from === '') return;
        out.push({ ref: resolveMountFrom(from, stages, c.location, named), from, command: c, mountTarget: rawMountTarget(c.mounts[i]!) });
      });
    }
  }
  return out;
}

function rawMountTarget(spec: string): string {
  for (const field of spec.split(',')) {
    const m = /^(target|dst|destination)=(.*)$/i.exec(field);
    if (m) return m[2]!;
  }
  return '';
}

/** Throws when stage dependencies (COPY --from / mount from) form a cycle. */
export function checkCircular(deps: ReadonlyMap<number, readonly CommandSource[]>, stages: readonly StageInfo[]): void {
  const visited = new Set<number>();
  const path = new Set<number>();
  // returns the chain of commands that closes a cycle, first edge first
  const visit = (i: number): CommandSource[] | undefined => {
    if (visited.has(i)) return undefined;
    visited.add(i);
    path.add(i);
    for (const src of deps.get(i) ?? []) {
      if (src.ref.kind !== 'stage') continue;
      if (path.has(src.ref.index)) return [src];
      const chain = visit(src.ref.index);
      if (chain) return [src, ...chain];
    }
    path.delete(i);
    return undefined;
  };
  for (const s of stages) {
    const chain = visit(s.index);
    if (chain) throw planError(`circular dependency detected on stage: ${stageDisplayName(s)}`, chain[0]!.command.location);
  }
}
