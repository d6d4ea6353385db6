/** The report as JSON: the ReportResult itself, for scripts and CI checks (`jq .waste.bytes`). */
import type { ReportResult } from './types.js';

export function renderJSON(r: ReportResult): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
