/**
 * The `auto` driver probe runs once per store root and boot: its answer is kept in
 * snapshots/driver.json and trusted while the boot id matches.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openSnapshotter } from '../../../src/snapshot/index.js';

const roots: string[] = [];
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

async function rootWith(memo?: object): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'drydock-drivermemo-'));
  roots.push(root);
  if (memo) {
    await mkdir(path.join(root, 'snapshots'), { recursive: true });
    await writeFile(path.join(root, 'snapshots', 'driver.json'), JSON.stringify(memo));
  }
  return root;
}

const boot = async () => (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();

test('the first open probes and records the answer with the boot id', async () => {
  const root = await rootWith();
  assert.equal((await openSnapshotter(root)).driver, 'overlay');
  const memo = JSON.parse(await readFile(path.join(root, 'snapshots', 'driver.json'), 'utf8'));
  assert.deepEqual(memo, { boot: await boot(), driver: 'overlay' });
});

test('a recorded answer for this boot is used without probing', async () => {
  // 'copy' is not what the probe finds on this host: getting it back shows no probe ran.
  const root = await rootWith({ boot: await boot(), driver: 'copy' });
  assert.equal((await openSnapshotter(root)).driver, 'copy');
});

test('an answer from another boot, or a broken file, is probed again', async () => {
  const stale = await rootWith({ boot: '00000000-0000-0000-0000-000000000000', driver: 'copy' });
  assert.equal((await openSnapshotter(stale)).driver, 'overlay');
  assert.equal(JSON.parse(await readFile(path.join(stale, 'snapshots', 'driver.json'), 'utf8')).driver, 'overlay');
  const broken = await rootWith();
  await mkdir(path.join(broken, 'snapshots'), { recursive: true });
  await writeFile(path.join(broken, 'snapshots', 'driver.json'), '{not json');
  assert.equal((await openSnapshotter(broken)).driver, 'overlay');
});

test('an explicit driver neither probes nor records', async () => {
  const root = await rootWith();
  assert.equal((await openSnapshotter(root, { driver: 'copy' })).driver, 'copy');
  await assert.rejects(readFile(path.join(root, 'snapshots', 'driver.json')), { code: 'ENOENT' });
});

test('a recorded fuse-overlayfs answer is used; DRYDOCK_SNAPSHOTTER forces a driver without probing', async (t) => {
  const recorded = await rootWith({ boot: await boot(), driver: 'fuse-overlayfs' });
  assert.equal((await openSnapshotter(recorded)).driver, 'fuse-overlayfs');
  const saved = process.env.DRYDOCK_SNAPSHOTTER;
  t.after(() => {
    if (saved === undefined) delete process.env.DRYDOCK_SNAPSHOTTER;
    else process.env.DRYDOCK_SNAPSHOTTER = saved;
  });
  process.env.DRYDOCK_SNAPSHOTTER = 'fuse-overlayfs';
  const forced = await rootWith();
  assert.equal((await openSnapshotter(forced)).driver, 'fuse-overlayfs');
  await assert.rejects(readFile(path.join(forced, 'snapshots', 'driver.json')), { code: 'ENOENT' });
  // An explicit option (build --snapshotter) wins over the variable.
  assert.equal((await openSnapshotter(forced, { driver: 'copy' })).driver, 'copy');
  process.env.DRYDOCK_SNAPSHOTTER = 'zfs';
  await assert.rejects(openSnapshotter(forced), /^DrydockError: DRYDOCK_SNAPSHOTTER=zfs: not a snapshotter \(auto, overlay, fuse-overlayfs, copy\)$/);
});
