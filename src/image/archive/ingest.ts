/**
 * Ingesting a blob of unknown kind from an archive: store the bytes as they are and, when they
 * are compressed, hash the decompressed stream on the way (the diffID of a layer) in the same pass.
 */
import { PassThrough, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Store } from '../../store/index.js';
import { DrydockError } from '../../util/errors.js';
import { HashingStream } from '../digest.js';
import { decompressor } from '../compression.js';
import { sniff } from '../sniff.js';
import type { Compression, Digest } from '../oci.js';

export interface IngestedBlob {
  digest: Digest;
  size: number;
  compression: Compression;
  /** Digest of the decompressed bytes (equal to `digest` when uncompressed). */
  diffID: Digest;
}

export async function ingestBlob(store: Store, src: Readable, expected?: { digest?: Digest; size?: number }): Promise<IngestedBlob> {
  const { compression, stream } = await sniff(src);
  const dec = decompressor(compression);
  if (!dec) {
    const r = await store.content.writeStream(stream, expected);
    return { ...r, compression, diffID: r.digest };
  }
  const toStore = new PassThrough({ highWaterMark: 1 << 20 });
  const diff = new HashingStream();
  stream.pipe(toStore);
  stream.pipe(dec);
  stream.on('error', (e) => {
    toStore.destroy(e);
    dec.destroy(e);
  });
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const decoded = pipeline(dec, diff, sink).catch((e: unknown) => {
    throw new DrydockError('FORMAT', `corrupt ${compression} data in archive: ${(e as Error).message}`, { cause: e });
  });
  const [r] = await Promise.all([store.content.writeStream(toStore, expected), decoded]);
  return { ...r, compression, diffID: diff.digest() };
}
