import { DrydockError } from '../../util/errors.js';
import { envLookup } from './env.js';
import { LexFailure, goQuote } from './errors.js';
import { processWord, type ProcessOutput } from './processor.js';
import type { Env, ProcessResult, ShellLexOptions } from './types.js';

/**
 * Expands Dockerfile words the way BuildKit's shell.Lex does. A lexer is immutable and holds no
 * state between calls, so one instance can serve a whole build; `withOptions` derives variants
 * (the parser uses raw quotes to detect heredocs, for example).
 */
export class ShellLex {
  readonly escapeToken: '\\' | '`';
  readonly options: Readonly<ShellLexOptions>;

  constructor(escapeToken: '\\' | '`' = '\\', options: ShellLexOptions = {}) {
    this.escapeToken = escapeToken;
    this.options = Object.freeze({ ...options });
  }

  /** A lexer with the same escape token and these options changed. */
  withOptions(options: ShellLexOptions): ShellLex {
    return new ShellLex(this.escapeToken, { ...this.options, ...options });
  }

  /** One word: quotes removed, escapes handled, variables expanded; inner whitespace is kept. */
  processWord(word: string, env: Env): string {
    return this.run(word, env).result;
  }

  /**
   * The word split where Docker splits it after expansion: on unquoted, unescaped whitespace,
   * including whitespace that comes from an unquoted variable's value. Empty words are dropped.
   */
  processWords(word: string, env: Env): string[] {
    return this.run(word, env).words;
  }

  /** Like processWord, plus which variable names it referenced that were set / unset. */
  processWordWithMatches(word: string, env: Env): ProcessResult {
    const { result, matched, unmatched } = this.run(word, env);
    return { result, matched, unmatched };
  }

  private run(word: string, env: Env): ProcessOutput {
    try {
      return processWord(word, envLookup(env), this.escapeToken, this.options);
    } catch (e) {
      if (e instanceof LexFailure) {
        throw new DrydockError('EXPAND', `failed to process ${goQuote(word)}: ${e.message}`, { cause: e });
      }
      throw e;
    }
  }
}
