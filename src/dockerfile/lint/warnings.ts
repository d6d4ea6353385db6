/** Warnings the frontend reports, and the collector every stage of it reports into. */
import type { Location } from '../instructions/types.js';
import { rules, type RuleName } from './rules.js';

export interface Warning {
  rule: RuleName;
  message: string;
  url: string;
  location?: Location;
}

export class WarningCollector {
  readonly warnings: Warning[] = [];
  private readonly seen = new Set<string>();

  report(rule: RuleName, location: Location | undefined, ...args: string[]): void {
    const def = rules[rule];
    const message = (def.format as (...a: string[]) => string)(...args);
    // BuildKit may visit an instruction twice (ONBUILD, re-resolution); report once
    const key = `${rule}\0${location?.line ?? ''}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.warnings.push({ rule, message, url: def.url, location });
  }
}
