import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { writeOutputFile } from '../../../src/util/output-file.js';

describe('writeOutputFile', () => {
  it('writes a file beside the destination and renames it into place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outfile-'));
    try {
      await writeOutputFile(join(dir, 'a.tar'), Readable.from([Buffer.from('archive')]));
      assert.equal(readFileSync(join(dir, 'a.tar'), 'utf8'), 'archive');
      assert.deepEqual(readdirSync(dir), ['a.tar']);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('writes into a FIFO or device in place instead of renaming a file over it (save -o /dev/null)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outfile-'));
    try {
      const fifo = join(dir, 'pipe');
      execFileSync('mkfifo', [fifo]);
      const chunks: Buffer[] = [];
      const read = new Promise<void>((res, rej) => createReadStream(fifo).on('data', (c) => chunks.push(c as Buffer)).on('end', res).on('error', rej));
      await writeOutputFile(fifo, Readable.from([Buffer.from('through the pipe')]));
      await read;
      assert.equal(Buffer.concat(chunks).toString(), 'through the pipe');
      assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO is still a FIFO');
      assert.deepEqual(readdirSync(dir), ['pipe'], 'no partial file left beside it');
      const before = lstatSync('/dev/null');
      await writeOutputFile('/dev/null', Readable.from([Buffer.from('gone')]));
      const after = lstatSync('/dev/null');
      assert.ok(after.isCharacterDevice());
      assert.equal(after.mode, before.mode);
      assert.equal(after.ino, before.ino);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
