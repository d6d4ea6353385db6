/** `drydock prune [--cache] [--dry-run]` — delete blobs no image reference or lease needs. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('prune')
    .description('Remove unreferenced blobs from the store (and with --cache, the build cache)')
    .option('--cache', 'also prune the build cache')
    .option('--dry-run', 'only show what would be removed')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; cache?: boolean; dryRun?: boolean }>();
      const { openStore, collectGarbage, registeredCachePruners, humanSize } = await import('../../store/index.js');
      const store = await openStore(opts.root);
      let reclaimed = 0;
      if (opts.cache && !opts.dryRun) {
        // The build engine registers its pruner when its module loads; cache entries are leases, so pruning them first frees more blobs.
        for (const prune of registeredCachePruners()) reclaimed += (await prune(store)).reclaimedBytes;
      }
      const res = await collectGarbage(store, { dryRun: opts.dryRun });
      for (const d of res.removed) process.stdout.write(`${opts.dryRun ? 'Would delete' : 'Deleted'}: ${d}\n`);
      reclaimed += res.reclaimedBytes;
      process.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
    });
}
