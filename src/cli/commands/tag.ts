/** `drydock tag SOURCE TARGET` — another reference to the same image. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('tag')
    .description('Create a tag TARGET that refers to SOURCE')
    .argument('<source>', 'image reference or id')
    .argument('<target>', 'new reference')
    .action(async (source: string, target: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string }>();
      const [{ openStore }, { parseReference }, { DrydockError }] = await Promise.all([
        import('../../store/index.js'), import('../../image/index.js'), import('../../util/errors.js')]);
      const ref = parseReference(target);
      if (ref.digest) throw new DrydockError('USAGE', `refusing to create a tag with a digest reference: ${target}`);
      const store = await openStore(opts.root);
      const rec = await store.images.get(source);
      if (!rec) throw new DrydockError('NOT_FOUND', `No such image: ${source}`);
      await store.images.put(ref.toString(), rec.target);
    });
}
