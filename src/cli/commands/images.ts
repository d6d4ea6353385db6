/**
 * `drydock images [-q] [--digests] [--no-trunc]` — the table `docker images` prints; a
 * multi-platform image has a row per stored platform, in a PLATFORM column.
 */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('images')
    .description('List images in the store')
    .option('-q, --quiet', 'only show image IDs')
    .option('--digests', 'show digests')
    .option('--no-trunc', "don't truncate output")
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; quiet?: boolean; digests?: boolean; trunc: boolean }>();
      const [{ openStore, humanSize, timeAgo }, { summarizePlatforms }] = await Promise.all([import('../../store/index.js'), import('../../image/index.js')]);
      const store = await openStore(opts.root);
      const rows = [];
      // A multi-platform image has a row per platform the store holds (with a PLATFORM column).
      for (const rec of await store.images.list()) rows.push(...(await summarizePlatforms(store, rec).catch(() => [])));
      const platforms = rows.some((r) => r.platform);
      const id = (d: string) => (opts.trunc ? d.slice(7, 19) : d);
      if (opts.quiet) {
        process.stdout.write([...new Set(rows.map((r) => id(r.id)))].map((x) => `${x}\n`).join(''));
        return;
      }
      const header = ['REPOSITORY', 'TAG', ...(platforms ? ['PLATFORM'] : []), ...(opts.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
      const table = rows.map((r) => [r.repository, r.tag, ...(platforms ? [r.platform ?? ''] : []), ...(opts.digests ? [r.digest] : []), id(r.id), timeAgo(r.created), humanSize(r.size)]);
      process.stdout.write(formatTable([header, ...table]));
    });
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd() + '\n').join('');
}
