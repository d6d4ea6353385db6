/** `drydock fsck [--repair]` — re-hash every blob, find dangling references and broken or left-over state; exit 1 when the store has problems. */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('fsck')
    .description('Verify the store (re-hash every blob, check every reference, snapshot, step record, lease, lock and build record)')
    .option('--repair', 'remove corrupt blobs, dangling references, broken step and build records, and what killed processes left (snapshots, mounts, locks, leases, temp files)')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; repair?: boolean }>();
      const { openStore, fsck } = await import('../../store/index.js');
      const store = await openStore(opts.root);
      const r = await fsck(store, { repair: opts.repair });
      const verb = r.repaired ? 'removed' : 'found';
      for (const d of r.corruptBlobs) process.stdout.write(`corrupt blob ${d} (${verb})\n`);
      for (const d of r.danglingRefs) process.stdout.write(`dangling reference ${d.ref}: ${d.reason} (${verb})\n`);
      for (const f of r.invalidRefFiles) process.stdout.write(`unreadable reference file ${f} (${verb})\n`);
      for (const f of r.findings) process.stdout.write(`${f.what} (${verb})\n`);
      if (r.staleTemps) process.stdout.write(`${r.staleTemps} stale temp file(s) from killed processes (${r.repaired ? 'removed' : 'prune or --repair removes them'})\n`);
      process.stdout.write(`checked ${r.blobsChecked} blobs: ${r.ok ? 'ok' : r.repaired ? 'repaired' : 'problems found (run drydock fsck --repair)'}\n`);
      if (!r.ok && !r.repaired) process.exitCode = 1;
    });
}
