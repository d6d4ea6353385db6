/** `drydock prune [--cache] [--dry-run]` — delete blobs no image reference or lease needs. */
import type { Command } from 'commander';
import type { Store } from '../../store/index.js';
import { parseSize } from '../../util/units.js';
import { DrydockError } from '../../util/errors.js';

export function register(program: Command): void {
  program
    .command('prune')
    .description('Remove unreferenced blobs from the store (and with --cache, the build cache)')
    .option('--cache', 'also prune the build cache: step records and RUN --mount=type=cache directories')
    .option('--keep-storage <size>', 'with --cache: keep the most recently used build cache up to this size (e.g. 10GB)')
    .option('--dry-run', 'only show what would be removed')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; cache?: boolean; dryRun?: boolean; keepStorage?: string }>();
      const { openStore, collectGarbage, registeredCachePruners, humanSize } = await import('../../store/index.js');
      const store = await openStore(opts.root);
      let reclaimed = 0;
      if (opts.cache) {
        const keepBytes = opts.keepStorage !== undefined ? parseSizeFlag(opts.keepStorage) : undefined;
        const cache = await pruneBuildCache(store, !!opts.dryRun, keepBytes);
        process.stdout.write(`${opts.dryRun ? 'Would delete' : 'Deleted'} build cache: ${cache.records} step records, ${cache.mounts} cache mounts\n`);
        reclaimed += cache.reclaimedBytes;
        // Other build-cache pruners register when their module loads; cache entries are leases, so pruning them first frees more blobs.
        if (!opts.dryRun) for (const prune of registeredCachePruners()) reclaimed += (await prune(store)).reclaimedBytes;
      }
      const res = await collectGarbage(store, { dryRun: opts.dryRun });
      for (const d of res.removed) process.stdout.write(`${opts.dryRun ? 'Would delete' : 'Deleted'}: ${d}\n`);
      reclaimed += res.reclaimedBytes;
      if (!opts.dryRun) {
        const { pruneSnapshots } = await import('../../solver/prune.js');
        await pruneSnapshots(store);
      }
      process.stdout.write(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
    });
}

/** The local build cache: step records (least recently used first, down to `keepBytes`; with their leases, so GC can then free the layers) and, when pruning all, the cache mounts. */
async function pruneBuildCache(store: Store, dryRun: boolean, keepBytes?: number): Promise<{ records: number; mounts: number; reclaimedBytes: number }> {
  const { pruneStepCache } = await import('../../solver/prune.js');
  const steps = await pruneStepCache(store, { keepBytes, dryRun });
  if (keepBytes !== undefined) return { records: steps.records, mounts: 0, reclaimedBytes: 0 };
  const { pruneCacheMounts } = await import('../../solver/ops/cache-mount.js');
  const mounts = await pruneCacheMounts(store.root, { dryRun });
  return { records: steps.records, mounts: mounts.removed, reclaimedBytes: mounts.bytes };
}

function parseSizeFlag(v: string): number {
  try {
    return parseSize(v);
  } catch (e) {
    throw new DrydockError('USAGE', `--keep-storage: ${(e as Error).message}`);
  }
}
