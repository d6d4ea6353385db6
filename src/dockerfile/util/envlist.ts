/**
 * An ordered environment (BuildKit's `llb.EnvList`): setting a key moves it to the end, so
 * `toArray()` lists keys in the order they were last set, like the env BuildKit passes to RUN.
 */
export class EnvList {
  private readonly map: Map<string, string>;

  constructor(entries?: Iterable<readonly [string, string]>) {
    this.map = new Map();
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  /** From Docker's `K=V` list (a bare `K` means an empty value). */
  static fromArray(env: readonly string[]): EnvList {
    return new EnvList(env.map((e) => splitKeyValue(e)));
  }

  static fromRecord(rec: Readonly<Record<string, string>>): EnvList {
    return new EnvList(Object.entries(rec));
  }

  set(key: string, value: string): this {
    this.map.delete(key);
    this.map.set(key, value);
    return this;
  }

  delete(key: string): this {
    this.map.delete(key);
    return this;
  }

  get(key: string): string | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  clone(): EnvList {
    return new EnvList(this.map);
  }

  /** For the shell lexer, which accepts a ReadonlyMap. */
  asMap(): ReadonlyMap<string, string> {
    return this.map;
  }

  toArray(): string[] {
    return [...this.map].map(([k, v]) => `${k}=${v}`);
  }

  toRecord(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
}

export function splitKeyValue(env: string): [string, string] {
  const eq = env.indexOf('=');
  return eq < 0 ? [env, ''] : [env.slice(0, eq), env.slice(eq + 1)];
}
