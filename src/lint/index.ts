/**
 * Dockerfile checks (`drydock lint`, `drydock build --check`): BuildKit's build-check rules
 * plus drydock's own multi-stage advice. Nothing is executed or pulled: the frontend plans and
 * dispatches every stage, base configs come from the local store when present. Findings carry
 * file:line, severity (warning, error under `# check=error=true`, info for drydock's rules),
 * the rule name and a docs page (docs/rules/NAME.md); `# check=skip=…` filters them.
 */
export { lint } from './run.js';
export type { LintOptions, LintResult, Finding, Severity, LintError, CheckConfig } from './types.js';
export { catalog, findRule, drydockRules, type CatalogRule, type RuleOrigin } from './catalog.js';
export { parseCheckOptions, checkConfigFor, CHECK_BUILD_ARG } from './config.js';
export { formatText, formatJson, formatCheck, toJson, violatedRules, type JsonReport } from './format.js';
export { checkOnly, enforceChecks, type BuildCheckInput } from './build-check.js';
