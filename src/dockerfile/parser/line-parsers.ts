/**
 * Per-instruction argument parsers (BuildKit's `line_parsers.go`): each turns the text after
 * the keyword and flags into the node's argument list. Quotes are kept here; word expansion
 * removes them later, per instruction.
 */
import { goQuote } from '../util/goformat.js';
import { isSpace, splitWhitespace, trimLeftSpace } from './chars.js';

export interface LineParse {
  args: string[];
  json: boolean;
}

export type LineParser = (rest: string, escapeToken: string) => LineParse;

/** A user error from a line parser; the parser adds the location. */
export class LineParseError extends Error {}

const none: LineParse = { args: [], json: false };

/** Space-separated words, quotes and escapes kept (used by ARG, ENV and LABEL). */
export function parseWords(rest: string, esc: string): string[] {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOK = false;
  let word = '';
  const chars = Array.from(rest);
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = pos < chars.length ? chars[pos]! : '';
    if (phase === 'spaces') {
      if (pos === chars.length) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (pos === chars.length) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOK || word.length > 0) words.push(word);
        word = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
      }
      if (ch === esc) {
        if (pos + 1 === chars.length) continue; // skip an escape token at end of line
        // outside quotes an escape keeps itself and the next char, even a quote
        word += ch;
        pos++;
        ch = chars[pos]!;
      }
      word += ch;
      continue;
    }
    // in quote
    if (ch === quote) phase = 'word';
    // the escape token is special except inside single quotes
    if (ch === esc && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      pos++;
      word += ch;
      ch = chars[pos]!;
    }
    word += ch;
  }
  return words;
}

/** ENV and LABEL: `K V` (legacy) or `K=V K2=V2 …`, as key/value/separator triples. */
function parseNameVal(keyword: string): LineParser {
  return (rest, esc) => {
    const words = parseWords(rest, esc);
    if (words.length === 0) return none;
    if (!words[0]!.includes('=')) {
      const parts = splitWhitespace(rest, 2);
      if (parts.length < 2) throw new LineParseError(`${keyword} must have two arguments`);
      return { args: [parts[0]!, parts[1]!, ''], json: false };
    }
    const args: string[] = [];
    for (const word of words) {
      const eq = word.indexOf('=');
      if (eq < 0) throw new LineParseError(`Syntax error - can't find = in ${goQuote(word)}. Must be of the form: name=value`);
      args.push(word.slice(0, eq), word.slice(eq + 1), '=');
    }
    return { args, json: false };
  };
}

const parseNameOrNameVal: LineParser = (rest, esc) => ({ args: parseWords(rest, esc), json: false });

const parseStringsWhitespaceDelimited: LineParser = (rest) =>
  rest === '' ? none : { args: splitWhitespace(rest, -1), json: false };

const parseString: LineParser = (rest) => (rest === '' ? none : { args: [rest], json: false });

/** A JSON array of strings, or undefined when `rest` is not valid JSON (shell form then). */
function parseJSON(rest: string): LineParse | undefined {
  rest = trimLeftSpace(rest);
  if (!rest.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(rest);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v) => typeof v === 'string')) {
    throw new LineParseError('when using JSON array syntax, arrays must be comprised of strings only');
  }
  return { args: value as string[], json: true };
}

/** RUN, CMD, ENTRYPOINT, SHELL: exec form, or the whole text as one shell-form string. */
const parseMaybeJSON: LineParser = (rest) => {
  if (rest === '') return none;
  return parseJSON(rest) ?? { args: [rest], json: false };
};

/** ADD, COPY, VOLUME: exec form, or whitespace-separated words. */
const parseMaybeJSONToList: LineParser = (rest, esc) => parseJSON(rest) ?? parseStringsWhitespaceDelimited(rest, esc);

/** HEALTHCHECK: a type word (`CMD`, `NONE`) then a RUN-like command. */
const parseHealthConfig: LineParser = (rest, esc) => {
  let sep = 0;
  while (sep < rest.length && !isSpace(rest[sep]!)) sep++;
  let next = sep;
  while (next < rest.length && isSpace(rest[next]!)) next++;
  if (sep === 0) return none;
  const cmd = parseMaybeJSON(rest.slice(next), esc);
  return { args: [rest.slice(0, sep), ...cmd.args], json: cmd.json };
};

/** Unknown instructions keep one empty argument, like BuildKit (the error comes later). */
const parseIgnore: LineParser = () => ({ args: [''], json: false });

const lineParsers: Record<string, LineParser> = {
  add: parseMaybeJSONToList,
  arg: parseNameOrNameVal,
  cmd: parseMaybeJSON,
  copy: parseMaybeJSONToList,
  entrypoint: parseMaybeJSON,
  env: parseNameVal('ENV'),
  expose: parseStringsWhitespaceDelimited,
  from: parseStringsWhitespaceDelimited,
  healthcheck: parseHealthConfig,
  label: parseNameVal('LABEL'),
  maintainer: parseString,
  run: parseMaybeJSON,
  shell: parseMaybeJSON,
  stopsignal: parseString,
  user: parseString,
  volume: parseMaybeJSONToList,
  workdir: parseString,
};

/** The line parser for a keyword (ONBUILD is handled by the caller). */
export function lineParserFor(keyword: string): LineParser {
  return lineParsers[keyword.toLowerCase()] ?? parseIgnore;
}
