/**
 * Dockerfile shell-word lexer: expands `$VAR` and the `${VAR...}` forms (- + ? # % / with or
 * without `:`), removes quotes and handles the escape token exactly as BuildKit's
 * `frontend/dockerfile/shell` does. It never runs a shell; it is what ENV, ARG, COPY, WORKDIR,
 * EXPOSE... apply to their arguments. Pure and synchronous: a word and an Env in, a string (or
 * words, or the names used) out. Failures are DrydockError('EXPAND', 'failed to process "<word>": ...').
 * ShellLexOptions carries BuildKit's RawQuotes/RawEscapes/SkipUnsetEnv/SkipProcessQuotes knobs.
 */
export type { Env, ProcessResult, ShellLexOptions } from './types.js';
export { ShellLex } from './lex.js';
