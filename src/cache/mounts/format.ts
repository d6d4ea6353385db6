/**
 * How cache mounts travel in a cache artifact (docs/cache.md, "Cache mounts"). The cache config
 * lists each exported mount; the manifest's layers hold, per mount, one index blob
 * (MOUNT_INDEX_MEDIA_TYPE) and the chunk blobs it names (gzipped tars, plain OCI layer media
 * type), so any registry or OCI layout holds them and an unchanged chunk is stored once.
 */
import { isDigest } from '../../image/digest.js';
import { MediaType, type Descriptor, type Digest } from '../../image/oci.js';
import { DrydockError } from '../../util/errors.js';

export const MOUNT_INDEX_MEDIA_TYPE = 'application/vnd.drydock.cache.mount.index.v1+json';
export const MOUNT_CHUNK_MEDIA_TYPE = MediaType.OciLayerGzip;

/** One exported cache mount, as the cache config lists it. */
export interface ExportedMount {
  /** The cache id (`id=`, else the target). */
  id: string;
  /** Its directory name: id and starting content hashed, the same on every machine. */
  name: string;
  /** The mount's index blob (a layer of the manifest). */
  index: Digest;
  /** Content bytes and entries, for messages. */
  bytes: number;
  entries: number;
}

/** A mount's index blob: its root's metadata and its chunks in extraction order. */
export interface MountIndex {
  version: 1;
  id: string;
  name: string;
  root: { mode: number; uid: number; gid: number };
  /** Each chunk: a gzipped tar of consecutive entries (by path), and the paths it holds. */
  chunks: Array<{ digest: Digest; size: number; bytes: number; paths: string[] }>;
  /**
   * Directories' mtimes (seconds), set again after the last chunk: a later chunk's files touch
   * their parents, and the restored tree must pack into the same chunks on the next export.
   */
  dirTimes?: Record<string, number>;
}

export function chunkDescriptor(c: { digest: Digest; size: number }): Descriptor {
  return { mediaType: MOUNT_CHUNK_MEDIA_TYPE, digest: c.digest, size: c.size };
}

/** The mounts a cache config lists, each with its index blob found among the manifest's layers. */
export function readMounts(raw: unknown, byDigest: Map<Digest, Descriptor>, what: string): Array<{ mount: ExportedMount; index: Descriptor }> {
  const list = (raw as { mounts?: unknown } | undefined)?.mounts;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new DrydockError('FORMAT', `${what}: malformed cache mounts`);
  return list.map((m: Partial<ExportedMount>) => {
    const index = m && typeof m.index === 'string' ? byDigest.get(m.index as Digest) : undefined;
    if (!m || typeof m.id !== 'string' || typeof m.name !== 'string' || !/^[0-9a-f]{32}$/.test(m.name) || !index) {
      throw new DrydockError('FORMAT', `${what}: malformed cache mount ${JSON.stringify(m).slice(0, 120)}`);
    }
    return { mount: { id: m.id, name: m.name, index: index.digest, bytes: Number(m.bytes) || 0, entries: Number(m.entries) || 0 }, index };
  });
}

export function parseMountIndex(bytes: Buffer, what: string): MountIndex {
  let x: Partial<MountIndex>;
  try {
    x = JSON.parse(bytes.toString('utf8')) as Partial<MountIndex>;
  } catch {
    throw new DrydockError('FORMAT', `${what}: mount index is not JSON`);
  }
  // The name becomes a lease's file name: only what cacheMount makes (32 hex digits).
  const ok = x && x.version === 1 && typeof x.name === 'string' && /^[0-9a-f]{32}$/.test(x.name)
    && x.root && [x.root.mode, x.root.uid, x.root.gid].every(Number.isInteger) && Array.isArray(x.chunks)
    && x.chunks.every((c) => c && isDigest(c.digest) && Number.isInteger(c.size) && Array.isArray(c.paths) && c.paths.every((p) => typeof p === 'string'))
    && (x.dirTimes === undefined || (typeof x.dirTimes === 'object' && Object.values(x.dirTimes).every(Number.isFinite)));
  if (!ok) throw new DrydockError('FORMAT', `${what}: malformed mount index`);
  return x as MountIndex;
}
