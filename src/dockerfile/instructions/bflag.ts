/**
 * Instruction flags (`COPY --from=x`, `RUN --mount=…`): declare what an instruction accepts,
 * then parse; unknown, duplicate and malformed flags are errors (BuildKit's `bflag.go`).
 */
import { withSuggestion } from '../util/suggest.js';

type FlagType = 'bool' | 'string' | 'strings';

export class Flag {
  value = '';
  values: string[] = [];
  used = false;
  constructor(readonly name: string, readonly type: FlagType) {}
  get isTrue(): boolean {
    return this.value === 'true';
  }
}

/** A plain Error; the instruction parser adds the location. */
export class FlagError extends Error {}

export class BFlags {
  private readonly flags = new Map<string, Flag>();
  constructor(private readonly args: readonly string[]) {}

  bool(name: string): Flag {
    const f = this.add(name, 'bool');
    f.value = 'false';
    return f;
  }

  string(name: string, def = ''): Flag {
    const f = this.add(name, 'string');
    f.value = def;
    return f;
  }

  strings(name: string): Flag {
    return this.add(name, 'strings');
  }

  /** Names of the flags that were given, in order of first use. */
  used(): string[] {
    return [...this.flags.values()].filter((f) => f.used).map((f) => f.name);
  }

  parse(): void {
    for (const a of this.args) {
      if (a === '--') return; // POSIX: end of options
      if (!a.startsWith('--')) throw new FlagError(`arg should start with -- : ${a}`);
      const eq = a.indexOf('=');
      const flagName = eq < 0 ? a : a.slice(0, eq);
      const hasValue = eq >= 0;
      const value = hasValue ? a.slice(eq + 1) : '';
      const flag = this.flags.get(flagName.slice(2));
      if (!flag) throw new FlagError(withSuggestion(`unknown flag: ${flagName}`, flagName.slice(2), [...this.flags.keys()], true));
      if (flag.used && flag.type !== 'strings') throw new FlagError(`duplicate flag specified: ${flagName}`);
      flag.used = true;
      switch (flag.type) {
        case 'bool':
          if (hasValue && value === '') throw new FlagError(`missing a value on flag: ${flagName}`);
          if (value === '' || value.toLowerCase() === 'true') flag.value = 'true';
          else if (value.toLowerCase() === 'false') flag.value = 'false';
          else throw new FlagError(`expecting boolean value for flag ${flagName}, not: ${value}`);
          break;
        case 'string':
          if (!hasValue) throw new FlagError(`missing a value on flag: ${flagName}`);
          flag.value = value;
          break;
        case 'strings':
          if (!hasValue) throw new FlagError(`missing a value on flag: ${flagName}`);
          flag.values.push(value);
          break;
      }
    }
  }

  private add(name: string, type: FlagType): Flag {
    const f = new Flag(name, type);
    this.flags.set(name, f);
    return f;
  }
}
