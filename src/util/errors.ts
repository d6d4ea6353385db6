/**
 * One error type for everything a user can cause: bad Dockerfiles, bad flags, missing files,
 * unreachable registries. The CLI prints `message` as one line (prefixed by `file:line:` when
 * known) and exits non-zero. Anything else (a failed system call, a bug) is made one with
 * `asDrydockError`, at the step it broke when there is one; its stack is shown only on request
 * (`--debug`, DRYDOCK_DEBUG=1).
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
  /** Lines that explain the error, shown above its one line (the failed checks of `# check=error=true`). */
  readonly details?: string[];

  constructor(code: ErrorCode, message: string, opts: { location?: SourceLocation; cause?: unknown; exitCode?: number; details?: string[] } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'DrydockError';
    this.code = code;
    this.location = opts.location;
    this.exitCode = opts.exitCode ?? 1;
    if (opts.details?.length) this.details = opts.details;
  }

  /** The one line the CLI prints: `Dockerfile:7: unknown instruction "COPPY"`. */
  format(): string {
    return this.location ? `${this.location.file}:${this.location.line}: ${this.message}` : this.message;
  }
}

export function isDrydockError(e: unknown): e is DrydockError {
  return e instanceof DrydockError;
}

/** The system's answer to a call (ENOSPC, EACCES, ELOOP…): a cause to report, not a bug. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);
}

/**
 * Any failure as a DrydockError: one as it is (given `location` if it has none), anything else
 * with its first line as the message, `what` (the work under way) before it, and itself as the
 * cause, for --debug. A system error exits 1 like a failed step; anything else is a bug (70).
 */
export function asDrydockError(e: unknown, opts: { location?: SourceLocation; what?: string } = {}): DrydockError {
  if (e instanceof DrydockError) {
    if (e.location || !opts.location || e.code === 'CANCELLED') return e;
    return new DrydockError(e.code, e.message, { location: opts.location, cause: e.cause ?? e, exitCode: e.exitCode, details: e.details });
  }
  const system = isSystemError(e);
  const text = firstLine(e instanceof Error ? e.message || e.name : String(e));
  const cause = system ? text : `internal error: ${e instanceof Error && e.name !== 'Error' ? `${e.name}: ` : ''}${text}`;
  return new DrydockError('INTERNAL', opts.what ? `${opts.what}: ${cause}` : cause, { location: opts.location, cause: e, exitCode: system ? 1 : 70 });
}

/** An error's stack and its causes' (`--debug`). */
export function formatStacks(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, depth = 0; c !== undefined && depth < 8; depth++) {
    parts.push(`${depth ? 'caused by: ' : ''}${c instanceof Error ? (c.stack ?? `${c.name}: ${c.message}`) : String(c)}`);
    c = c instanceof Error ? c.cause : undefined;
  }
  return `${parts.join('\n')}\n`;
}

function firstLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.length > 1 ? `${lines[0]} …` : (lines[0] ?? 'unknown error');
}
