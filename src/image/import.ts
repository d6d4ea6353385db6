/** `docker import`: a root filesystem (tar, possibly compressed, or a directory) as a one-layer image. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { DrydockError } from '../util/errors.js';
import type { Store } from '../store/index.js';
import { hostPlatform, type ContainerConfig, type Descriptor, type Digest, type ImageConfig, type Platform } from './oci.js';
import { applyChange } from './changes.js';
import { autoDecompress } from './sniff.js';
import { writeLayer } from './layer.js';
import { writeImage } from './write.js';
import { packDirectory } from '../archive/pack.js';
import { readTar } from '../archive/reader.js';
import { tarStream } from '../archive/writer.js';

export interface ImportOptions {
  changes?: string[];
  /** History comment; docker writes 'Imported from <source>'. */
  message?: string;
  /** The image's platform (`docker import --platform`); default the host's. */
  platform?: Platform;
}

/** Re-emits a tar through our reader/writer: rejects garbage and truncation before anything is committed. */
function normalizedTar(src: Readable): Readable {
  return tarStream(async (w) => {
    for await (const e of readTar(src)) await w.add(e.header, e.body);
  });
}

export async function importRootfs(store: Store, source: string, ref: string, opts: ImportOptions = {}): Promise<{ manifestDescriptor: Descriptor; configDigest: Digest }> {
  const st = await stat(source).catch(() => undefined);
  if (!st) throw new DrydockError('NOT_FOUND', `${source}: no such file or directory`);
  const tar = st.isDirectory() ? packDirectory(source) : normalizedTar(await autoDecompress(createReadStream(source)));
  return importTar(store, tar, ref, { ...opts, message: opts.message ?? `Imported from ${source}` });
}

/** The same from a tar stream (stdin for `drydock import -`). */
export async function importTar(store: Store, tar: Readable, ref: string, opts: ImportOptions = {}): Promise<{ manifestDescriptor: Descriptor; configDigest: Digest }> {
  const cfg: ContainerConfig = {};
  for (const c of opts.changes ?? []) applyChange(cfg, c);
  const { descriptor, diffID } = await writeLayer(store, tar, 'gzip');
  const created = new Date().toISOString();
  const platform = opts.platform ?? hostPlatform();
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    ...(Object.keys(cfg).length ? { config: cfg } : {}),
    rootfs: { type: 'layers', diff_ids: [diffID] },
    history: [{ created, comment: opts.message ?? 'Imported from -' }],
  };
  return writeImage(store, config, [descriptor], { refs: [ref] });
}

export { normalizedTar };
