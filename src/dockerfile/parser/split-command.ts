/**
 * Splits an instruction line into keyword, `--flags` and the rest (BuildKit's
 * `splitCommand`/`extractBuilderFlags`): flags are the leading words starting with `--`,
 * quotes and escapes inside them are removed; a bare `--` ends the flags.
 */
import { isSpace, splitWhitespace, trimSpace } from './chars.js';

export interface SplitCommand {
  cmd: string;
  flags: string[];
  rest: string;
}

export function splitCommand(line: string, escapeToken: string): SplitCommand {
  const parts = splitWhitespace(trimSpace(line), 2);
  let rest = '';
  let flags: string[] = [];
  if (parts.length === 2) ({ rest, flags } = extractBuilderFlags(parts[1]!, escapeToken));
  return { cmd: parts[0]!, flags, rest: trimSpace(rest) };
}

function extractBuilderFlags(line: string, esc: string): { rest: string; flags: string[] } {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOK = false;
  for (let pos = 0; pos <= line.length; pos++) {
    const ch = pos < line.length ? line[pos]! : '';
    if (phase === 'spaces') {
      if (pos === line.length) break;
      if (isSpace(ch)) continue;
      // only words starting with "--" are flags
      if (ch !== '-' || pos + 1 === line.length || line[pos + 1] !== '-') return { rest: line.slice(pos), flags: words };
      phase = 'word';
    }
    if (pos === line.length) {
      if (word !== '--' && (blankOK || word.length > 0)) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (word === '--') return { rest: line.slice(pos), flags: words };
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
        continue;
      }
      if (ch === esc) {
        if (pos + 1 === line.length) continue; // skip a trailing escape
        pos++;
      }
      word += line[pos];
      continue;
    }
    // in quote
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === esc) {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue;
      }
      pos++;
    }
    word += line[pos];
  }
  return { rest: '', flags: words };
}
