/**
 * Lint rules and warnings: the rule table (names and messages as BuildKit has them) and the
 * collector the parser, instruction parser, planner and dispatcher report into.
 */
export { rules, type LintRule, type RuleName } from './rules.js';
export { WarningCollector, type Warning } from './warnings.js';
