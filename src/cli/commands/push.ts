/** `drydock push [--tls-verify=false] [--chunk-size N] REF [REMOTE_REF]` — prints what `docker push` prints. */
import type { Command } from 'commander';
import type { TransferEvent } from '../../registry/index.js';
import { parseBool } from './pull.js';

export function register(program: Command): void {
  program
    .command('push')
    .description('Push an image from the store to a registry')
    .argument('<ref>', 'local image reference')
    .argument('[destination]', 'push under this reference instead (default: the same name)')
    .option('--tls-verify <bool>', 'require HTTPS and verify certificates (false also allows plain HTTP)', parseBool)
    .option('--chunk-size <bytes>', 'upload blobs in chunks of this many bytes', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`invalid chunk size ${JSON.stringify(v)}`);
      return n;
    })
    .option('-q, --quiet', 'print only the pushed digest')
    .action(async (ref: string, destination: string | undefined, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ root?: string; tlsVerify?: boolean; chunkSize?: number; quiet?: boolean }>();
      const [{ openStore }, { pushImage }, { parseReference }] = await Promise.all([
        import('../../store/index.js'), import('../../registry/index.js'), import('../../image/index.js'),
      ]);
      const dst = parseReference(destination ?? ref);
      const out = (s: string) => { if (!opts.quiet) process.stdout.write(`${s}\n`); };
      out(`The push refers to repository [${dst.repository}]`);
      const onProgress = (e: TransferEvent) => {
        const id = e.digest.slice(7, 19);
        if (e.phase === 'exists') out(`${id}: Layer already exists`);
        if (e.phase === 'mounted') out(`${id}: Mounted from ${e.detail}`);
        if (e.phase === 'done') out(`${id}: Pushed`);
      };
      const store = await openStore(opts.root);
      const { digest } = await pushImage(store, ref, destination ?? ref, { tlsVerify: opts.tlsVerify, chunkSize: opts.chunkSize, onProgress });
      if (opts.quiet) process.stdout.write(`${digest}\n`);
      else out(`${dst.tag ?? dst.digest}: digest: ${digest}`);
    });
}
