import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveUser } from '../../../src/exec/user.js';
import { lookupGroup, lookupUser, parseGroup, parsePasswd } from '../../../src/exec/passwd.js';
import { isDrydockError } from '../../../src/util/errors.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:App:/home/app:/bin/sh\n\n  \nweird:x:abc:7::/:\n';
const GROUP = 'root:x:0:\napp:x:1001:\nstaff:x:50:app\naudio:x:29:root,app\nwheel:x:10:root\n';

async function rootfs(files: Record<string, string> = { 'etc/passwd': PASSWD, 'etc/group': GROUP }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'drydock-user-'));
  await mkdir(path.join(dir, 'etc'));
  for (const [f, text] of Object.entries(files)) await writeFile(path.join(dir, f), text);
  return dir;
}

test('parsePasswd and parseGroup follow moby/sys/user (blank lines skipped, bad numbers are 0)', () => {
  assert.deepEqual(parsePasswd(PASSWD).map((u) => [u.name, u.uid, u.gid, u.home]), [
    ['root', 0, 0, '/root'],
    ['app', 1000, 1001, '/home/app'],
    ['weird', 0, 7, '/'],
  ]);
  assert.deepEqual(parseGroup(GROUP).find((g) => g.name === 'audio')?.members, ['root', 'app']);
});

test('lookupUser and lookupGroup by name and by id', async () => {
  const r = await rootfs();
  assert.equal((await lookupUser(r, 'app'))?.uid, 1000);
  assert.equal((await lookupUser(r, '1000'))?.name, 'app');
  assert.equal(await lookupUser(r, 'nobody'), undefined);
  assert.equal((await lookupGroup(r, 'staff'))?.gid, 50);
  assert.equal((await lookupGroup(r, '29'))?.name, 'audio');
});

test('resolveUser: name gives passwd gid and the groups listing the user', async () => {
  const r = await rootfs();
  assert.deepEqual(await resolveUser(r, 'app'), { uid: 1000, gid: 1001, additionalGids: [1001, 50, 29] });
  assert.deepEqual(await resolveUser(r, ''), { uid: 0, gid: 0, additionalGids: [0, 29, 10] });
  assert.deepEqual(await resolveUser(r, '1000'), { uid: 1000, gid: 1001, additionalGids: [1001, 50, 29] });
});

test('resolveUser: explicit group replaces the gid and drops supplementary groups', async () => {
  const r = await rootfs();
  assert.deepEqual(await resolveUser(r, 'app:staff'), { uid: 1000, gid: 50, additionalGids: [50] });
  assert.deepEqual(await resolveUser(r, 'app:4242'), { uid: 1000, gid: 4242, additionalGids: [4242] });
  assert.deepEqual(await resolveUser(r, '5000:6000'), { uid: 5000, gid: 6000, additionalGids: [6000] });
  assert.deepEqual(await resolveUser(r, 'root:root'), { uid: 0, gid: 0, additionalGids: [0] });
});

test('resolveUser: unknown numeric uid is allowed with gid 0', async () => {
  const r = await rootfs();
  assert.deepEqual(await resolveUser(r, '4321'), { uid: 4321, gid: 0, additionalGids: [0] });
});

test("resolveUser: Docker's errors for unknown names", async () => {
  const r = await rootfs();
  await assert.rejects(resolveUser(r, 'ghost'), (e) => isDrydockError(e) && e.message === 'unable to find user ghost: no matching entries in passwd file');
  await assert.rejects(resolveUser(r, 'app:ghosts'), (e) => isDrydockError(e) && e.message === 'unable to find group ghosts: no matching entries in group file');
  const bare = await rootfs({});
  await assert.rejects(resolveUser(bare, 'app'), /unable to find user app: no matching entries in passwd file/);
  assert.deepEqual(await resolveUser(bare, ''), { uid: 0, gid: 0, additionalGids: [0] });
});

test('the passwd file is read inside the rootfs even through an absolute symlink', async () => {
  const r = await rootfs({ 'etc/real-passwd': 'inside:x:77:77::/:\n' });
  // On the host /etc/passwd has no "inside" user: following the link on the host would miss it.
  await symlink('/etc/real-passwd', path.join(r, 'etc/passwd'));
  assert.equal((await lookupUser(r, 'inside'))?.uid, 77);
  const escape = await rootfs({});
  // Outside the rootfs this would reach the host's /etc/group, whose 'root:x:0:' parses as a user.
  await symlink('../../../../../../etc/group', path.join(escape, 'etc/passwd'));
  assert.equal(await lookupUser(escape, 'root'), undefined);
});
