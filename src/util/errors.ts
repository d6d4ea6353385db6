/**
 * One error type for everything a user can cause: bad Dockerfiles, bad flags, missing files,
 * unreachable registries. The CLI prints `message` as one line (prefixed by `file:line:` when
 * known) and exits non-zero; anything else that escapes is a bug and gets a stack trace.
 */
export type ErrorCode =
  | 'PARSE' | 'EXPAND' | 'PLAN' | 'USAGE' | 'NOT_FOUND' | 'CONTEXT' | 'STORE' | 'FORMAT'
  | 'REGISTRY' | 'AUTH' | 'DIGEST' | 'EXEC' | 'CANCELLED' | 'INTERNAL';

export interface SourceLocation {
  file: string;
  line: number;
}

export class DrydockError extends Error {
  readonly code: ErrorCode;
  readonly location?: SourceLocation;
  /** Exit status the CLI should use (1 by default, like docker build). */
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, opts: { location?: SourceLocation; cause?: unknown; exitCode?: number } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'DrydockError';
    this.code = code;
    this.location = opts.location;
    this.exitCode = opts.exitCode ?? 1;
  }

  /** The one line the CLI prints: `Dockerfile:7: unknown instruction "COPPY"`. */
  format(): string {
    return this.location ? `${this.location.file}:${this.location.line}: ${this.message}` : this.message;
  }
}

export function isDrydockError(e: unknown): e is DrydockError {
  return e instanceof DrydockError;
}
