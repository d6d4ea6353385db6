/** `drydock load [-i FILE]` — a docker save archive or an OCI archive/layout (file, directory or stdin). */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('load')
    .description('Load images from a docker or OCI archive (tar, optionally compressed) or an OCI layout directory')
    .option('-i, --input <file>', 'read from a file or directory instead of stdin')
    .option('-q, --quiet', 'suppress the load output')
    .option('--no-unpack', 'leave the layers packed until a build needs them (saves disk space)')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; input?: string; quiet?: boolean; unpack: boolean }>();
      const [{ openStore }, { loadArchive, parseReference }, { DrydockError }] = await Promise.all([
        import('../../store/index.js'), import('../../image/index.js'), import('../../util/errors.js')]);
      if (!opts.input && process.stdin.isTTY) throw new DrydockError('USAGE', 'requested load from stdin, but stdin is empty');
      const store = await openStore(opts.root);
      const images = await loadArchive(store, opts.input ?? process.stdin);
      // Ready to build on, as `docker load` leaves images: their layers unpacked in the snapshotter.
      if (opts.unpack) {
        const { unpackImage } = await import('../../solver/workspace.js');
        for (const img of images) await unpackImage(store, img.target);
      }
      for (const img of images) {
        if (img.refs.length === 0) process.stdout.write(`Loaded image ID: ${img.configDigest}\n`);
        for (const r of img.refs) process.stdout.write(`Loaded image: ${parseReference(r).familiar()}\n`);
      }
    });
}
