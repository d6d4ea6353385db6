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
    .option('--platform <os/arch[/variant]>', "the platform's image of a multi-platform image (another architecture runs under QEMU emulation)")
    .allowUnknownOption()
    .action(async (image: string, args: string[], o: Record<string, unknown>, cmd: Command) => {
      const [{ openStore, defaultRoot }, { runImage }] = await Promise.all([import('../../store/index.js'), import('../../container/run.js')]);
      const store = await openStore((cmd.optsWithGlobals().root as string | undefined) ?? defaultRoot());
      const platform = o.platform !== undefined ? await runPlatform(o.platform as string) : undefined;
      process.exitCode = await runImage(store, image, {
        args,
        env: (o.env as string[] | undefined) ?? [],
        entrypoint: o.entrypoint !== undefined ? [o.entrypoint as string] : undefined,
        user: o.user as string | undefined,
        workdir: o.workdir as string | undefined,
        network: o.network as 'host' | 'none',
        platform,
        stdout: (c) => process.stdout.write(c),
        stderr: (c) => process.stderr.write(c),
      });
    });
}

/** `--platform`: parsed, and for another architecture an emulator that can run it (else how to get one). */
async function runPlatform(spec: string): Promise<import('../../image/oci.js').Platform> {
  const [{ parsePlatform, normalizePlatform, formatPlatform }, { hostPlatform }, { checkEmulation, enableHint }, { DrydockError }] = await Promise.all([
    import('../../image/platform.js'), import('../../image/oci.js'), import('../../exec/binfmt.js'), import('../../util/errors.js')]);
  const parsed = parsePlatform(spec.trim());
  if (!parsed) throw new DrydockError('USAGE', `invalid --platform "${spec}": expected os/arch[/variant], e.g. linux/arm64`);
  const platform = normalizePlatform(parsed);
  const check = checkEmulation(platform, hostPlatform());
  if (!check.ok) {
    throw new DrydockError('USAGE', `--platform ${spec}: ${formatPlatform(platform)} programs cannot run on this ${formatPlatform(hostPlatform())} host: ${check.reason}; to emulate it with QEMU, ${enableHint(platform)}`);
  }
  return platform;
}
