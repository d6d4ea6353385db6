/**
 * `drydock lint [CONTEXT]`: run the build checks on a Dockerfile without building. Exits 1
 * when the Dockerfile cannot be planned, or when `# check=error=true` turns warnings into errors.
 */
import { Command, Option } from 'commander';
import { parseBuildArgs } from '../../build/options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface LintFlags {
  file?: string;
  format: 'text' | 'json';
  target?: string;
  buildArg?: string[];
}

export function register(program: Command): void {
  program
    .command('lint')
    .description('Check a Dockerfile against the build-check rules (BuildKit\'s and drydock\'s) without building')
    .argument('[context]', 'context directory (for .dockerignore)', '.')
    .option('-f, --file <path>', 'Dockerfile (default: CONTEXT/Dockerfile; - reads it from stdin)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--target <stage>', 'check only this stage and the stages it needs')
    .option('--build-arg <k=v>', 'set a build-time variable; K alone takes its value from the environment; repeatable', collect)
    .action(async (context: string, o: LintFlags, cmd: Command) => {
      const { lint, formatJson, formatText } = await import('../../lint/index.js');
      const root = cmd.optsWithGlobals().root as string | undefined;
      const result = await lint({
        ...(o.file === '-' ? { dockerfileText: await readStdin() } : o.file ? { dockerfile: o.file } : {}),
        context,
        ...(o.target ? { target: o.target } : {}),
        buildArgs: parseBuildArgs(o.buildArg ?? []),
        ...(root !== undefined ? { root } : {}),
      });
      process.stdout.write(o.format === 'json' ? formatJson(result) : formatText(result));
      process.exitCode = result.failed ? 1 : 0;
    });
}


async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
