/**
 * A prune killed between removing a layer and removing an alias of it (snapshots/layers/<diffID>
 * -> <id>, snapshot/store.ts alias()) left the alias pointing at nothing, and every later unpack
 * of that diffID failed with ENOTDIR (its rename onto the dangling link). The prune now removes
 * aliases first, and an unpack replaces a dangling alias. Planted here as the kill leaves it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { runDrydock } from '../../helpers/cli.js';
import { storeWith, contextDir } from '../build/util.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';

after(() => removeTmpStoreRoots());

test('a build unpacks a layer whose alias a killed prune left dangling', async () => {
  const { root } = await storeWith('busybox');
  const inspect = await runDrydock(['inspect', 'busybox'], { root });
  assert.equal(inspect.code, 0, inspect.stderr);
  const diffID = (JSON.parse(inspect.stdout) as Array<{ RootFS: { Layers: string[] } }>)[0]!.RootFS.Layers[0]!;
  const layers = join(root, 'snapshots', 'layers');
  await mkdir(layers, { recursive: true });
  await symlink('1'.repeat(64), join(layers, diffID.slice('sha256:'.length)));

  const fsck = await runDrydock(['fsck'], { root });
  assert.match(fsck.stdout, /incomplete layer .* \(alias of missing 1{64}\) \(found\)/);
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo ok > /ok\n' });
  const built = await runDrydock(['build', '-q', ctx], { root });
  assert.equal(built.code, 0, built.stderr);
  const after = await runDrydock(['fsck'], { root });
  assert.match(after.stdout, /^checked \d+ blobs: ok\n$/);
});
