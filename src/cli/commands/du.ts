/** `drydock du` — space by image (shared blobs counted once in the total), like `docker system df -v`. */
import type { Command } from 'commander';
import { formatTable } from './images.js';

export function register(program: Command): void {
  program
    .command('du')
    .description('Show disk usage of the store by image')
    .option('--json', 'print JSON')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; json?: boolean }>();
      const [{ openStore, diskUsage, humanSize }, { parseReference }] = await Promise.all([import('../../store/index.js'), import('../../image/index.js')]);
      const store = await openStore(opts.root);
      const du = await diskUsage(store);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(du, null, 2)}\n`);
        return;
      }
      const rows = du.images.map((i) => [i.refs.map((r) => parseReference(r).familiar()).join(', '), i.target.slice(7, 19), humanSize(i.size), humanSize(i.shared), humanSize(i.unique)]);
      process.stdout.write(formatTable([['IMAGE', 'DIGEST', 'SIZE', 'SHARED SIZE', 'UNIQUE SIZE'], ...rows]));
      process.stdout.write(`\nTotal: ${humanSize(du.totalBytes)} (reclaimable by prune: ${humanSize(du.reclaimableBytes)})\n`);
    });
}
