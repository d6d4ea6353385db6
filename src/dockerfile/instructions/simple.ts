/** The instructions that only set image config or build state: ENV, LABEL, ARG, USER, … */
import { base, errAtLeastOneArgument, errExactlyOneArgument, InstructionError, type ParseRequest } from './request.js';
import type {
  ArgCommand, EnvCommand, ExposeCommand, KeyValue, LabelCommand, MaintainerCommand, OnbuildCommand,
  StopSignalCommand, UserCommand, VolumeCommand, WorkdirCommand,
} from './types.js';

function keyValues(args: string[], cmd: string): KeyValue[] {
  if (args.length === 0) throw errAtLeastOneArgument(cmd);
  if (args.length % 3 !== 0) throw new InstructionError(`Bad input to ${cmd}, too many arguments`);
  const out: KeyValue[] = [];
  for (let j = 0; j < args.length; j += 3) {
    if (args[j]!.length === 0) throw new InstructionError(`${cmd} names can not be blank`);
    out.push({ key: args[j]!, value: args[j + 1]!, noDelim: args[j + 2] === '' });
  }
  return out;
}

export function parseEnv(req: ParseRequest): EnvCommand {
  req.flags.parse();
  return { kind: 'env', ...base(req), env: keyValues(req.args, 'ENV') };
}

export function parseLabel(req: ParseRequest): LabelCommand {
  req.flags.parse();
  return { kind: 'label', ...base(req), labels: keyValues(req.args, 'LABEL') };
}

export function parseMaintainer(req: ParseRequest): MaintainerCommand {
  if (req.args.length !== 1) throw errExactlyOneArgument('MAINTAINER');
  req.flags.parse();
  return { kind: 'maintainer', ...base(req), maintainer: req.args[0]! };
}

export function parseWorkdir(req: ParseRequest): WorkdirCommand {
  if (req.args.length !== 1) throw errExactlyOneArgument('WORKDIR');
  req.flags.parse();
  return { kind: 'workdir', ...base(req), path: req.args[0]! };
}

export function parseUser(req: ParseRequest): UserCommand {
  if (req.args.length !== 1) throw errExactlyOneArgument('USER');
  req.flags.parse();
  return { kind: 'user', ...base(req), user: req.args[0]! };
}

export function parseStopSignal(req: ParseRequest): StopSignalCommand {
  if (req.args.length !== 1) throw errExactlyOneArgument('STOPSIGNAL');
  return { kind: 'stopsignal', ...base(req), signal: req.args[0]! };
}

export function parseExpose(req: ParseRequest): ExposeCommand {
  if (req.args.length === 0) throw errAtLeastOneArgument('EXPOSE');
  req.flags.parse();
  // BuildKit sorts the raw words (byte order) before expansion
  return { kind: 'expose', ...base(req), ports: [...req.args].sort(byteOrder) };
}

export function parseVolume(req: ParseRequest): VolumeCommand {
  if (req.args.length === 0) throw errAtLeastOneArgument('VOLUME');
  req.flags.parse();
  const volumes = req.args.map((v) => {
    const t = v.trim();
    if (t === '') throw new InstructionError('VOLUME specified can not be an empty string');
    return t;
  });
  return { kind: 'volume', ...base(req), volumes };
}

export function parseArg(req: ParseRequest): ArgCommand {
  if (req.args.length < 1) throw errAtLeastOneArgument('ARG');
  const args = req.args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq < 0) return { key: arg };
    if (eq === 0) throw new InstructionError('ARG names can not be blank');
    return { key: arg.slice(0, eq), value: arg.slice(eq + 1) };
  });
  return { kind: 'arg', ...base(req), args };
}

export function parseOnbuild(req: ParseRequest): OnbuildCommand {
  if (req.args.length === 0) throw errAtLeastOneArgument('ONBUILD');
  req.flags.parse();
  const trigger = req.args[0]!.trim().toUpperCase();
  if (trigger === 'ONBUILD') throw new InstructionError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (trigger === 'MAINTAINER' || trigger === 'FROM') throw new InstructionError(`${trigger} isn't allowed as an ONBUILD trigger`);
  let expression = req.original.replace(/^\s*ONBUILD\s*/i, '');
  for (const doc of req.heredocs) expression += '\n' + doc.content + doc.name;
  return { kind: 'onbuild', ...base(req), expression };
}

function byteOrder(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}
