/** FROM [--platform=…] base [AS name]: starts a stage. */
import { base, InstructionError, type ParseRequest } from './request.js';
import type { Stage } from './types.js';

const VALID_STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

export function parseFrom(req: ParseRequest): Stage {
  const args = req.args;
  let name: string | undefined;
  if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
    name = args[2]!.toLowerCase();
    if (!VALID_STAGE_NAME.test(name)) {
      throw new InstructionError(`invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`);
    }
  } else if (args.length !== 1) {
    throw new InstructionError('FROM requires either one or three arguments');
  }
  const platform = req.flags.string('platform');
  req.flags.parse();
  const b = base(req);
  return {
    ...(name !== undefined ? { name, origName: args[2]! } : {}),
    baseName: args[0]!,
    platform: platform.value,
    origCmd: req.command,
    asKeyword: args.length === 3 ? args[1]! : '',
    original: b.original,
    location: b.location,
    comments: b.comments,
    commands: [],
  };
}
