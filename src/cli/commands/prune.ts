/** `drydock prune [--cache] [--dry-run]` — delete blobs no image reference or lease needs. */
import type { Command } from 'commander';
import type { Store } from '../../store/index.js';

export function register(program: Command): void {
  program
    .command('prune')
    .description('Remove unreferenced blobs from the store (and with --cache, the build cache)')
    .option('--cache', 'also prune the build cache: step records and RUN --mount=type=cache directories')
    .option('--dry-run', 'only show what would be removed')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; cache?: boolean; dryRun?: boolean }>();
      const { openStore, collectGarbage, registeredCachePruners, humanSize } = await import('../../store/index.js');
      const store = await openStore(opts.root);
      let reclaimed = 0;
      if (opts.cache) {
        const cache = await pruneBuildCache(store, !!opts.dryRun);
        process.stdout.write(`${opts.dryRun ? 'Would delete' : 'Deleted'} build cache: ${cache.records} step records, ${cache.mounts} cache mounts\n`);
        reclaimed += cache.reclaimedBytes;
        // Other build-cache pruners register when their module loads; cache entries are leases, so pruning them first frees more blobs.
        if (!opts.dryRun) for (const prune of registeredCachePruners()) reclaimed += (await prune(store)).reclaimedBytes;
      }
      const res = await collectGarbage(store, { dryRun: opts.dryRun });
      for (const d of res.removed) process.stdout.write(`${opts.dryRun ? 'Would delete' : 'Deleted'}: ${d}\n`);
      reclaimed += res.reclaimedBytes;
      process.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
    });
}

/** The local build cache: every step record (with its lease, so GC can then free the layers) and the cache mounts. */
async function pruneBuildCache(store: Store, dryRun: boolean): Promise<{ records: number; mounts: number; reclaimedBytes: number }> {
  const { StepCache } = await import('../../solver/cache.js');
  const { pruneCacheMounts } = await import('../../solver/ops/cache-mount.js');
  const steps = new StepCache(store.root, store);
  let records = 0;
  for await (const rec of steps.list()) {
    records++;
    if (!dryRun) await steps.delete(rec.key);
  }
  const mounts = await pruneCacheMounts(store.root, { dryRun });
  return { records, mounts: mounts.removed, reclaimedBytes: mounts.bytes };
}
