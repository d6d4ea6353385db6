import { LexFailure } from './errors.js';
import { isDigit, isLetter } from './scanner.js';

/**
 * Shell patterns of `${VAR#pat}`, `${VAR%pat}` and `${VAR/pat/repl}`, as BuildKit reads them:
 * `*` is any run of characters, `?` one character, `\*` `\?` `\\` are literal, `\}` and `\/`
 * are the delimiter itself; bracket expressions are NOT supported (`[` is literal). Matching
 * follows Go's regexp: `.` never matches a newline, replace-all skips an empty match right
 * after a match, and replace-all expands `$0`/`${0}`/`$$` in the replacement.
 */

/** Compile a shell pattern; `greedy` picks the longest match for `*`, `anchored` matches at start only. */
export function shellPatternToRegExp(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const runes = Array.from(pattern);
  let out = anchored ? '^' : '';
  const star = greedy ? '[^\\n]*' : '[^\\n]*?';
  for (let i = 0; i < runes.length; i++) {
    const ch = runes[i]!;
    if (ch === '*') {
      out += star;
    } else if (ch === '?') {
      out += '[^\\n]';
    } else if (ch === '\\') {
      const escaped = runes[i + 1];
      if (escaped === '}' || escaped === '/') continue; // only escaped to not end the ${}
      if (escaped === undefined) throw new LexFailure("invalid escape '\\' at end of pattern");
      if (escaped !== '*' && escaped !== '?' && escaped !== '\\') throw new LexFailure(`invalid escape '\\${escaped}'`);
      out += '\\' + escaped;
      i++;
    } else if ('[]{}.+()|^$'.includes(ch)) {
      out += '\\' + ch;
    } else {
      out += ch;
    }
  }
  return new RegExp(out, anchored ? 'u' : 'gu');
}

function compile(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  try {
    return shellPatternToRegExp(pattern, greedy, anchored);
  } catch (e) {
    if (e instanceof LexFailure) throw new LexFailure(`invalid pattern (${pattern}) in substitution: ${e.message}`);
    throw e;
  }
}

/** `${VAR#pat}` (shortest) and `${VAR##pat}` (greedy). */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const match = compile(pattern, greedy, true).exec(value);
  return match ? value.slice(match[0].length) : value;
}

/**
 * `${VAR%pat}` and `${VAR%%pat}`. A regexp cannot find the shortest rightmost match, so both the
 * value and the pattern are reversed and the prefix is trimmed instead.
 */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverse(trimPrefix(reversePattern(pattern), reverse(value), greedy));
}

const reverse = (text: string): string => Array.from(text).reverse().join('');

/** Reverse a pattern keeping each `\x` escape in front of its character. */
export function reversePattern(pattern: string): string {
  const runes = Array.from(pattern);
  const tokens: string[] = [];
  for (let i = 0; i < runes.length; i++) {
    if (runes[i] === '\\' && i < runes.length - 1) tokens.push(runes[i]! + runes[++i]!);
    else tokens.push(runes[i]!);
  }
  return tokens.reverse().join('');
}

/** `${VAR/pat/repl}`: the first (longest) match is replaced by `replacement` as written. */
export function replaceFirst(value: string, pattern: string, replacement: string): string {
  const re = compile(pattern, true, false);
  re.lastIndex = 0;
  const match = re.exec(value);
  if (!match) return value;
  return value.slice(0, match.index) + replacement + value.slice(match.index + match[0].length);
}

/** `${VAR//pat/repl}`, with Go's ReplaceAllString rules for empty matches and `$` templates. */
export function replaceAll(value: string, pattern: string, replacement: string): string {
  const re = compile(pattern, true, false);
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= value.length) {
    re.lastIndex = searchPos;
    const match = re.exec(value);
    if (!match) break;
    const start = match.index;
    const end = start + match[0].length;
    out += value.slice(lastEnd, start);
    if (end > lastEnd || start === 0) out += expandTemplate(replacement, match[0]);
    lastEnd = end;
    // Always advance by at least one code point.
    const width = searchPos < value.length ? (value.codePointAt(searchPos)! > 0xffff ? 2 : 1) : 1;
    searchPos = searchPos + width > end ? searchPos + width : end;
  }
  return out + value.slice(lastEnd);
}

/**
 * Go's Regexp.Expand for a pattern without groups: `$$` is `$`, `$0`/`${0}` the match, any
 * other well-formed `$name`/`${name}` is empty, and a malformed one is literal text.
 */
export function expandTemplate(template: string, match: string): string {
  let out = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar < 0) return out + rest;
    out += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = templateRef(rest);
    if (!ref) {
      out += '$';
      continue;
    }
    rest = rest.slice(ref.length);
    if (ref.group === 0) out += match;
  }
}

/** A `name` or `{name}` at the start of `text`: its length and group number (-1 if not a number). */
function templateRef(text: string): { length: number; group: number } | undefined {
  const brace = text.startsWith('{');
  const runes = Array.from(brace ? text.slice(1) : text);
  let name = '';
  for (const ch of runes) {
    if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
    name += ch;
  }
  if (name === '') return undefined;
  let length = name.length;
  if (brace) {
    if (text[1 + name.length] !== '}') return undefined;
    length += 2;
  }
  const isNumber = /^[0-9]+$/.test(name) && !(name.length > 1 && name.startsWith('0'));
  return { length, group: isNumber && name.length < 10 ? Number(name) : -1 };
}
