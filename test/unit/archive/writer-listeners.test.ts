/**
 * TarWriter waits for its reader (backpressure) once per full buffer. Each wait must leave no
 * listener behind on the output stream: before, every wait left a `close` and an `error`
 * listener, and an archive of a Debian image's files made Node print MaxListenersExceededWarning
 * (issue 14, item 5).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TarWriter } from '../../../src/archive/writer.js';

test('a slow reader: many backpressure waits, no listeners left over, no warning', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const w = new TarWriter();
    let read = 0;
    const reader = (async () => {
      for await (const chunk of w.output) {
        read += (chunk as Buffer).length;
        await sleep(1); // slower than the writer: it must wait for 'drain'
      }
    })();
    const base = { close: w.output.listenerCount('close'), error: w.output.listenerCount('error') };
    const body = Buffer.alloc(3 << 20, 1); // 3 MiB: more than the output's 1 MiB buffer
    const header = { type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size: body.length, mtime: 0 };
    let most = 0;
    for (let i = 0; i < 40; i++) {
      await w.add({ ...header, name: `f${i}` }, pieces(body, 1 << 20));
      most = Math.max(most, w.output.listenerCount('close') - base.close, w.output.listenerCount('error') - base.error);
    }
    await w.finish();
    await reader;
    assert.equal(read, 40 * ((3 << 20) + 512) + 1024);
    assert.equal(most, 0, 'listeners added while waiting are removed when the wait ends');
    await sleep(10); // warnings are emitted on the next tick
    assert.deepEqual(warnings.map((x) => x.name), []);
  } finally {
    process.off('warning', onWarning);
  }
});

async function* pieces(b: Buffer, size: number): AsyncIterable<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
