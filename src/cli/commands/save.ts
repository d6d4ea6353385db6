/** `drydock save [-o FILE] [--format docker|oci] IMAGE...` — a tar `docker load`, `podman load` and skopeo read. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('save')
    .description('Save images to a tar archive (stdout by default)')
    .argument('<image...>', 'image references or ids')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--format <format>', 'docker (docker save layout, also a valid OCI layout) or oci', 'docker')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; output?: string; format: string }>();
      const [{ openStore }, { saveImages }, { DrydockError }, { pipeline }, { writeOutputFile }] = await Promise.all([
        import('../../store/index.js'), import('../../image/index.js'), import('../../util/errors.js'),
        import('node:stream/promises'), import('../../util/output-file.js')]);
      if (opts.format !== 'docker' && opts.format !== 'oci') throw new DrydockError('USAGE', `unknown format ${JSON.stringify(opts.format)} (docker or oci)`);
      if (!opts.output && process.stdout.isTTY) throw new DrydockError('USAGE', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
      const store = await openStore(opts.root);
      const tar = await saveImages(store, names, opts.format);
      if (!opts.output) {
        await pipeline(tar, process.stdout);
        return;
      }
      await writeOutputFile(opts.output, tar);
    });
}
