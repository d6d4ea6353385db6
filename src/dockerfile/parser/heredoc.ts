/**
 * Here-documents: which words of an instruction open one (`<<EOF`, `<<-EOF`, `3<<"EOF"`),
 * and whether the body expands variables (not when any part of the delimiter is quoted).
 */
import { ShellLex } from '../shell/index.js';
import type { Heredoc } from './types.js';

const HEREDOC = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;

/** The heredoc a single word opens, without content; undefined when it opens none. */
export function parseHeredoc(word: string): Heredoc | undefined {
  const m = HEREDOC.exec(word);
  if (!m) return undefined;
  const rest = m[3]!;
  if (rest === '') return undefined;
  const words = new ShellLex('\\', { skipUnsetEnv: true }).processWords(rest, {});
  if (words.length !== 1) return undefined;
  const raw = new ShellLex('\\', { skipUnsetEnv: true, rawQuotes: true }).processWords(rest, {});
  if (raw.length !== 1) throw new Error(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  // if the raw form has more quotes than the processed one, part of the word was quoted
  const name = words[0]!;
  return {
    name,
    fileDescriptor: m[1] ? Number.parseInt(m[1], 10) : 0,
    expand: countQuotes(name) === countQuotes(raw[0]!),
    chomp: m[2] === '-',
    content: '',
  };
}

/** Every heredoc opened on an instruction line, in order. */
export function heredocsFromLine(line: string): Heredoc[] {
  let words: string[];
  try {
    words = new ShellLex('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true }).processWords(line, {});
  } catch {
    return []; // BuildKit ignores lexing errors here: such a line opens no heredoc
  }
  const docs: Heredoc[] = [];
  for (const word of words) {
    const doc = parseHeredoc(word);
    if (doc) docs.push(doc);
  }
  return docs;
}

/** `<<-` bodies lose the leading tabs of every line. */
export function chompHeredocContent(content: string): string {
  return content.replace(/(^|\n)\t+/g, '$1');
}

function countQuotes(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === '"' || ch === "'") n++;
  return n;
}
