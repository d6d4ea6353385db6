/**
 * Code-point cursor over one word, with the character classes the lexer needs. It mirrors Go's
 * text/scanner as BuildKit uses it (Peek/Next by rune, a leading BOM skipped), so that
 * multi-byte characters and classes such as "letter" behave the same as in Docker.
 */

/** What peek()/next() return at the end of input (no real code point is the empty string). */
export const EOF = '';

export class RuneScanner {
  private readonly runes: string[];
  private pos = 0;

  constructor(text: string) {
    this.runes = Array.from(text);
    if (this.runes[0] === '\uFEFF') this.pos = 1;
  }

  peek(): string {
    return this.runes[this.pos] ?? EOF;
  }

  next(): string {
    const ch = this.peek();
    if (ch !== EOF) this.pos++;
    return ch;
  }
}

// Go's unicode.IsSpace, IsLetter and IsDigit are exactly these Unicode properties.
const SPACE = /^\p{White_Space}$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;

export const isSpace = (ch: string): boolean => SPACE.test(ch);
export const isLetter = (ch: string): boolean => LETTER.test(ch);
export const isDigit = (ch: string): boolean => DIGIT.test(ch);

/** POSIX special parameters (`$@`, `$?`...): a one-character name that is never set. */
export const isSpecialParam = (ch: string): boolean => '@*#?-$!0'.includes(ch) && ch !== EOF;

/** Blanks allowed between `<<` and a heredoc word. */
export const isHeredocBlank = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r';
