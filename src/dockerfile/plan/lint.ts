/** Whole-file lint checks BuildKit runs while planning (stage names, casing, FROM args). */
import { parseReference } from '../../image/reference.js';
import type { Stage } from '../instructions/index.js';
import type { WarningCollector } from '../lint/index.js';
import type { ShellLex } from '../shell/index.js';
import type { ArgCommand } from '../instructions/index.js';
import type { EnvList } from '../util/envlist.js';
import { suggest } from '../util/suggest.js';
import { evalMetaArgs } from './args.js';
import { parsePlatformSpec } from './platform.js';

const RESERVED_STAGE_NAMES = new Set(['context', 'scratch']);

export function lintStageNames(stages: readonly Stage[], lint: WarningCollector): void {
  const seen = new Set<string>();
  for (const st of stages) {
    if (st.name === undefined) continue;
    if (RESERVED_STAGE_NAMES.has(st.name)) lint.report('ReservedStageName', st.location, st.name);
    if (seen.has(st.name)) lint.report('DuplicateStageName', st.location, st.name);
    seen.add(st.name);
  }
}

export function lintCommandCasing(stages: readonly Stage[], lint: WarningCollector): void {
  const consistent = (s: string): boolean => s === s.toLowerCase() || s === s.toUpperCase();
  let lower = 0;
  let upper = 0;
  for (const st of stages) {
    for (const name of [st.origCmd, ...st.commands.map((c) => c.name)]) {
      if (!consistent(name)) continue;
      if (name === name.toLowerCase()) lower++;
      else upper++;
    }
  }
  const majorityLower = lower > upper;
  for (const st of stages) {
    const items = [{ name: st.origCmd, location: st.location }, ...st.commands];
    for (const { name, location } of items) {
      if (majorityLower && name !== name.toLowerCase()) lint.report('ConsistentInstructionCasing', location, name, 'lowercase');
      else if (!majorityLower && name !== name.toUpperCase()) lint.report('ConsistentInstructionCasing', location, name, 'uppercase');
    }
  }
}

/** InvalidDefaultArgInFrom: with only the defaults, would every FROM still name a valid image? */
export function lintDefaultFromArgs(stages: readonly Stage[], lex: ShellLex, base: EnvList, metaArgs: readonly ArgCommand[], lint: WarningCollector): void {
  let env: EnvList;
  try {
    env = evalMetaArgs(base, lex, metaArgs, undefined).env;
  } catch {
    return; // the real evaluation reports it
  }
  for (const st of stages) {
    try {
      const name = lex.processWord(st.baseName, env.asMap());
      parseReference(name);
    } catch {
      lint.report('InvalidDefaultArgInFrom', st.location, st.baseName);
    }
  }
}

/** UndefinedArgInFrom for variables in a FROM word that no global ARG declares. */
export function lintUndefinedFromArgs(unmatched: Iterable<string>, known: readonly string[], st: Stage, lint: WarningCollector): void {
  for (const v of unmatched) {
    if (known.includes(v)) continue;
    lint.report('UndefinedArgInFrom', st.location, v, suggest(v, known, true) ?? '');
  }
}

/** RedundantTargetPlatform and FromPlatformFlagConstDisallowed for FROM --platform. */
export function lintFromPlatform(
  st: Stage, match: { result: string; matched: Set<string>; unmatched: Set<string> }, env: EnvList, lint: WarningCollector,
): void {
  if (match.matched.size === 1 && match.unmatched.size === 0 && match.matched.has('TARGETPLATFORM') && match.result === env.get('TARGETPLATFORM')) {
    lint.report('RedundantTargetPlatform', st.location, st.platform);
  }
  if (match.matched.size > 0 || match.unmatched.size > 0) return;
  let p;
  try {
    p = parsePlatformSpec(match.result);
  } catch {
    return;
  }
  const name = st.name ?? '';
  if (name.includes(p.os) || name.includes(p.architecture)) return;
  lint.report('FromPlatformFlagConstDisallowed', st.location, match.result);
}
