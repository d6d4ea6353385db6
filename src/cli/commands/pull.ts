/** `drydock pull [--platform P] [--tls-verify=false] [-q] REF` — prints what `docker pull` prints. */
import type { Command } from 'commander';
import type { TransferEvent } from '../../registry/index.js';

export function parseBool(v: string): boolean {
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw new Error(`invalid boolean ${JSON.stringify(v)}`);
}

export function register(program: Command): void {
  program
    .command('pull')
    .description('Pull an image from a registry into the store')
    .argument('<ref>', 'image reference, e.g. busybox or 127.0.0.1:5000/app:1.0')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image')
    .option('--tls-verify <bool>', 'require HTTPS and verify certificates (false also allows plain HTTP)', parseBool)
    .option('-q, --quiet', 'print only the image reference')
    .option('--no-unpack', 'leave the layers packed until a build needs them (saves disk space)')
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; platform?: string; tlsVerify?: boolean; quiet?: boolean; unpack: boolean }>();
      const [{ openStore }, { pullImage }, { parsePlatform, parseReference, DrydockError }] = await Promise.all([
        import('../../store/index.js'), import('../../registry/index.js'), imageAndErrors(),
      ]);
      let platform;
      if (opts.platform) {
        platform = parsePlatform(opts.platform);
        if (!platform) throw new DrydockError('USAGE', `invalid platform ${JSON.stringify(opts.platform)} (want os/arch[/variant])`);
      }
      const r = parseReference(ref);
      const out = (s: string) => { if (!opts.quiet) process.stdout.write(`${s}\n`); };
      out(`${r.digest ?? r.tag}: Pulling from ${r.path}`);
      let downloaded = 0;
      const onProgress = (e: TransferEvent) => {
        const id = e.digest.slice(7, 19);
        if (e.phase === 'exists') out(`${id}: Already exists`);
        if (e.phase === 'done') { downloaded++; out(`${id}: Pull complete`); }
      };
      const store = await openStore(opts.root);
      const res = await pullImage(store, ref, { platform, tlsVerify: opts.tlsVerify, onProgress });
      // Ready to build on, as docker leaves a pulled image: its layers unpacked in the snapshotter.
      if (opts.unpack) await (await import('../../solver/workspace.js')).unpackImage(store, res.target, platform);
      out(`Digest: ${res.target.digest}`);
      out(`Status: ${downloaded ? 'Downloaded newer image' : 'Image is up to date'} for ${r.familiar()}`);
      process.stdout.write(`${res.ref}\n`);
    });
}

async function imageAndErrors() {
  const [image, errors] = await Promise.all([import('../../image/index.js'), import('../../util/errors.js')]);
  return { parsePlatform: image.parsePlatform, parseReference: image.parseReference, DrydockError: errors.DrydockError };
}
