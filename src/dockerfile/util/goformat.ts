/**
 * Go's text formatting, as BuildKit uses it in image history and the parser dump:
 * `strconv.Quote`, `%q` / `%v` of a string slice, and `time.Duration.String()`.
 * History strings must match BuildKit byte for byte, so these follow Go exactly.
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's `strconv.Quote`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    // ASCII ' '..'~' is all letters, digits, punctuation and symbols: no need to compile PRINTABLE
    // (a Unicode-property regexp, ~5-10 ms on its first use, in every no-op rebuild's history).
    if ((cp >= 0x20 && cp < 0x7f) || PRINTABLE.test(ch)) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'; // lone surrogate: Go sees invalid UTF-8
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** Go's `fmt.Sprintf("%q", []string{...})`: `["a" "b"]`. */
export function goQuoteSlice(items: readonly string[]): string {
  return '[' + items.map(goQuote).join(' ') + ']';
}

/** Go's `fmt.Sprintf("%v", []string{...})`: `[a b]`. */
export function goSlice(items: readonly string[]): string {
  return '[' + items.join(' ') + ']';
}

/** Go's `time.Duration(ns).String()`: `0s`, `1.5s`, `5m0s`, `1h0m0s`, `500ms`, `2µs`. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  const u = BigInt(Math.abs(Math.round(ns)));
  let out: string;
  if (u < 1_000_000_000n) {
    // sub-second: pick the largest unit that keeps an integer part
    let unit: string;
    let prec: number;
    if (u < 1000n) return (neg ? '-' : '') + u.toString() + 'ns';
    else if (u < 1_000_000n) { unit = 'µs'; prec = 3; }
    else { unit = 'ms'; prec = 6; }
    out = fmtFrac(u, prec) + unit;
  } else {
    const secs = u / 1_000_000_000n;
    const frac = u % 1_000_000_000n;
    let s = fmtFrac(frac + (secs % 60n) * 1_000_000_000n, 9) + 's';
    const mins = secs / 60n;
    if (mins > 0n) {
      s = (mins % 60n).toString() + 'm' + s;
      const hours = mins / 60n;
      if (hours > 0n) s = hours.toString() + 'h' + s;
    }
    out = s;
  }
  return (neg ? '-' : '') + out;
}

/** `v / 10^prec` printed with trailing zeros of the fraction dropped. */
function fmtFrac(v: bigint, prec: number): string {
  const div = 10n ** BigInt(prec);
  const int = v / div;
  let frac = (v % div).toString().padStart(prec, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int.toString();
}
