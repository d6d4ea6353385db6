/**
 * drydock's image loads and runs in docker (a private dockerd 20.10, started by the test) and in
 * podman. Whether drydock builds what BuildKit builds is the conformance corpus's question
 * (test/conformance/, test/integration/conformance/); its first case,
 * stage-app-build-and-ship, was this file's differential test.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../../../src/build/build.js';
import { startDockerd, type DockerdFixture } from '../../helpers/dockerd.js';
import { storeWith, contextDir } from './util.js';

const run = promisify(execFile);
const DOCKER = '/usr/bin/docker';

let dockerd: DockerdFixture;
let root: string;
let work: string;

async function docker(args: string[]) {
  return run(DOCKER, args, { env: { ...process.env, ...dockerd.env }, maxBuffer: 1 << 26 });
}

before(async () => {
  ({ root } = await storeWith('busybox'));
  dockerd = await startDockerd();
  work = await mkdtemp(join(tmpdir(), 'drydock-diff-'));
});

after(async () => {
  await dockerd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('drydock images load and run in docker and in podman', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nCOPY msg /msg\nENTRYPOINT ["cat"]\nCMD ["/msg"]\n', msg: 'hello from a drydock image\n' });
  const out = join(work, 'run.tar');
  await build({ context: ctx, root, tags: ['runme:1'], outputs: [{ type: 'docker', dest: out, attrs: {} }, { type: 'image', attrs: {} }] });
  await docker(['load', '-i', out]);
  const r = await docker(['run', '--rm', '--network', 'host', 'runme:1']);
  assert.equal(r.stdout, 'hello from a drydock image\n');

  // podman refuses a --runroot over 50 characters: a short temp dir of its own.
  const podmanRoot = await mkdtemp(join(tmpdir(), 'pm-'));
  const podman = (args: string[]) => run('podman', ['--root', join(podmanRoot, 'root'), '--runroot', join(podmanRoot, 'run'), '--runtime', '/usr/sbin/runc', '--cgroup-manager', 'cgroupfs', ...args], { maxBuffer: 1 << 24 });
  await podman(['load', '-i', out]);
  const p = await podman(['run', '--rm', '--network', 'host', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096', 'runme:1']);
  assert.equal(p.stdout, 'hello from a drydock image\n');
  await rm(podmanRoot, { recursive: true, force: true });
});
