/** Environment for expansion: a map, a plain record, or a Docker-style `K=V` list (last wins). */
export type Env = ReadonlyMap<string, string> | Record<string, string> | readonly string[];

/** An expanded word plus the variable names it referenced, split by whether they were set. */
export interface ProcessResult {
  result: string;
  matched: Set<string>;
  unmatched: Set<string>;
}

/** BuildKit's lexer knobs; all default to false (the behaviour of ENV/ARG/COPY...). */
export interface ShellLexOptions {
  /** Keep quote characters in the output (still honouring their meaning). */
  rawQuotes?: boolean;
  /** Keep escape tokens in the output (still honouring their meaning). */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written instead of expanding them to ''. */
  skipUnsetEnv?: boolean;
  /** Do not interpret quotes at all: they are ordinary characters. */
  skipProcessQuotes?: boolean;
}
