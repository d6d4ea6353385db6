/**
 * WWW-Authenticate parsing (RFC 7235): `Bearer realm="https://auth/token",service="reg",scope="..."`.
 * Registries send one challenge per header, but a header may legally list several.
 */

export interface Challenge {
  scheme: string; // lower-case: 'basic' | 'bearer' | ...
  params: Record<string, string>; // parameter names lower-cased
}

export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const headers = Array.isArray(header) ? header : [header];
  const out: Challenge[] = [];
  for (const h of headers) out.push(...parseOne(h));
  return out;
}

function parseOne(s: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const skipWs = () => { while (i < s.length && /[\s,]/.test(s[i]!)) i++; };
  const token = () => {
    const start = i;
    while (i < s.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipWs();
    const scheme = token();
    if (!scheme) { i++; continue; }
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    // params: name=value pairs until the next bare token (the next scheme)
    for (;;) {
      while (i < s.length && /[\s,]/.test(s[i]!)) i++;
      const save = i;
      const name = token();
      while (i < s.length && s[i] === ' ') i++;
      if (!name || s[i] !== '=') { i = save; break; }
      i++; // '='
      while (i < s.length && s[i] === ' ') i++;
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i++];
        }
        i++; // closing quote
      } else {
        value = token();
      }
      challenge.params[name.toLowerCase()] = value;
    }
  }
  return out;
}
