import { LexFailure } from './errors.js';
import type { EnvLookup } from './env.js';
import { replaceAll, replaceFirst, trimPrefix, trimSuffix } from './glob.js';
import { EOF, RuneScanner, isDigit, isHeredocBlank, isLetter, isSpecialParam } from './scanner.js';
import type { ShellLexOptions } from './types.js';
import { WordCollector, type WordBuffer } from './words.js';

export interface ProcessOutput {
  result: string;
  words: string[];
  matched: Set<string>;
  unmatched: Set<string>;
}

/** Expand one Dockerfile word. Throws LexFailure with BuildKit's message on bad input. */
export function processWord(
  source: string, lookup: EnvLookup, escapeToken: string, options: Readonly<ShellLexOptions>,
): ProcessOutput {
  const p = new WordProcessor(source, lookup, escapeToken, options);
  const { result, words } = p.processStopOn(EOF, options.rawEscapes ?? false);
  return { result, words, matched: p.matched, unmatched: p.unmatched };
}

type Part = { result: string; words: string[] };

/** The state of one expansion: a cursor over the word and the variables it looked up. */
class WordProcessor {
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  private readonly scanner: RuneScanner;
  private readonly buffer: WordBuffer = { text: '' };
  private rawEscapes: boolean;

  constructor(
    source: string,
    private readonly lookup: EnvLookup,
    private readonly escapeToken: string,
    private readonly options: Readonly<ShellLexOptions>,
  ) {
    this.scanner = new RuneScanner(source);
    this.rawEscapes = options.rawEscapes ?? false;
  }

  /** Read up to `stopChar` (consumed) or the end of input when stopChar is EOF. */
  processStopOn(stopChar: string, rawEscapes: boolean): Part {
    const sc = this.scanner;
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    this.buffer.text = '';
    const words = new WordCollector(this.buffer);
    let result = '';
    try {
      while (sc.peek() !== EOF) {
        let ch = sc.peek();
        if (stopChar !== EOF && ch === stopChar) {
          sc.next();
          return { result, words: words.finish() };
        }
        const special = this.specialHandler(ch);
        if (special) {
          const text = special();
          result += text;
          // Only a variable's value is split on its whitespace; quoted text stays one piece.
          if (ch === '$') words.addString(text);
          else words.addRawString(text);
          continue;
        }
        ch = sc.next();
        if (ch === this.escapeToken) {
          if (this.rawEscapes) {
            words.addRawChar(ch);
            result += ch;
          }
          ch = sc.next();
          if (ch === EOF) break; // a trailing escape is dropped
          words.addRawChar(ch);
        } else {
          words.addChar(ch);
        }
        result += ch;
      }
      if (stopChar !== EOF) throw new LexFailure(`unexpected end of statement while looking for matching ${stopChar}`);
      return { result, words: words.finish() };
    } finally {
      this.rawEscapes = saved;
    }
  }

  private specialHandler(ch: string): (() => string) | undefined {
    if (ch === '$') return () => this.processDollar();
    if (ch === '<') return () => this.processPossibleHeredoc();
    if (this.options.skipProcessQuotes) return undefined;
    if (ch === "'") return () => this.processSingleQuote();
    if (ch === '"') return () => this.processDoubleQuote();
    return undefined;
  }

  /** Everything up to the next `'` is literal; a single quote cannot be escaped inside. */
  private processSingleQuote(): string {
    const sc = this.scanner;
    const raw = this.options.rawQuotes ?? false;
    let result = raw ? sc.next() : (sc.next(), '');
    for (;;) {
      const ch = sc.next();
      if (ch === EOF) throw new LexFailure('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return raw ? result + ch : result;
      result += ch;
    }
  }

  /** Literal except `$` expansions; the escape token only escapes `"`, `$` and itself. */
  private processDoubleQuote(): string {
    const sc = this.scanner;
    const raw = this.options.rawQuotes ?? false;
    let result = raw ? sc.next() : (sc.next(), '');
    for (;;) {
      const peek = sc.peek();
      if (peek === EOF) throw new LexFailure('unexpected end of statement while looking for matching double-quote');
      if (peek === '"') {
        sc.next();
        return raw ? result + peek : result;
      }
      if (peek === '$') {
        result += this.processDollar();
        continue;
      }
      let ch = sc.next();
      if (ch === this.escapeToken) {
        if (this.rawEscapes) result += ch;
        const escaped = sc.peek();
        if (escaped === EOF) continue;
        if (escaped === '"' || escaped === '$' || escaped === this.escapeToken) ch = sc.next();
      }
      result += ch;
    }
  }

  private processDollar(): string {
    const sc = this.scanner;
    sc.next(); // '$'
    if (sc.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.getEnv(name);
      if (value === undefined && this.options.skipUnsetEnv) return '$' + name;
      return value ?? '';
    }
    sc.next(); // '{'
    const first = sc.peek();
    if (first === EOF) throw new LexFailure("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexFailure('syntax error: bad substitution');

    const name = this.processName();
    const op = sc.next();
    switch (op) {
      case '}': {
        const value = this.getEnv(name);
        if (value === undefined && this.options.skipUnsetEnv) return `\${${name}}`;
        return value ?? '';
      }
      case ':': {
        // `:` makes an empty value count as unset; only -, +, ? accept it (checked below).
        const modifier = sc.next();
        return this.processModifier(name, modifier, ':' + modifier, true);
      }
      case '+': case '-': case '?': case '#': case '%':
        return this.processModifier(name, op, op, false);
      case '/':
        return this.processSubstitution(name);
      case EOF:
        throw new LexFailure("syntax error: missing '}'");
      default:
        throw new LexFailure(`unsupported modifier (${op}) in substitution`);
    }
  }

  /** `${name<op>word}` for the operators - + ? # % (and `:`-prefixed forms). */
  private processModifier(name: string, op: string, written: string, nullIsUnset: boolean): string {
    const isTrim = op === '#' || op === '%';
    if (nullIsUnset && isTrim) throw new LexFailure(`unsupported modifier (${written}) in substitution`);
    // Patterns keep their escapes: the glob converter needs to see `\*`.
    let word = this.untilClosing('}', isTrim, "syntax error: missing '}'");

    const value = this.getEnv(name);
    if (value === undefined && this.options.skipUnsetEnv) return `\${${name}${written}${word}}`;
    const unset = value === undefined || (nullIsUnset && value === '');
    switch (op) {
      case '-':
        return unset ? word : value!;
      case '+':
        return unset ? '' : word;
      case '?':
        if (value === undefined) throw new LexFailure(`${name}: ${word || 'is not allowed to be unset'}`);
        if (unset) throw new LexFailure(`${name}: ${word || 'is not allowed to be empty'}`);
        return value;
      case '#':
      case '%': {
        // `##`/`%%` remove the longest match, `#`/`%` the shortest.
        const greedy = word.startsWith(op);
        if (greedy) word = word.slice(1);
        return op === '%' ? trimSuffix(word, value ?? '', greedy) : trimPrefix(word, value ?? '', greedy);
      }
      default:
        throw new LexFailure(`unsupported modifier (${written}) in substitution`);
    }
  }

  /** `${name/pattern/replacement}` (first match) and `${name//pattern/replacement}` (all). */
  private processSubstitution(name: string): string {
    const all = this.scanner.peek() === '/';
    if (all) this.scanner.next();
    const pattern = this.untilClosing('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.untilClosing('}', true, "syntax error: missing '}'");

    const value = this.getEnv(name);
    if (value === undefined && this.options.skipUnsetEnv) return `\${${name}/${pattern}/${replacement}}`;
    return all ? replaceAll(value ?? '', pattern, replacement) : replaceFirst(value ?? '', pattern, replacement);
  }

  /** The nested word up to `stop`; running out of input is reported as `missing`. */
  private untilClosing(stop: string, rawEscapes: boolean, missing: string): string {
    try {
      return this.processStopOn(stop, rawEscapes).result;
    } catch (e) {
      if (e instanceof LexFailure && this.scanner.peek() === EOF) throw new LexFailure(missing);
      throw e;
    }
  }

  /** A variable name; positional (`$1`, `$123`) and special (`$@`, `$?`...) names are read whole. */
  private processName(): string {
    const sc = this.scanner;
    let name = '';
    while (sc.peek() !== EOF) {
      const ch = sc.peek();
      if (name === '' && isDigit(ch)) {
        while (isDigit(sc.peek())) name += sc.next();
        return name;
      }
      if (name === '' && isSpecialParam(ch)) return sc.next();
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      name += sc.next();
    }
    return name;
  }

  /** `<<` plus the blanks after it stay glued to the heredoc word that follows. */
  private processPossibleHeredoc(): string {
    const sc = this.scanner;
    sc.next(); // '<'
    if (sc.peek() !== '<') return '<';
    sc.next();
    let blanks = '';
    while (isHeredocBlank(sc.peek())) blanks += sc.next();
    return '<<' + blanks;
  }

  private getEnv(name: string): string | undefined {
    const value = this.lookup(name);
    (value === undefined ? this.unmatched : this.matched).add(name);
    return value;
  }
}
