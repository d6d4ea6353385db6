/**
 * The CLI: thin. Each subcommand lives in `commands/<name>.ts`, which declares its flags and
 * dynamically imports the implementation only when it runs, so `drydock` starts fast.
 */
import { Command, CommanderError } from 'commander';
import { isDrydockError } from '../util/errors.js';

type Registrar = (program: Command) => void;

// One line per subcommand module; each module exports `register(program)`.
const commands: Array<() => Promise<{ register: Registrar }>> = [
  () => import('./commands/parse.js'),
  () => import('./commands/images.js'),
  () => import('./commands/inspect.js'),
  () => import('./commands/tag.js'),
  () => import('./commands/rm.js'),
  () => import('./commands/prune.js'),
  () => import('./commands/du.js'),
  () => import('./commands/fsck.js'),
  () => import('./commands/load.js'),
  () => import('./commands/save.js'),
  () => import('./commands/import.js'),
  () => import('./commands/pull.js'),
  () => import('./commands/push.js'),
  () => import('./commands/login.js'),
  () => import('./commands/logout.js'),
  () => import('./commands/build.js'),
  () => import('./commands/run.js'),
  () => import('./commands/lint.js'),
  () => import('./commands/report.js'),
];

export async function main(argv: string[]): Promise<number> {
  const program = new Command('drydock')
    .description('Build OCI container images from Dockerfiles, without a daemon.')
    .version(process.env.DRYDOCK_VERSION ?? '0.1.0')
    .option('--root <dir>', 'store root (default: $DRYDOCK_ROOT, /var/lib/drydock as root, else $XDG_DATA_HOME/drydock)')
    .showHelpAfterError(false)
    .exitOverride();
  const mods = await Promise.all(commands.map((load) => load()));
  for (const m of mods) m.register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return reportError(e);
  }
}

export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed its message (help, version, or a usage error)
    return e.exitCode;
  }
  if (isDrydockError(e)) {
    process.stderr.write(`error: ${e.format()}\n`);
    return e.exitCode;
  }
  process.stderr.write(`drydock: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 70;
}
