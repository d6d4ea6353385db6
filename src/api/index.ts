/**
 * The programmatic API, `import { build, buildEvents, parse, lint, report } from 'drydock'`:
 * the very functions the CLI runs, with typed options and results. Builds report BuildEvents
 * (docs/events.md) through `onEvent` or as an async iterable (`buildEvents`), stop on an
 * AbortSignal with a DrydockError of code `CANCELLED`, and fail with DrydockError otherwise.
 */
export { build, type BuildResult } from '../build/build.js';
export type { BuildOptions, OutputSpec, OutputType } from '../build/options.js';
export { parseOutputSpec } from '../build/options.js';
export { parseCacheSpec, type CacheSpec, type CacheMode } from '../cache/index.js';
export type { SizeReport } from '../build/summary.js';
export { formatSizeReport } from '../build/summary.js';
export type { BuildEvent, EventSink, StageInfo, StageSummary, ImageSummary } from '../solver/events.js';
export { buildEvents, type BuildRun } from './events.js';
export { parse, type ParseOptions, type ParseResult } from './parse.js';
export { lint } from '../lint/index.js';
export type { LintOptions, LintResult, Finding, Severity, LintError } from '../lint/index.js';
export { report, type ReportOptions } from '../report/index.js';
export type { ReportResult, ReportFormat } from '../report/index.js';
