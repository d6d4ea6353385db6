/**
 * The Dockerfile frontend. Data flows one way:
 *   text ─parser→ AST (Node[]) ─instructions→ Stage[]/Command[] ─plan→ BuildPlan
 *        ─dispatch (per stage, given its base)→ DispatchedStage (steps + image config)
 * Nothing here touches the network, the image store or the filesystem: the build engine
 * resolves base images and executes the steps. Errors are DrydockError with file and line.
 */
import { parseInstructions, type ArgCommand, type Stage } from './instructions/index.js';
import { WarningCollector, type Warning } from './lint/index.js';
import { dumpAST, parse, type Directive, type Node } from './parser/index.js';

export interface ParsedDockerfile {
  file: string;
  ast: Node[];
  directives: Directive[];
  escapeToken: '\\' | '`';
  /** Typed instructions per stage (words unexpanded). */
  stages: Stage[];
  /** ARGs before the first FROM. */
  metaArgs: ArgCommand[];
  /** Parse-time warnings (NoEmptyContinuation, MaintainerDeprecated, casing of FROM/AS). */
  warnings: Warning[];
}

/** Parses and types a Dockerfile without planning a build. */
export function parseDockerfile(text: string, opts: { file?: string } = {}): ParsedDockerfile {
  const file = opts.file ?? 'Dockerfile';
  const lint = new WarningCollector();
  const res = parse(text, { file });
  for (const w of res.warnings) lint.report('NoEmptyContinuation', { file, line: w.line, endLine: w.line });
  const { stages, metaArgs } = parseInstructions(res.nodes, file, lint);
  return { file, ast: res.nodes, directives: res.directives, escapeToken: res.escapeToken, stages, metaArgs, warnings: lint.warnings };
}

export { planBuild, contextKey } from './plan/index.js';
export type { BuildPlan, PlanOptions, PlannedStage, StageBase, SourceRef, StageInfo } from './plan/index.js';
export { dispatchStage, dispatchContext, DEFAULT_PATH, HISTORY_COMMENT } from './dispatch/index.js';
export type {
  DispatchContext, DispatchedStage, Step, Operation, RunOp, CopyOp, WorkdirOp, ConfigOp, RunMount, StageState,
} from './dispatch/index.js';
export type { Command, CommandKind, Location, Stage, Mount } from './instructions/index.js';
export type { Warning, RuleName, LintRule } from './lint/index.js';
export { rules as lintRules } from './lint/index.js';
export { dumpAST } from './parser/index.js';

/** BuildKit's AST dump of a Dockerfile (`drydock parse --dump`): parser only, no typing. */
export function dumpDockerfile(text: string, opts: { file?: string } = {}): string {
  return dumpAST(parse(text, opts).nodes);
}
export type { Node, Directive, Heredoc } from './parser/index.js';
