/**
 * Run an image's command once, in a throwaway snapshot: what `docker run --rm IMAGE [ARGS]`
 * does, minus a daemon. ENTRYPOINT + (ARGS or CMD), the image's Env, WorkingDir and User.
 */
import type { Store } from '../store/index.js';
import type { Platform } from '../image/oci.js';
import { hostPlatform } from '../image/oci.js';
import { DrydockError } from '../util/errors.js';
import { ensureLayers } from '../solver/workspace.js';
import { LayerSizes } from '../solver/layer-size.js';

export interface RunImageOptions {
  args?: string[];
  entrypoint?: string[];
  env?: string[];
  user?: string;
  workdir?: string;
  network?: 'host' | 'none';
  platform?: Platform;
  snapshotter?: 'overlay' | 'copy' | 'auto';
  stdout?: (c: Buffer) => void;
  stderr?: (c: Buffer) => void;
  signal?: AbortSignal;
}

export async function runImage(store: Store, ref: string, o: RunImageOptions = {}): Promise<number> {
  const [{ resolveImage }, { openSnapshotter }, { runContainer }] = await Promise.all([
    import('../image/resolve.js'), import('../snapshot/index.js'), import('../exec/index.js'),
  ]);
  const rec = await store.images.get(ref);
  if (!rec) throw new DrydockError('NOT_FOUND', `No such image: ${ref}`);
  const img = await resolveImage(store, rec.target, o.platform ?? hostPlatform());
  const diffIDs = img.config.rootfs.diff_ids;
  const layers = img.manifest.layers.map((d, i) => ({ descriptor: d, diffID: diffIDs[i] }));
  await (await import('../exec/index.js')).sweepOrphanContainers();
  const snapshotter = await openSnapshotter(store.root, { driver: o.snapshotter ?? 'auto' });
  await ensureLayers({ store, snapshotter, sizes: new LayerSizes(store.root) }, layers);
  const cfg = img.config.config ?? {};
  const entrypoint = o.entrypoint ?? cfg.Entrypoint ?? [];
  const args = [...entrypoint, ...(o.args?.length ? o.args : o.entrypoint ? [] : cfg.Cmd ?? [])];
  if (args.length === 0) throw new DrydockError('USAGE', `${ref}: no command specified (the image has no ENTRYPOINT or CMD)`);
  const active = await snapshotter.prepare(layers.map((l) => l.diffID));
  try {
    const { exitCode } = await runContainer({
      rootfs: active.rootfs,
      args,
      env: [...(cfg.Env ?? []), ...(o.env ?? [])],
      cwd: o.workdir ?? (cfg.WorkingDir || '/'),
      user: o.user ?? (cfg.User || undefined),
      network: o.network ?? 'host',
      hostname: rec.ref.split('/').pop()?.split(/[:@]/)[0]?.slice(0, 63),
      stdout: o.stdout,
      stderr: o.stderr,
      signal: o.signal,
    });
    return exitCode;
  } finally {
    await active.release();
  }
}
