import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readXattrTree, readXattrs, writeXattr } from '../../../src/util/xattr.js';

describe('extended attributes (util/xattr, the l*xattr calls)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'drydock-xattr-'));
    await mkdir(path.join(dir, 'sub/deeper'), { recursive: true });
    await writeFile(path.join(dir, 'sub/deeper/f'), 'x');
    await writeFile(path.join(dir, 'plain'), 'y');
    await symlink('plain', path.join(dir, 'link'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes and reads back binary values; a file without any has none', () => {
    writeXattr(path.join(dir, 'sub/deeper/f'), 'user.bin', Buffer.from([0, 1, 255]));
    writeXattr(path.join(dir, 'sub/deeper/f'), 'trusted.t', Buffer.from('v'));
    assert.deepEqual(readXattrs(path.join(dir, 'sub/deeper/f')), new Map([['user.bin', Buffer.from([0, 1, 255])], ['trusted.t', Buffer.from('v')]]));
    assert.equal(readXattrs(path.join(dir, 'plain')).size, 0);
  });

  it('never follows a symlink: its own attributes are read and written', () => {
    writeXattr(path.join(dir, 'link'), 'trusted.on-link', Buffer.from('1'));
    assert.deepEqual([...readXattrs(path.join(dir, 'link')).keys()], ['trusted.on-link']);
    assert.equal(readXattrs(path.join(dir, 'plain')).size, 0);
  });

  it('dumps a tree by absolute path, only entries that have attributes, root included', () => {
    writeXattr(path.join(dir, 'sub'), 'trusted.overlay.opaque', Buffer.from('y'));
    const tree = readXattrTree(dir);
    assert.deepEqual([...tree.keys()].sort(), [path.join(dir, 'link'), path.join(dir, 'sub'), path.join(dir, 'sub/deeper/f')]);
    assert.deepEqual(readXattrs(path.join(dir, 'sub')), new Map([['trusted.overlay.opaque', Buffer.from('y')]]));
  });

  it('a vanished file has none; a refused write names the file and carries the errno code', () => {
    assert.equal(readXattrs(path.join(dir, 'gone')).size, 0);
    assert.throws(() => writeXattr(path.join(dir, 'gone'), 'user.x', Buffer.from('1')), (e: NodeJS.ErrnoException) => {
      assert.equal(e.code, 'ENOENT');
      assert.match(e.message, /setting extended attribute user\.x on .*\/gone/);
      return true;
    });
    // user.* attributes are not allowed on symlinks (Linux).
    assert.throws(() => writeXattr(path.join(dir, 'link'), 'user.x', Buffer.from('1')), (e: NodeJS.ErrnoException) => e.code === 'EPERM');
  });
});
