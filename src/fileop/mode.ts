/**
 * COPY/ADD --chmod: an octal mode (0 to 07777) or a chmod(1) symbolic mode (`u+x,g-w`, `a=rX`,
 * `go=u`), applied to every copied file and directory as BuildKit does (umask 0).
 */
import { DrydockError } from '../util/errors.js';

export type Chmod =
  | { kind: 'octal'; mode: number }
  | { kind: 'symbolic'; text: string; apply(mode: number, isDir: boolean): number };

interface Clause {
  who: number; // 0 means "all" (no who letters)
  ops: Array<{ op: '+' | '-' | '='; perm: number; x: boolean; copy?: 'u' | 'g' | 'o' }>;
}

const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o0007, a: 0o6777 };

export function parseChmod(text: string): Chmod {
  const invalid = () =>
    new DrydockError('USAGE', `invalid chmod parameter: '${text}'. it should be octal string and between 0 and 07777`);
  if (/^[0-9]/.test(text)) {
    if (!/^[0-7]+$/.test(text)) throw invalid();
    const mode = parseInt(text, 8);
    if (mode > 0o7777) throw invalid();
    return { kind: 'octal', mode };
  }
  const clauses = parseSymbolic(text);
  return { kind: 'symbolic', text, apply: (mode, isDir) => applySymbolic(clauses, mode, isDir) };
}

function parseSymbolic(text: string): Clause[] {
  const syntax = () => new DrydockError('USAGE', `invalid chmod parameter: '${text}': invalid syntax`);
  if (text === '') throw syntax();
  const clauses: Clause[] = [];
  for (const part of text.split(',')) {
    let i = 0;
    let who = 0;
    while (i < part.length && 'ugoa'.includes(part[i]!)) who |= WHO[part[i++]!]!;
    if (i >= part.length) throw syntax();
    const clause: Clause = { who, ops: [] };
    while (i < part.length) {
      const op = part[i++];
      if (op !== '+' && op !== '-' && op !== '=') throw syntax();
      const entry: Clause['ops'][number] = { op, perm: 0, x: false };
      if (i < part.length && 'ugo'.includes(part[i]!)) {
        entry.copy = part[i++] as 'u' | 'g' | 'o';
      } else {
        while (i < part.length && 'rwxXst'.includes(part[i]!)) {
          const c = part[i++]!;
          if (c === 'r') entry.perm |= 0o444;
          else if (c === 'w') entry.perm |= 0o222;
          else if (c === 'x') entry.perm |= 0o111;
          else if (c === 'X') entry.x = true;
          else if (c === 's') entry.perm |= 0o6000;
          else if (c === 't') entry.perm |= 0o1000;
        }
      }
      clause.ops.push(entry);
    }
    clauses.push(clause);
  }
  return clauses;
}

function applySymbolic(clauses: Clause[], mode: number, isDir: boolean): number {
  const orig = mode & 0o7777;
  let m = orig;
  for (const { who, ops } of clauses) {
    const mask = who === 0 ? 0o7777 : who | (who & 0o4700 || who & 0o2070 ? 0o1000 : 0);
    for (const { op, perm, x, copy } of ops) {
      let bits = perm;
      if (x && (isDir || (orig & 0o111) !== 0)) bits |= 0o111;
      if (copy) {
        const shift = copy === 'u' ? 6 : copy === 'g' ? 3 : 0;
        const v = (m >> shift) & 7;
        bits = (v << 6) | (v << 3) | v;
      }
      // set-id bits only reach the classes named; sticky only with u/g/a or no who
      bits &= mask;
      if (op === '+') m |= bits;
      else if (op === '-') m &= ~bits;
      else m = (m & ~(who === 0 ? 0o6777 : who)) | bits;
    }
  }
  return m;
}

/** The mode a copied entry ends with, given its source mode (permission bits plus setuid/setgid/sticky). */
export function applyChmod(chmod: Chmod | undefined, srcMode: number, isDir: boolean): number {
  if (!chmod) return srcMode & 0o7777;
  if (chmod.kind === 'octal') return chmod.mode;
  return chmod.apply(srcMode & 0o7777, isDir);
}
