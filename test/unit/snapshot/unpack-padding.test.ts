import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extractTar } from '../../../src/snapshot/unpack.js';

/** A GNU tar archive cut at its end-of-archive marker, and its record padding sent late. */
async function archive(): Promise<{ body: Buffer; padding: Buffer; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-pad-'));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src/hello.txt'), 'hi\n');
  const full = execFileSync('tar', ['-C', join(dir, 'src'), '-cf', '-', 'hello.txt']);
  const end = 512 + 512 + 1024; // header, one data block, two zero blocks
  assert.ok(full.length > end, 'GNU tar pads the archive to a full record');
  return { body: full.subarray(0, end), padding: full.subarray(end), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

test('padding after the end-of-archive marker that tar no longer reads is not an error', async () => {
  const a = await archive();
  const dest = await mkdtemp(join(tmpdir(), 'drydock-pad-out-'));
  try {
    const src = Readable.from((async function* () {
      yield a.body;
      await new Promise((r) => setTimeout(r, 300)); // tar has read the end marker and exited by now
      for (let i = 0; i < 64; i++) yield a.padding;
    })());
    await extractTar(() => src, dest);
    assert.equal(await readFile(join(dest, 'hello.txt'), 'utf8'), 'hi\n');
  } finally {
    await a.cleanup();
    await rm(dest, { recursive: true, force: true });
  }
});

test('a truncated archive still fails', async () => {
  const a = await archive();
  const dest = await mkdtemp(join(tmpdir(), 'drydock-pad-out-'));
  try {
    await assert.rejects(extractTar(() => Readable.from([a.body.subarray(0, 700)]), dest), { message: 'unexpected end of tar archive (truncated?)' });
  } finally {
    await a.cleanup();
    await rm(dest, { recursive: true, force: true });
  }
});
