/**
 * Parser directives (`# syntax=`, `# escape=`, `# check=`): only in the comment lines at the
 * very top of the file; the first line that is not a directive ends them for good.
 */
import type { Directive, DirectiveName } from './types.js';

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
const KNOWN = new Set<string>(['syntax', 'escape', 'check']);

export class DirectiveParser {
  private done = false;
  private readonly seen = new Set<string>();

  /**
   * Feed one physical line (newline and leading space already trimmed). Returns the directive
   * it holds, if any; throws (plain Error, the caller adds the location) on a repeated one.
   */
  parseLine(line: string, lineNo: number): Directive | undefined {
    if (this.done) return undefined;
    if (!line.startsWith('#')) {
      this.done = true;
      return undefined;
    }
    const m = DIRECTIVE.exec(line.slice(1).replace(/^[\t\n\v\f\r \u0085\u00a0]+/, ''));
    const name = m?.[1]?.toLowerCase();
    if (!m || !name || !KNOWN.has(name)) {
      this.done = true;
      return undefined;
    }
    if (this.seen.has(name)) throw new Error(`only one ${name} parser directive can be used`);
    this.seen.add(name);
    return { name: name as DirectiveName, value: m[2]!, line: lineNo };
  }
}
