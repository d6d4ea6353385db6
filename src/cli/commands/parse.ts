/**
 * `drydock parse`: show how drydock reads a Dockerfile. `--dump` prints BuildKit's AST dump;
 * `--format json` prints the build plan and each planned stage dispatched against an empty
 * base config (base images are not pulled).
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { DrydockError } from '../../util/errors.js';
import { parseBuildArgs } from '../../build/options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  program
    .command('parse')
    .description('Parse a Dockerfile and print its AST (--dump) or build plan (--format json)')
    .argument('[file]', 'Dockerfile to read (- for stdin)')
    .option('-f, --file <path>', 'Dockerfile to read (- for stdin)')
    .option('--dump', "print the AST in BuildKit's dump format")
    .addOption(new Option('--format <format>', 'output format').choices(['json']).default('json'))
    .option('--target <stage>', 'plan for this stage')
    .option('--build-arg <k=v>', 'set a build-time variable; K alone takes its value from the environment; repeatable', collect)
    .option('--platform <platform>', 'target platform (linux/amd64)')
    .action(async (fileArg: string | undefined, o: { file?: string; dump?: boolean; target?: string; buildArg?: string[]; platform?: string }) => {
      const path = o.file ?? fileArg;
      if (!path) throw new DrydockError('USAGE', 'a Dockerfile is required (FILE, -f FILE, or - for stdin)');
      const text = path === '-' ? await readStdin() : await readDockerfile(path);
      const file = path === '-' ? 'Dockerfile' : path;
      const df = await import('../../dockerfile/index.js');
      if (o.dump) {
        process.stdout.write(df.dumpDockerfile(text, { file }));
        return;
      }
      const { parsePlatformSpec } = await import('../../dockerfile/plan/index.js');
      let targetPlatform;
      if (o.platform) {
        try {
          targetPlatform = parsePlatformSpec(o.platform);
        } catch (e) {
          throw new DrydockError('USAGE', `invalid --platform: ${(e as Error).message}`);
        }
      }
      const plan = df.planBuild(text, { file, target: o.target, buildArgs: parseBuildArgs(o.buildArg ?? []), targetPlatform });
      const dispatched = new Map<number, import('../../dockerfile/index.js').DispatchedStage>();
      for (const stage of plan.stages) {
        const baseStage = stage.base.kind === 'stage' ? dispatched.get(stage.base.index) : undefined;
        dispatched.set(stage.index, df.dispatchStage(stage, df.dispatchContext(plan, baseStage ? { baseStage } : {})));
      }
      const warnings = [...plan.warnings, ...[...dispatched.values()].flatMap((d) => d.warnings)];
      process.stdout.write(JSON.stringify({ plan, dispatched: [...dispatched.values()], warnings }, null, 2) + '\n');
    });
}


async function readDockerfile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new DrydockError('NOT_FOUND', `cannot read Dockerfile ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
