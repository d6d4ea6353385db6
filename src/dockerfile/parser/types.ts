/** The Dockerfile AST: one `Node` per instruction, as BuildKit's parser produces it. */

/** A here-document attached to RUN/COPY/ADD (`<<EOF` … `EOF`). */
export interface Heredoc {
  /** The delimiter word, quotes removed (`EOF`); also the file name for COPY/ADD. */
  name: string;
  /** `3<<EOF` → 3; 0 when not given. */
  fileDescriptor: number;
  /** False when any part of the delimiter was quoted (`<<'EOF'`): no variable expansion. */
  expand: boolean;
  /** `<<-EOF`: leading tabs are stripped from the content (and the delimiter line). */
  chomp: boolean;
  /** Raw content lines, each with its line ending, delimiter line excluded. */
  content: string;
}

export interface Node {
  /** The instruction keyword as written (`copy`, `COPY`, `Copy`). */
  name: string;
  /** Leading `--flag[=value]` words, quotes removed (BuildKit's `Node.Flags`). */
  flags: string[];
  /**
   * Arguments as the per-instruction line parser left them (quotes kept except in JSON form).
   * ENV/LABEL: key, value, separator triples (separator `=` or `""` for the legacy `K V` form).
   * HEALTHCHECK: the type (`CMD`/`NONE`) then the command. ONBUILD: empty, see `sub`.
   */
  args: string[];
  /** Exec (JSON array) form. */
  json: boolean;
  /** ONBUILD: the trigger instruction. */
  sub?: Node;
  heredocs: Heredoc[];
  /** The instruction's logical line after continuations were joined (comments removed). */
  original: string;
  /** 1-based line numbers of the first and last physical line (heredoc bodies included). */
  startLine: number;
  endLine: number;
  /** Comment lines directly above the instruction, `#` and surrounding space removed. */
  comments: string[];
}

export type DirectiveName = 'syntax' | 'escape' | 'check';

export interface Directive {
  name: DirectiveName;
  value: string;
  line: number;
}

/** A problem found while parsing that BuildKit reports as a warning, not an error. */
export interface ParserWarning {
  rule: 'NoEmptyContinuation';
  line: number;
  /** The joined instruction text the empty continuation line was found in. */
  text: string;
}

export interface ParseResult {
  nodes: Node[];
  escapeToken: '\\' | '`';
  directives: Directive[];
  warnings: ParserWarning[];
}
