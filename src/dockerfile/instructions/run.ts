/** RUN, CMD, ENTRYPOINT and SHELL: commands in exec or shell form, RUN's flags. */
import { mountFrom } from './run-mount.js';
import { base, errAtLeastOneArgument, handleJSONArgs, InstructionError, type ParseRequest } from './request.js';
import type { CmdCommand, CommandLine, EntrypointCommand, NetworkMode, RunCommand, SecurityMode, ShellCommand } from './types.js';

const NETWORKS: readonly string[] = ['default', 'none', 'host'];
const SECURITY: readonly string[] = ['sandbox', 'insecure'];

function commandLine(req: ParseRequest, emptyAsNil: boolean): CommandLine {
  const args = handleJSONArgs(req.args, req.json);
  return {
    cmdLine: emptyAsNil && args.length === 0 ? [] : args,
    files: req.heredocs.map((h) => ({ name: h.name, data: h.content, chomp: h.chomp })),
    prependShell: !req.json,
  };
}

export function parseRun(req: ParseRequest): RunCommand {
  const mount = req.flags.strings('mount');
  const network = req.flags.string('network', 'default');
  const security = req.flags.string('security', 'sandbox');
  req.flags.parse();
  if (!NETWORKS.includes(network.value)) throw new InstructionError(`invalid network mode "${network.value}"`);
  if (!SECURITY.includes(security.value)) throw new InstructionError(`security "${security.value}" is not valid`);
  return {
    kind: 'run',
    ...base(req),
    ...commandLine(req, false),
    mounts: mount.values,
    mountFroms: mount.values.map(mountFrom),
    network: network.value as NetworkMode,
    security: security.value as SecurityMode,
    flagsUsed: req.flags.used(),
  };
}

export function parseCmd(req: ParseRequest): CmdCommand {
  req.flags.parse();
  return { kind: 'cmd', ...base(req), ...commandLine(req, false) };
}

export function parseEntrypoint(req: ParseRequest): EntrypointCommand {
  req.flags.parse();
  return { kind: 'entrypoint', ...base(req), ...commandLine(req, true) };
}

export function parseShell(req: ParseRequest): ShellCommand {
  req.flags.parse();
  const shell = handleJSONArgs(req.args, req.json);
  if (shell.length === 0) throw errAtLeastOneArgument('SHELL');
  if (!req.json) throw new InstructionError(`SHELL requires the arguments to be in JSON form`);
  return { kind: 'shell', ...base(req), shell };
}
