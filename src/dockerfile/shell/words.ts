import { isSpace } from './scanner.js';

/**
 * The text of the word being built. BuildKit shares ONE such buffer between a word and the
 * `${...}` words nested in it, and each nested word starts by clearing it; so in
 * `a${X:-b}c` the `a` is lost from the split words (`bc`). Docker's EXPOSE and heredoc
 * detection see that, so drydock keeps it.
 */
export interface WordBuffer {
  text: string;
}

/** Splits expanded text into words: unquoted whitespace separates, quoted or escaped text does not. */
export class WordCollector {
  private readonly words: string[] = [];
  private inWord = false;

  constructor(private readonly buf: WordBuffer) {}

  /** An unquoted character: whitespace ends the current word. */
  addChar(ch: string): void {
    if (!isSpace(ch)) {
      this.addRawChar(ch);
    } else if (this.inWord && this.buf.text !== '') {
      this.words.push(this.buf.text);
      this.buf.text = '';
      this.inWord = false;
    }
  }

  /** A character that is part of the word whatever it is (escaped). */
  addRawChar(ch: string): void {
    this.buf.text += ch;
    this.inWord = true;
  }

  /** Unquoted text, such as a variable's value: split on its whitespace. */
  addString(text: string): void {
    for (const ch of text) this.addChar(ch);
  }

  /** Quoted text: joins the current word as it is. */
  addRawString(text: string): void {
    this.buf.text += text;
    this.inWord = true;
  }

  finish(): string[] {
    if (this.buf.text !== '') {
      this.words.push(this.buf.text);
      this.buf.text = '';
      this.inWord = false;
    }
    return this.words;
  }
}
