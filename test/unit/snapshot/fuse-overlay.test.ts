/**
 * fuse-overlayfs's upperdir names (src/snapshot/fuse-overlay.ts): where mknod is refused, a
 * deletion is a `.wh.<name>` file; its opaque markers are never rootfs files. Built images through
 * the driver: test/integration/rootless/fuse.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuseOpaque, fuseUpperNames, fuseWhiteoutTarget } from '../../../src/snapshot/fuse-overlay.js';

test('.wh.<name> files are deletions at the place of <name>; the markers are left out', () => {
  assert.deepEqual(fuseUpperNames(['b', '.wh.a', '.wh..wh..opq', '.wh..opq', '.wh.c', 'd']), [
    { name: 'a', deleted: true }, { name: 'b', deleted: false }, { name: 'c', deleted: true }, { name: 'd', deleted: false },
  ]);
  // A file made again after its deletion: the file, not the stale whiteout.
  assert.deepEqual(fuseUpperNames(['.wh.a', 'a']), [{ name: 'a', deleted: false }]);
  assert.equal(fuseWhiteoutTarget('.wh..wh..opq'), undefined);
  assert.equal(fuseWhiteoutTarget('.wh.'), undefined);
  assert.equal(fuseWhiteoutTarget('.wh.x.wh.y'), 'x.wh.y');
});

test('opaque: any of its xattrs, or the .wh..wh..opq file', () => {
  assert.equal(fuseOpaque(new Map([['user.fuseoverlayfs.opaque', Buffer.from('y')]]), []), true);
  assert.equal(fuseOpaque(new Map(), ['x', '.wh..wh..opq']), true);
  assert.equal(fuseOpaque(new Map([['user.other', Buffer.from('y')]]), ['.wh.x']), false);
});
