/**
 * AST → typed instructions (BuildKit's `instructions.Parse`): one parser per keyword,
 * stages split at FROM, ARGs before the first FROM collected as meta args. Also reports the
 * lint rules BuildKit checks at this point (StageNameCasing, FromAsCasing, MaintainerDeprecated).
 */
import { DrydockError } from '../../util/errors.js';
import type { WarningCollector } from '../lint/index.js';
import type { Node } from '../parser/index.js';
import { goQuote } from '../util/goformat.js';
import { suggest } from '../util/suggest.js';
import { FlagError } from './bflag.js';
import { parseAdd, parseCopy } from './copy.js';
import { parseFrom } from './from.js';
import { parseHealthcheck } from './healthcheck.js';
import { InstructionError, requestFromNode, type ParseRequest } from './request.js';
import { MountError } from './run-mount.js';
import { parseCmd, parseEntrypoint, parseRun, parseShell } from './run.js';
import {
  parseArg, parseEnv, parseExpose, parseLabel, parseMaintainer, parseOnbuild, parseStopSignal, parseUser, parseVolume, parseWorkdir,
} from './simple.js';
import type { Command, Instructions, Stage } from './types.js';

const parsers: Record<string, (req: ParseRequest) => Command> = {
  env: parseEnv, maintainer: parseMaintainer, label: parseLabel, add: parseAdd, copy: parseCopy,
  onbuild: parseOnbuild, workdir: parseWorkdir, run: parseRun, cmd: parseCmd, healthcheck: parseHealthcheck,
  entrypoint: parseEntrypoint, expose: parseExpose, user: parseUser, volume: parseVolume,
  stopsignal: parseStopSignal, arg: parseArg, shell: parseShell,
};

export const INSTRUCTION_NAMES = ['FROM', ...Object.keys(parsers).map((k) => k.toUpperCase())];

/** One AST node → a Stage (FROM) or a Command; errors carry the node's location. */
export function parseInstruction(node: Node, file: string, lint?: WarningCollector): Stage | Command {
  const req = requestFromNode(node, file);
  const keyword = node.name.toLowerCase();
  try {
    if (keyword === 'from') {
      lintFrom(req, lint);
      return parseFrom(req);
    }
    const parser = parsers[keyword];
    if (!parser) {
      const hint = suggest(node.name, INSTRUCTION_NAMES, false);
      throw new DrydockError('PARSE', `unknown instruction ${goQuote(node.name)}${hint ? ` (did you mean ${goQuote(hint)}?)` : ''}`, {
        location: { file, line: node.startLine },
      });
    }
    if (keyword === 'maintainer') lint?.report('MaintainerDeprecated', req.location);
    return parser(req);
  } catch (e) {
    if (e instanceof InstructionError || e instanceof FlagError || e instanceof MountError) {
      throw new DrydockError('PARSE', e.message, { location: { file, line: node.startLine }, cause: e });
    }
    throw e;
  }
}

/** All nodes → stages and meta ARGs. */
export function parseInstructions(nodes: readonly Node[], file: string, lint?: WarningCollector): Instructions {
  const stages: Stage[] = [];
  const metaArgs: Instructions['metaArgs'] = [];
  for (const node of nodes) {
    const cmd = parseInstruction(node, file, lint);
    if ('kind' in cmd) {
      const stage = stages[stages.length - 1];
      if (stage) stage.commands.push(cmd);
      else if (cmd.kind === 'arg') metaArgs.push(cmd);
      else throw new DrydockError('PARSE', 'no build stage in current context', { location: { file, line: node.startLine } });
    } else {
      stages.push(cmd);
    }
  }
  return { stages, metaArgs };
}

function lintFrom(req: ParseRequest, lint: WarningCollector | undefined): void {
  if (!lint || req.args.length !== 3) return;
  const stageName = req.args[2]!;
  if (stageName !== stageName.toLowerCase()) lint.report('StageNameCasing', req.location, stageName);
  const cmd = req.command;
  const as = req.args[1]!;
  const lower = cmd === cmd.toLowerCase();
  const upper = cmd === cmd.toUpperCase();
  // a FROM with mixed casing is ConsistentInstructionCasing's business
  if ((lower && as !== as.toLowerCase()) || (!lower && upper && as !== as.toUpperCase())) {
    lint.report('FromAsCasing', req.location, cmd, as);
  }
}
