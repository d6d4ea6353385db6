/** Looks at a stream's first bytes to undo gzip/zstd compression, like `docker load` and `docker import`. */
import { PassThrough, type Readable } from 'node:stream';
import type { Compression } from './oci.js';
import { decompressor, detectCompression, through } from './compression.js';

/** Resolves once the first bytes have arrived; the returned stream yields the decompressed bytes. */
export async function autoDecompress(src: Readable): Promise<Readable> {
  const { compression, stream } = await sniff(src);
  return through(stream, decompressor(compression));
}

export async function sniff(src: Readable): Promise<{ compression: Compression; stream: Readable }> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let len = 0;
    const onData = (c: Buffer) => {
      chunks.push(c);
      len += c.length;
      if (len >= 4) done();
    };
    const done = () => {
      src.off('data', onData).off('end', done).off('error', reject);
      src.pause();
      resolve(Buffer.concat(chunks));
    };
    src.on('data', onData).once('end', done).once('error', reject);
  });
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  out.write(head);
  if (src.readableEnded) out.end();
  else {
    src.on('error', (e) => out.destroy(e));
    src.pipe(out);
  }
  return { compression: detectCompression(head), stream: out };
}
