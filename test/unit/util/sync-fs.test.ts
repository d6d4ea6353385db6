import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pacer, readWholeSync } from '../../../src/util/sync-fs.js';

test('readWholeSync reads a file of the expected size, and notices one that grew or shrank', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'drydock-syncfs-'));
  try {
    const f = path.join(dir, 'f');
    await writeFile(f, 'hello');
    assert.equal(readWholeSync(f, 5)?.toString(), 'hello');
    assert.equal(readWholeSync(f, 4), undefined);
    assert.equal(readWholeSync(f, 6), undefined);
    await writeFile(f, '');
    assert.equal(readWholeSync(f, 0)?.length, 0);
    const big = Buffer.alloc(300 * 1024, 7);
    await writeFile(f, big);
    assert.ok(readWholeSync(f, big.length)?.equals(big));
    assert.throws(() => readWholeSync(path.join(dir, 'missing'), 1), { code: 'ENOENT' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a Pacer lets the event loop run once its slice is used up, and not before', async () => {
  const pacer = new Pacer(1_000_000);
  assert.equal(pacer.pace(), undefined);
  const eager = new Pacer(0);
  let ran = false;
  setImmediate(() => (ran = true));
  await eager.pace();
  assert.ok(ran, 'an immediate queued before pace() ran first');
});
