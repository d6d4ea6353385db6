/**
 * How findings are shown: `drydock lint` text (one `file:line: severity: Rule: message` line
 * each, compiler style), JSON, and `build --check` output shaped like `docker build --check`
 * (count line, then each warning with a source excerpt).
 */
import type { Finding, LintResult } from './types.js';

export interface JsonReport {
  findings: Array<Pick<Finding, 'rule' | 'severity' | 'message' | 'file' | 'line' | 'url'>>;
  error?: { message: string; file: string; line: number };
}

export function toJson(result: LintResult): JsonReport {
  return {
    findings: result.findings.map(({ rule, severity, message, file, line, url }) => ({ rule, severity, message, file, line, url })),
    ...(result.error ? { error: result.error } : {}),
  };
}

export function formatJson(result: LintResult): string {
  return `${JSON.stringify(toJson(result), null, 2)}\n`;
}

export function formatText(result: LintResult): string {
  let out = '';
  for (const f of result.findings) {
    const where = f.line > 0 ? `${f.file}:${f.line}` : f.file;
    out += `${where}: ${f.severity}: ${f.rule}: ${f.message} (${f.url})\n`;
  }
  if (result.error) {
    const where = result.error.line > 0 ? `${result.error.file}:${result.error.line}` : result.error.file;
    out += `${where}: error: ${result.error.message}\n`;
  }
  out += `${summary(result)}\n`;
  return out;
}

function summary(result: LintResult): string {
  const n = result.findings.length;
  if (n === 0) return result.error ? 'check failed' : 'no findings';
  const counts = new Map<string, number>();
  for (const f of result.findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const parts = (['error', 'warning', 'info'] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s === 'info' ? 'info' : plural(counts.get(s)!, s)}`);
  const head = `${n} ${plural(n, 'finding')}: ${parts.join(', ')}`;
  return result.failed && !result.error ? `${head}; lint violation found for rules: ${violatedRules(result).join(', ')}` : head;
}

/** BuildKit's "lint violation found for rules: A, B" list: rules whose findings fail. */
export function violatedRules(result: LintResult): string[] {
  return [...new Set(result.findings.filter((f) => f.severity === 'error').map((f) => f.rule))].sort();
}

/**
 * `docker build --check` output: BuildKit's warnings (and drydock's advice after them, marked
 * INFO), each with the lines it is about.
 */
export function formatCheck(result: LintResult): string {
  const warnings = result.findings.filter((f) => f.severity !== 'info');
  const infos = result.findings.filter((f) => f.severity === 'info');
  let out = '';
  if (warnings.length > 0) {
    out += `Check complete, ${warnings.length === 1 ? '1 warning has' : `${warnings.length} warnings have`} been found!\n`;
  }
  const lines = result.text.split('\n');
  for (const f of [...warnings, ...infos]) {
    out += `\n${f.severity === 'info' ? 'INFO' : 'WARNING'}: ${f.rule} - ${f.url}\n${f.message}\n`;
    out += excerpt(lines, f.file, f.line, f.endLine);
  }
  if (result.error) {
    if (result.findings.length > 0) out += '\n';
    out += `${result.error.message}\n`;
    out += excerpt(lines, result.error.file, result.error.line, result.error.line);
  } else if (warnings.length === 0) {
    out += `${infos.length > 0 ? '\n' : ''}Check complete, no warnings found.\n`;
  }
  return out;
}

/** BuildKit's errdefs.Source.Print: the lines with a little context, `>>>` on the ones meant. */
export function excerpt(lines: readonly string[], file: string, start: number, endLine: number): string {
  if (start < 1 || start > lines.length) return '';
  let from = start;
  let to = Math.min(Math.max(endLine, start), lines.length);
  const pad = from === to ? 4 : 2;
  for (let p = 0; p < pad;) {
    if (from > 1) { from--; p++; }
    if (to !== lines.length) { to++; p++; }
    p++;
  }
  let out = `${file}:${start}\n--------------------\n`;
  for (let i = from; i <= to; i++) {
    const mark = i >= start && i <= Math.max(endLine, start) ? '>>>' : '   ';
    out += ` ${String(i).padStart(3)} | ${mark} ${lines[i - 1]}\n`;
  }
  return `${out}--------------------\n`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
