/**
 * The CLI: thin. Each subcommand lives in `commands/<name>.ts`, which declares its flags and
 * dynamically imports the implementation only when it runs, so `drydock` starts fast.
 */
import { quietOnEpipe } from './stdio.js';
import { Command, CommanderError } from 'commander';
import { asDrydockError, formatStacks } from '../util/errors.js';

type Registrar = (program: Command) => void;
type Loader = () => Promise<{ register: Registrar }>;

// One entry per subcommand (and alias): only the invoked command's module is loaded, so a
// `drydock build` pays for build alone. Help and unknown commands load them all.
const commands: Record<string, Loader> = {
  parse: () => import('./commands/parse.js'),
  images: () => import('./commands/images.js'),
  inspect: () => import('./commands/inspect.js'),
  tag: () => import('./commands/tag.js'),
  rm: () => import('./commands/rm.js'),
  prune: () => import('./commands/prune.js'),
  du: () => import('./commands/du.js'),
  fsck: () => import('./commands/fsck.js'),
  setup: () => import('./commands/setup.js'),
  load: () => import('./commands/load.js'),
  save: () => import('./commands/save.js'),
  import: () => import('./commands/import.js'),
  pull: () => import('./commands/pull.js'),
  push: () => import('./commands/push.js'),
  login: () => import('./commands/login.js'),
  logout: () => import('./commands/logout.js'),
  build: () => import('./commands/build.js'),
  run: () => import('./commands/run.js'),
  lint: () => import('./commands/lint.js'),
  report: () => import('./commands/report.js'),
  info: () => import('./commands/info.js'),
};
const aliases: Record<string, string> = { rmi: 'rm' };

/** Every name argv may start with (subcommands and aliases): bin/drydock.js keys its code cache by them. */
export const commandNames: readonly string[] = [...Object.keys(commands), ...Object.keys(aliases)];

/** The whole process: `bin/drydock.js` calls this from the bundle, `run.ts` from the modules. */
export async function runCli(argv: string[]): Promise<void> {
  // `drydock images | head`: the reader went away; stop quietly, as other CLIs do.
  quietOnEpipe();
  // A failure nothing awaited (a stream's error event, a stray rejection) is still one line.
  process.on('uncaughtException', (e) => {
    process.exitCode = reportError(e);
    process.exit();
  });
  // Not root: the same command again as root of a user namespace (src/rootless), unless it needs no privilege.
  const wanted = commandName(argv);
  if (wanted && !unprivileged.has(wanted) && process.getuid?.() !== 0) {
    const rootless = await import('../rootless/index.js');
    if (rootless.needsReexec()) {
      process.exitCode = await rootless.reexec(argv).catch(reportError);
      return;
    }
  }
  process.exitCode = await main(argv);
}

/**
 * Commands that touch no store, mount or container: run as the user, without the namespace
 * (`setup` needs the host's root, and says so, rather than work inside a namespace that vanishes).
 */
const unprivileged = new Set(['parse', 'lint', 'login', 'logout', 'setup']);

/** `--debug` (or DRYDOCK_DEBUG=1): failures print their stack traces too. */
let debug = !!process.env.DRYDOCK_DEBUG && process.env.DRYDOCK_DEBUG !== '0';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('drydock')
    .description('Build OCI container images from Dockerfiles, without a daemon.')
    .version(process.env.DRYDOCK_VERSION ?? '0.1.0')
    .option('--root <dir>', 'store root (default: $DRYDOCK_ROOT, /var/lib/drydock as root, else $XDG_DATA_HOME/drydock)')
    .option('--debug', 'on failure, print the stack traces behind the one-line error (also DRYDOCK_DEBUG=1)')
    .showHelpAfterError(false)
    .exitOverride()
    .hook('preAction', (cmd) => { if (cmd.opts().debug) debug = true; });
  const wanted = commandName(argv);
  const loaders = wanted ? [commands[wanted]] : Object.values(commands);
  for (const m of await Promise.all(loaders.map((load) => load()))) m.register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return reportError(e);
  }
}

/** Every failure is one line, `error: [Dockerfile:7: ]cause`; with --debug, its stacks follow. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed its message (help, version, or a usage error)
    return e.exitCode;
  }
  const err = asDrydockError(e);
  for (const d of err.details ?? []) process.stderr.write(`${d}\n`);
  process.stderr.write(`error: ${err.format()}\n`);
  if (debug) process.stderr.write(formatStacks(err));
  return err.exitCode;
}

/** The subcommand argv names, when it is one we know (global options may come first). */
function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--root') { i++; continue; }
    if (a === '--debug') continue;
    if (a.startsWith('-')) return undefined; // --help, --version, --root=…: let commander see everything
    const name = aliases[a] ?? a;
    return Object.hasOwn(commands, name) ? name : undefined;
  }
  return undefined;
}
