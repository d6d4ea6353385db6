import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, symlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secureJoin } from '../../../src/archive/securejoin.js';

test('secureJoin keeps symlinks and .. inside the root', async () => {
  const root = await mkdtemp(join(tmpdir(), 'sj-'));
  try {
    await mkdir(join(root, 'real/sub'), { recursive: true });
    await symlink('/etc', join(root, 'abs'));          // absolute: means <root>/etc
    await symlink('../../..', join(root, 'real/sub/up')); // climbs past the root: clamped
    await symlink('real', join(root, 'rel'));
    assert.equal(await secureJoin(root, '/abs/passwd'), join(root, 'etc/passwd'));
    assert.equal(await secureJoin(root, 'real/sub/up/x'), join(root, 'x'));
    assert.equal(await secureJoin(root, '/rel/sub'), join(root, 'real/sub'));
    assert.equal(await secureJoin(root, '/../../x'), join(root, 'x'));
    assert.equal(await secureJoin(root, '/missing/dir'), join(root, 'missing/dir'));
    // `..` written in the path is lexical (containerd's RootPath cleans first); in a target, it climbs from the link.
    await symlink('real/sub', join(root, 'deep'));
    assert.equal(await secureJoin(root, 'deep/../x'), join(root, 'x'));
    await symlink('sub/../sub', join(root, 'real/again'));
    assert.equal(await secureJoin(root, 'real/again/f'), join(root, 'real/sub/f'));
    assert.equal(await secureJoin(root, 'rel', { followLast: false }), join(root, 'rel'));
    assert.equal(await secureJoin(root, 'rel'), join(root, 'real'));
    await symlink('loop', join(root, 'loop'));
    await assert.rejects(secureJoin(root, '/loop/x'), /too many levels/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
