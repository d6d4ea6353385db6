/**
 * A new store marks snapshots/active and snapshots/tmp as tops of directory hierarchies (ext4's
 * T attribute), so each snapshot's tree is placed apart from the trees deleted before it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openSnapshotter } from '../../../src/snapshot/index.js';

function attrs(dir: string): string | undefined {
  try {
    return execFileSync('lsattr', ['-d', dir], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split(' ')[0];
  } catch {
    return undefined; // no lsattr, or a file system without these attributes
  }
}

test('snapshots/active and snapshots/tmp get the T attribute where the file system has it', async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'drydock-spread-'));
  try {
    if (attrs(root) === undefined) return t.skip('no ext2/3/4 attributes here');
    await openSnapshotter(root, { driver: 'copy' });
    assert.match(attrs(path.join(root, 'snapshots', 'active'))!, /T/);
    assert.match(attrs(path.join(root, 'snapshots', 'tmp'))!, /T/);
    assert.doesNotMatch(attrs(path.join(root, 'snapshots', 'layers'))!, /T/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
