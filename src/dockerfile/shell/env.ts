import type { Env } from './types.js';

/** Name → value, or undefined when the variable is unset (set-but-empty is ''). */
export type EnvLookup = (name: string) => string | undefined;

/** One lookup for every accepted Env shape; a `K=V` list lets the last K win, a bare `K` sets ''. */
export function envLookup(env: Env): EnvLookup {
  if (env instanceof Map) return (name) => env.get(name);
  if (Array.isArray(env)) {
    const map = new Map<string, string>();
    for (const entry of env as readonly string[]) {
      const eq = entry.indexOf('=');
      if (eq < 0) map.set(entry, '');
      else map.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
    return (name) => map.get(name);
  }
  const record = env as Readonly<Record<string, string>>;
  return (name) => (Object.hasOwn(record, name) ? record[name] : undefined);
}
