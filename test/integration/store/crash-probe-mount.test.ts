/**
 * The overlay driver probe (snapshot/snapshotter.ts overlayWorks) mounts in snapshots/tmp/<pid>-*.
 * Killed there, it left a mount that the next drydock's recovery tried to `rm -r`: every command
 * opening the snapshotter then failed with "EBUSY: resource busy or locked, rmdir …". Recovery
 * now unmounts a dead process's mounts in tmp/ first. Planted here as the kill leaves it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runDrydock } from '../../helpers/cli.js';
import { storeWith, contextDir } from '../build/util.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';

after(() => removeTmpStoreRoots());

test('a build recovers from a driver probe killed while mounted', async () => {
  const { root } = await storeWith('busybox');
  const dead = spawnSync('true').pid!;
  const probe = join(root, 'snapshots', 'tmp', `${dead}-0a1b2c3d4e5f`);
  const merged = join(probe, 'merged');
  await mkdir(merged, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', merged]);
  await writeFile(join(merged, 'file'), 'x');

  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo ok > /ok\n' });
  const built = await runDrydock(['build', '-q', ctx], { root });
  const mounted = (await readFile('/proc/self/mountinfo', 'utf8')).includes(` ${merged} `);
  if (mounted) execFileSync('umount', ['-l', merged]);
  assert.equal(built.code, 0, built.stderr);
  assert.equal(mounted, false, 'the dead probe is unmounted');
  const fsck = await runDrydock(['fsck'], { root });
  assert.match(fsck.stdout, /^checked \d+ blobs: ok\n$/);
});
