/**
 * `drydock inspect [--platform P] IMAGE...` — JSON like `docker image inspect`, plus the manifest;
 * a multi-platform image also lists its platforms (and which the store holds).
 */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('inspect')
    .description('Show low-level information about images (JSON)')
    .argument('<image...>', 'image references or ids')
    .option('--platform <os/arch[/variant]>', "inspect this platform's image of a multi-platform image (default the host's)")
    .action(async (names: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; platform?: string }>();
      const [{ openStore }, { inspectImage }, { DrydockError }] = await Promise.all([
        import('../../store/index.js'), import('../../image/index.js'), import('../../util/errors.js')]);
      const store = await openStore(opts.root);
      let platform;
      if (opts.platform) {
        const { parsePlatform, normalizePlatform } = await import('../../image/platform.js');
        const p = parsePlatform(opts.platform);
        if (!p) throw new DrydockError('USAGE', `invalid --platform "${opts.platform}": expected os/arch[/variant], e.g. linux/arm64`);
        platform = normalizePlatform(p);
      }
      const out = [];
      for (const name of names) {
        const rec = await store.images.get(name);
        if (!rec) throw new DrydockError('NOT_FOUND', `No such image: ${name}`);
        out.push(await inspectImage(store, rec, platform));
      }
      process.stdout.write(`${JSON.stringify(out, null, 4)}\n`);
    });
}
