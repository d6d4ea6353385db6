/**
 * Layer unpack, GNU tar against drydock's own extractor (src/archive), on one layer tar:
 *
 *   node --import tsx bench/unpack.ts --with gnu|js [--tar FILE] [--runs 5]
 *
 * Each run unpacks the whole tar into a fresh directory (whiteouts converted as the snapshot store
 * does) and prints its wall time; the default tar is the golang fixture's rootfs (21,000 entries,
 * 600 MB: build it with the test suite first). The median decides which one src/snapshot uses;
 * docs/archive.md has the figures. Run both sides in one session, interleaved, on a quiet machine.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { extractTar, gnuExtract } from '../src/archive/index.js';
import { convertWhiteouts } from '../src/snapshot/unpack.js';
import { testCacheDir } from '../test/helpers/paths.js';
import { formatSeconds, median } from './measure.js';

const { values } = parseArgs({ options: { with: { type: 'string' }, tar: { type: 'string' }, runs: { type: 'string', default: '5' } } });
const tar = values.tar ?? path.join(testCacheDir(), readdirSync(testCacheDir()).find((f) => /^golang-.*\.tar$/.test(f)) ?? 'golang.tar');
if (values.with !== 'gnu' && values.with !== 'js') throw new Error('--with gnu|js');
const dest = path.join(os.tmpdir(), `drydock-unpack-bench-${process.pid}`);
const times: number[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest);
  const t = performance.now();
  const src = () => createReadStream(tar, { highWaterMark: 1 << 20 });
  if (values.with === 'gnu') await gnuExtract(src, dest);
  else await extractTar(src(), dest, { whiteouts: 'keep', rootMetadata: true });
  await convertWhiteouts(dest, { setOpaqueXattr: true });
  times.push((performance.now() - t) / 1000);
}
await rm(dest, { recursive: true, force: true });
process.stdout.write(`${values.with}: median ${formatSeconds(median(times))} of ${times.map(formatSeconds).join(' ')}\n`);
