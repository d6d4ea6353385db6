/** `drydock rm [-f] IMAGE...` — untag, then delete the blobs no other image or lease needs. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('rm')
    .alias('rmi')
    .description('Remove images')
    .argument('<image...>', 'image references or ids')
    .option('-f, --force', 'remove an image id referenced in several repositories, or one platform\'s id of a multi-platform image (untags the whole image)')
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; force?: boolean }>();
      const [{ openStore, removeImages }, { parseReference }] = await Promise.all([import('../../store/index.js'), import('../../image/index.js')]);
      const store = await openStore(opts.root);
      const res = await removeImages(store, names, { force: opts.force });
      for (const r of res.untagged) process.stdout.write(`Untagged: ${parseReference(r).familiar()}\n`);
      for (const d of res.deleted) process.stdout.write(`Deleted: ${d}\n`);
    });
}
