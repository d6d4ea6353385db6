/**
 * Word expansion at dispatch: every word Docker expands is expanded against the stage's
 * current env; variables that are neither set nor declared ARGs are reported as UndefinedVar.
 */
import type { Location } from '../instructions/index.js';
import { ShellLex } from '../shell/index.js';
import { suggest } from '../util/suggest.js';
import type { DispatchState } from './state.js';

const NON_ENV_ARGS = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

export type Expander = (word: string) => string;

/** The expander for one instruction (BuildKit's `SingleWordExpander`). */
export function expanderFor(d: DispatchState, location: Location): Expander {
  return (word) => {
    const res = d.lex.processWordWithMatches(word, d.env.asMap());
    reportUnmatched(d, location, res.unmatched);
    return res.result;
  };
}

/** Heredoc bodies: `\` escapes, quotes kept as written (BuildKit's `ExpandRaw`). */
export function rawExpanderFor(d: DispatchState, location: Location): Expander {
  const lex = new ShellLex('\\', { skipProcessQuotes: true });
  return (word) => {
    const res = lex.processWordWithMatches(word, d.env.asMap());
    reportUnmatched(d, location, res.unmatched);
    return res.result;
  };
}

export function reportUnmatched(d: DispatchState, location: Location, unmatched: Iterable<string>): void {
  const declared = new Set(d.buildArgs.map((a) => a.key));
  for (const v of unmatched) {
    if (declared.has(v) || NON_ENV_ARGS.has(v)) continue;
    d.lint.report('UndefinedVar', location, v, suggest(v, d.env.keys(), true) ?? '');
  }
}
