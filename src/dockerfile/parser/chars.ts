/** Character classes as Go defines them, so splitting matches BuildKit exactly. */

/** Go's `unicode.IsSpace`. */
export function isSpace(ch: string): boolean {
  switch (ch) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r': case '\u0085': case '\u00a0':
      return true;
  }
  return ch > '\u00ff' && /^\p{White_Space}$/u.test(ch);
}

/** Go's `strings.TrimLeftFunc(s, unicode.IsSpace)`. */
export function trimLeftSpace(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s[i]!)) i++;
  return s.slice(i);
}

/** Go's `strings.TrimSpace`. */
export function trimSpace(s: string): string {
  let j = s.length;
  while (j > 0 && isSpace(s[j - 1]!)) j--;
  return trimLeftSpace(s.slice(0, j));
}

/** BuildKit's `reWhitespace` (`[\t\v\f\r ]+`): note, no newline. */
export const reWhitespace = /[\t\v\f\r ]+/;

/** Go's `regexp.Split(s, n)` for n = -1 (all) or n = 2 (first match only). */
export function splitWhitespace(s: string, n: -1 | 2): string[] {
  if (n === 2) {
    const m = reWhitespace.exec(s);
    return m ? [s.slice(0, m.index), s.slice(m.index + m[0].length)] : [s];
  }
  return s.split(reWhitespace);
}
