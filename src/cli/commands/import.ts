/** `drydock import FILE|DIR|- NAME [-c CHANGE]... [-m MSG]` — a root filesystem as a one-layer image, like `docker import`. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('import')
    .description('Create an image from a root filesystem tarball (or directory, or - for stdin)')
    .argument('<source>', 'tar file (optionally compressed), directory, or - for stdin')
    .argument('<name>', 'reference for the new image')
    .option('-c, --change <instruction>', 'apply a Dockerfile instruction to the config (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-m, --message <message>', 'commit message for the history')
    .action(async (source: string, name: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; change: string[]; message?: string }>();
      const [{ openStore }, { importRootfs, importTar, normalizedTar, parseReference }, { autoDecompress }] = await Promise.all([
        import('../../store/index.js'), import('../../image/index.js'), import('../../image/sniff.js')]);
      parseReference(name); // a bad name fails before reading anything
      const store = await openStore(opts.root);
      const res = source === '-'
        ? await importTar(store, normalizedTar(await autoDecompress(process.stdin)), name, { changes: opts.change, message: opts.message })
        : await importRootfs(store, source, name, { changes: opts.change, message: opts.message });
      process.stdout.write(`${res.configDigest}\n`);
    });
}
