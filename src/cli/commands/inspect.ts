/** `drydock inspect IMAGE...` — JSON like `docker image inspect`, plus the manifest. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('inspect')
    .description('Show low-level information about images (JSON)')
    .argument('<image...>', 'image references or ids')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string }>();
      const [{ openStore }, { inspectImage }, { DrydockError }] = await Promise.all([
        import('../../store/index.js'), import('../../image/index.js'), import('../../util/errors.js')]);
      const store = await openStore(opts.root);
      const out = [];
      for (const name of names) {
        const rec = await store.images.get(name);
        if (!rec) throw new DrydockError('NOT_FOUND', `No such image: ${name}`);
        out.push(await inspectImage(store, rec));
      }
      process.stdout.write(`${JSON.stringify(out, null, 4)}\n`);
    });
}
