/**
 * RUN --mount=type=ssh with `drydock build --ssh`: a real ssh-agent (openssh-client) holds a
 * key; inside the RUN, the host's own `ssh-add -l` (carried into the busybox image with its
 * libraries through a bind mount) must list that key through the forwarded socket.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import type { Store } from '../../../src/store/index.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith, contextDir, imageFiles, cliBuild, exists } from './util.js';

const run = promisify(execFile);
let root: string;
let store: Store;
let work: string;
let agent: ChildProcess;
let agentSock: string;
let fingerprint: string;

async function need(tool: string): Promise<string> {
  try {
    return (await run('sh', ['-c', `command -v ${tool}`])).stdout.trim();
  } catch {
    throw new Error(`${tool} is missing: install openssh-client (scripts/setup.sh --test)`);
  }
}

/** ssh-add and every library it loads (and the loader), to run it in any image as `/t/ld.so --library-path /t /t/ssh-add`. */
async function sshAddTool(dir: string): Promise<void> {
  const bin = await need('ssh-add');
  await mkdir(dir, { recursive: true });
  await copyFile(bin, join(dir, 'ssh-add'));
  const { stdout } = await run('ldd', [bin]);
  for (const m of stdout.matchAll(/(\/\S+\.so[.\d]*)/g)) {
    const lib = m[1]!;
    await copyFile(lib, join(dir, /ld-linux/.test(lib) ? 'ld.so' : basename(lib)));
  }
}

before(async () => {
  await need('ssh-agent');
  await need('ssh-keygen');
  ({ root, store } = await storeWith('busybox'));
  work = await mkdtemp(join(tmpdir(), 'drydock-ssh-test-'));
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'drydock-test-key', '-f', join(work, 'id_test')]);
  fingerprint = (await run('ssh-keygen', ['-l', '-f', join(work, 'id_test.pub')])).stdout.split(' ')[1]!;
  agentSock = join(work, 'agent.sock');
  agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
  for (let i = 0; !(await exists(agentSock)); i++) {
    if (i > 500) throw new Error('ssh-agent did not start');
    await new Promise((r) => setTimeout(r, 10));
  }
  await run('ssh-add', [join(work, 'id_test')], { env: { ...process.env, SSH_AUTH_SOCK: agentSock } });
});
after(async () => {
  agent?.kill();
  await rm(work, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

const SSH_ADD = '/t/ld.so --library-path /t /t/ssh-add';

test('--ssh default forwards $SSH_AUTH_SOCK: ssh-add -l inside the RUN sees the key', async () => {
  const ctx = await contextDir({ Dockerfile: `
FROM busybox
RUN --mount=type=bind,source=tool,target=/t --mount=type=ssh ${SSH_ADD} -l > /keys && echo "$SSH_AUTH_SOCK" > /sock && stat -c '%a %u' "$SSH_AUTH_SOCK" > /sock-perm
RUN --mount=type=bind,source=tool,target=/t --mount=type=ssh,id=default,target=/agent.sock,mode=0666,uid=65534 stat -c '%a %u' /agent.sock > /custom-perm && su nobody -s /bin/sh -c "${SSH_ADD} -l" > /keys-nobody
` });
  await sshAddTool(join(ctx, 'tool'));
  await cliBuild(root, ['-t', 'ssh:1', '--ssh', 'default', ctx], { env: { SSH_AUTH_SOCK: agentSock } });
  const img = await imageFiles(store, 'ssh:1');
  try {
    const read = (p: string) => readFile(join(img.dir, p), 'utf8');
    assert.match(await read('keys'), new RegExp(`${fingerprint.replace(/[+/]/g, '\\$&')} drydock-test-key \\(ED25519\\)`));
    assert.equal(await read('sock'), '/run/buildkit/ssh_agent.0\n');
    assert.equal(await read('sock-perm'), '600 0\n');
    assert.equal(await read('custom-perm'), '666 65534\n');
    assert.match(await read('keys-nobody'), /drydock-test-key/);
    assert.equal(await exists(join(img.dir, 'run/buildkit')), false, 'the socket mount point stays out of the layer');
    assert.equal(await exists(join(img.dir, 'agent.sock')), false);
    assert.equal(JSON.stringify(img.config.config?.Env ?? []).includes('SSH_AUTH_SOCK'), false);
  } finally {
    await img.cleanup();
  }
});

test('--ssh ID=KEYFILE loads the key into an agent drydock runs for the build', async () => {
  const ctx = await contextDir({ Dockerfile: `
FROM busybox
RUN --mount=type=bind,source=tool,target=/t --mount=type=ssh,id=deploy,required ${SSH_ADD} -l > /keys
` });
  await sshAddTool(join(ctx, 'tool'));
  await cliBuild(root, ['-t', 'ssh:2', '--ssh', `deploy=${join(work, 'id_test')}`, ctx], { env: { SSH_AUTH_SOCK: undefined } });
  const img = await imageFiles(store, 'ssh:2');
  try {
    assert.match(await readFile(join(img.dir, 'keys'), 'utf8'), /drydock-test-key \(ED25519\)/);
  } finally {
    await img.cleanup();
  }
  // the agent drydock started is gone with the build: no socket left in the temp dir
  const left = (await run('sh', ['-c', `ls -d ${tmpdir()}/drydock-agent-* 2>/dev/null || true`])).stdout.trim();
  for (const dir of left.split('\n').filter(Boolean)) assert.equal(await stat(join(dir, 'agent.sock')).then(() => dir, () => ''), '', `agent socket left in ${dir}`);
});

test('a required ssh mount without --ssh fails; an optional one is skipped', async () => {
  const req = await contextDir({ Dockerfile: 'FROM busybox\nRUN --mount=type=ssh,required true\n' });
  const r = await cliBuild(root, [req], { expectFail: true, env: { SSH_AUTH_SOCK: undefined } });
  assert.match(r.stderr, /Dockerfile:2: no SSH key "default" forwarded from the client/);
  const opt = await contextDir({ Dockerfile: 'FROM busybox\nRUN --mount=type=ssh test ! -e /run/buildkit/ssh_agent.0 && echo "$SSH_AUTH_SOCK" > /sock\n' });
  await cliBuild(root, ['-t', 'ssh:3', opt], { env: { SSH_AUTH_SOCK: undefined } });
  const img = await imageFiles(store, 'ssh:3');
  try {
    assert.equal(await readFile(join(img.dir, 'sock'), 'utf8'), '/run/buildkit/ssh_agent.0\n');
  } finally {
    await img.cleanup();
  }
  const noSock = await cliBuild(root, ['--ssh', 'default', opt], { expectFail: true, env: { SSH_AUTH_SOCK: undefined } });
  assert.match(noSock.stderr, /make sure SSH_AUTH_SOCK is set/);
});
