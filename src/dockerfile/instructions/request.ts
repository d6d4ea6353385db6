/** The per-instruction input every instruction parser receives (BuildKit's `parseRequest`). */
import type { Heredoc, Node } from '../parser/index.js';
import { BFlags } from './bflag.js';
import type { Location } from './types.js';

export interface ParseRequest {
  command: string;
  args: string[];
  heredocs: Heredoc[];
  json: boolean;
  flags: BFlags;
  original: string;
  location: Location;
  comments: string[];
}

export function requestFromNode(node: Node, file: string): ParseRequest {
  return {
    command: node.name,
    args: node.sub ? [node.sub.name, ...node.sub.args] : node.args,
    heredocs: node.heredocs,
    json: node.json,
    flags: new BFlags(node.flags),
    original: node.original,
    location: { file, line: node.startLine, endLine: node.endLine },
    comments: node.comments,
  };
}

/** The fields every command carries. */
export function base(req: ParseRequest): { name: string; original: string; location: Location; comments: string[] } {
  return { name: req.command, original: req.original.trim(), location: req.location, comments: req.comments };
}

/** A user error in one instruction; `parseInstruction` adds the location. */
export class InstructionError extends Error {}

export const errAtLeastOneArgument = (cmd: string): InstructionError => new InstructionError(`${cmd} requires at least one argument`);
export const errExactlyOneArgument = (cmd: string): InstructionError => new InstructionError(`${cmd} requires exactly one argument`);
export const errNoDestinationArgument = (cmd: string): InstructionError =>
  new InstructionError(`${cmd} requires at least two arguments, but only one was provided. Destination could not be determined`);

/** Shell form joins the words into one string; exec form keeps them. */
export function handleJSONArgs(args: string[], json: boolean): string[] {
  if (args.length === 0) return [];
  return json ? [...args] : [args.join(' ')];
}
