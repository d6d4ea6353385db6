/** `drydock load [-i FILE]` — a docker save archive or an OCI archive/layout (file, directory or stdin). */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('load')
    .description('Load images from a docker or OCI archive (tar, optionally compressed) or an OCI layout directory')
    .option('-i, --input <file>', 'read from a file or directory instead of stdin')
    .option('-q, --quiet', 'suppress the load output')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; input?: string; quiet?: boolean }>();
      const [{ openStore }, { loadArchive, parseReference }, { DrydockError }] = await Promise.all([
        import('../../store/index.js'), import('../../image/index.js'), import('../../util/errors.js')]);
      if (!opts.input && process.stdin.isTTY) throw new DrydockError('USAGE', 'requested load from stdin, but stdin is empty');
      const store = await openStore(opts.root);
      const images = await loadArchive(store, opts.input ?? process.stdin);
      for (const img of images) {
        if (img.refs.length === 0) process.stdout.write(`Loaded image ID: ${img.configDigest}\n`);
        for (const r of img.refs) process.stdout.write(`Loaded image: ${parseReference(r).familiar()}\n`);
      }
    });
}
