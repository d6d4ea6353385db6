/**
 * Dockerfile shell-word lexer: expands `$VAR`, `${VAR...}` forms, removes quotes and handles
 * the escape token exactly as BuildKit's `frontend/dockerfile/shell` does. It never runs a
 * shell; it is what ENV, ARG, COPY, WORKDIR... apply to their arguments before use.
 * Errors are DrydockError('EXPAND', ...).
 */
export type { Env, ProcessResult, ShellLexOptions } from './types.js';
export { ShellLex } from './lex.js';
