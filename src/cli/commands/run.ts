/**
 * `drydock run IMAGE [ARGS...]`: run an image's command once in a throwaway container.
 */
import { Command, Option } from 'commander';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  program
    .command('run')
    .description('Run an image\'s command once in a throwaway container (like docker run --rm)')
    .argument('<image>', 'image reference or ID')
    .argument('[args...]', 'arguments replacing the image\'s CMD')
    .option('-e, --env <k=v>', 'set an environment variable; repeatable', collect)
    .option('--entrypoint <cmd>', 'override the image\'s ENTRYPOINT')
    .option('-u, --user <user>', 'user[:group] to run as')
    .option('-w, --workdir <dir>', 'working directory')
    .addOption(new Option('--network <mode>', 'network').choices(['host', 'none']).default('host'))
    .allowUnknownOption()
    .action(async (image: string, args: string[], o: Record<string, unknown>, cmd: Command) => {
      const [{ openStore, defaultRoot }, { runImage }] = await Promise.all([import('../../store/index.js'), import('../../container/run.js')]);
      const store = await openStore((cmd.optsWithGlobals().root as string | undefined) ?? defaultRoot());
      process.exitCode = await runImage(store, image, {
        args,
        env: (o.env as string[] | undefined) ?? [],
        entrypoint: o.entrypoint !== undefined ? [o.entrypoint as string] : undefined,
        user: o.user as string | undefined,
        workdir: o.workdir as string | undefined,
        network: o.network as 'host' | 'none',
        stdout: (c) => process.stdout.write(c),
        stderr: (c) => process.stderr.write(c),
      });
    });
}
