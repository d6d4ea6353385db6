import { DrydockError } from '../../util/errors.js';
import type { Env, ProcessResult, ShellLexOptions } from './types.js';

export class ShellLex {
  readonly escapeToken: '\\' | '`';
  readonly options: Readonly<ShellLexOptions>;

  constructor(escapeToken: '\\' | '`' = '\\', options: ShellLexOptions = {}) {
    this.escapeToken = escapeToken;
    this.options = { ...options };
  }

  processWord(word: string, env: Env): string {
    return this.processWordWithMatches(word, env).result;
  }

  processWords(_word: string, _env: Env): string[] {
    throw new DrydockError('INTERNAL', 'shell lexer: processWords not implemented yet');
  }

  processWordWithMatches(_word: string, _env: Env): ProcessResult {
    throw new DrydockError('INTERNAL', 'shell lexer: processWordWithMatches not implemented yet');
  }
}
