import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runContainer } from '../../../src/exec/index.js';
import { openSnapshotter, type SnapshotDriver } from '../../../src/snapshot/index.js';
import { fillBusyboxRootfs, requireTool } from '../exec/busybox.js';
import { releaseAfterTests, digestN, layerTar, readEntries } from './helpers.js';

let withEtc: string;
let withoutEtc: string;

// Released after the file's tests too, so a failed assertion leaves no overlay mounted.
const live = releaseAfterTests();

before(async () => {
  requireTool('runc');
  withEtc = await mkdtemp(path.join(os.tmpdir(), 'drydock-etc-'));
  await fillBusyboxRootfs(withEtc);
  withoutEtc = await mkdtemp(path.join(os.tmpdir(), 'drydock-noetc-'));
  await fillBusyboxRootfs(withoutEtc, { etc: false });
});

for (const driver of ['overlay', 'copy'] as SnapshotDriver[]) {
  test(`${driver}: a RUN's layer has its changes but not the /etc/hosts and resolv.conf mounts`, async () => {
    const s = await openSnapshotter(await mkdtemp(path.join(os.tmpdir(), 'drydock-runsnap-')), { driver });
    for (const [n, src] of [[1, withEtc], [2, withoutEtc]] as const) {
      await s.ensureLayer(digestN(n), () => layerTar(src));
      const a = live(await s.prepare([digestN(n)]));
      const r = await runContainer({ rootfs: a.rootfs, args: ['/bin/sh', '-c', 'cat /etc/hosts >/dev/null && echo hi > /tmp/out'], env: [], cwd: '/', network: 'none' });
      assert.equal(r.exitCode, 0);
      const names = (await readEntries(a.diff())).map((e) => e.name);
      assert.deepEqual(names, ['tmp/', 'tmp/out'], `base ${n}`);
      await a.release();
    }
  });
}

test('overlay: a RUN that changes nothing gives an empty layer, WORKDIR creation shows', async () => {
  const s = await openSnapshotter(await mkdtemp(path.join(os.tmpdir(), 'drydock-runsnap-')), { driver: 'overlay' });
  await s.ensureLayer(digestN(1), () => layerTar(withEtc));
  const a = live(await s.prepare([digestN(1)]));
  await runContainer({ rootfs: a.rootfs, args: ['true'], env: [], cwd: '/', network: 'none' });
  assert.deepEqual(await readEntries(a.diff()), []);
  await runContainer({ rootfs: a.rootfs, args: ['true'], env: [], cwd: '/app', user: 'app', network: 'none' });
  const entries = await readEntries(a.diff());
  assert.deepEqual(entries.map((e) => [e.name, e.uid, e.mode]), [['app/', 1000, 0o755]]);
  await a.release();
});
