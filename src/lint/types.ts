/** What `lint()` takes and returns: findings with a place, a severity, a rule and a docs page. */

/**
 * `warning`: one of BuildKit's build checks (what `docker build --check` reports);
 * `error`: such a warning when `# check=error=true` makes warnings fail;
 * `info`: one of drydock's own advice rules (never fails a build or a check).
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  /** The Dockerfile as named to lint (the path given, or `Dockerfile`). */
  file: string;
  /** 1-based; 0 when the finding has no place in the file. */
  line: number;
  /** Last line of the instruction the finding is about. */
  endLine: number;
  /** BuildKit's docs page for its rules, `docs/rules/NAME.md` for drydock's own. */
  url: string;
}

/** An error that stopped the checks (the Dockerfile does not parse or plan), like BuildKit's buildError. */
export interface LintError {
  message: string;
  file: string;
  line: number;
}

export interface LintResult {
  /** Sorted by line, then rule. */
  findings: Finding[];
  error?: LintError;
  /** The check configuration in effect (`# check=` directive, or BUILDKIT_DOCKERFILE_CHECK). */
  config: CheckConfig;
  /** The Dockerfile text (for printing source excerpts). */
  text: string;
  /**
   * True when the result should fail: `error` is set, or `error=true` is configured and a
   * warning was found (BuildKit's "lint violation found for rules: …").
   */
  failed: boolean;
}

export interface LintOptions {
  /** Dockerfile path; default `<context>/Dockerfile`. */
  dockerfile?: string;
  /** Dockerfile text (wins over `dockerfile`). */
  dockerfileText?: string;
  /** Context directory, for .dockerignore (CopyIgnoredFile); default the current directory. */
  context?: string;
  /** Check only the stages this one needs (like a build); default every stage. */
  target?: string;
  /**
   * Without a target: check every stage (default, like `docker build --check`), or only the
   * last stage and what it needs (`false`, like a build).
   */
  allStages?: boolean;
  buildArgs?: Record<string, string>;
  /**
   * Store root to read base image configs from (never pulled, never created); default the
   * default root when it exists. `false`: use no store (every base image is unknown).
   */
  root?: string | false;
}

/** The `check=` options: BuildKit's linter.Config. */
export interface CheckConfig {
  skipAll: boolean;
  skip: string[];
  experimentalAll: boolean;
  experimental: string[];
  error: boolean;
}

export const DEFAULT_CHECK_CONFIG: CheckConfig = { skipAll: false, skip: [], experimentalAll: false, experimental: [], error: false };
