import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { runContainer, type RunSpec } from '../../../src/exec/index.js';
import { isDrydockError } from '../../../src/util/errors.js';
import { makeBusyboxRootfs, requireTool } from './busybox.js';

let rootfs: string;

before(async () => {
  requireTool('runc');
  rootfs = await makeBusyboxRootfs();
});

async function run(script: string, extra: Partial<RunSpec> = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const { exitCode } = await runContainer({
    rootfs, args: ['/bin/sh', '-c', script], env: [], cwd: '/', network: 'none',
    stdout: (b) => out.push(b), stderr: (b) => err.push(b), ...extra,
  });
  return { exitCode, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

test('echo: stdout and stderr are captured separately', async () => {
  const r = await run('echo hello; echo oops >&2');
  assert.deepEqual(r, { exitCode: 0, stdout: 'hello\n', stderr: 'oops\n' });
});

async function findProcess(cmdline: string): Promise<number | undefined> {
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.replace(/\0/g, ' ').trim() === cmdline) return Number(pid);
  }
  return undefined;
}

test('exit codes, and 128+n for a process killed by signal n', async () => {
  assert.equal((await run('exit 7')).exitCode, 7);
  const running = runContainer({ rootfs, args: ['/bin/sleep', '4242'], env: [], cwd: '/', network: 'none' });
  let pid: number | undefined;
  while (pid === undefined) {
    await new Promise((r) => setTimeout(r, 20));
    pid = await findProcess('/bin/sleep 4242');
  }
  process.kill(pid, 'SIGKILL');
  assert.deepEqual(await running, { exitCode: 128 + 9 });
});

test('env is passed and the default PATH added when absent', async () => {
  const r = await run('echo "$FOO|$PATH"', { env: ['FOO=bar baz'] });
  assert.equal(r.stdout, 'bar baz|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
  assert.equal((await run('echo $PATH', { env: ['PATH=/bin'] })).stdout, '/bin\n');
});

test('cwd is created when missing, owned by the user, and is the working directory', async () => {
  const r = await run('pwd; id -u', { cwd: '/work/app', user: 'app' });
  assert.equal(r.stdout, '/work/app\n1000\n');
  const st = await stat(path.join(rootfs, 'work/app'));
  assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [1000, 1000, 0o755]);
  assert.equal((await stat(path.join(rootfs, 'work'))).uid, 1000);
  // An existing directory is left as it is.
  assert.equal((await run('pwd', { cwd: '/tmp', user: 'app' })).stdout, '/tmp\n');
  assert.equal((await stat(path.join(rootfs, 'tmp'))).uid, 0);
});

test('user by name, by uid, with group; supplementary groups from /etc/group', async () => {
  assert.equal((await run('id', { user: 'app' })).stdout, 'uid=1000(app) gid=1000(app) groups=29(audio),50(staff),1000(app)\n');
  assert.equal((await run('id -u; id -g', { user: '1000' })).stdout, '1000\n1000\n');
  assert.equal((await run('id -u; id -g', { user: 'app:staff' })).stdout, '1000\n50\n');
  assert.equal((await run('id -u; id -g', { user: '4242:4343' })).stdout, '4242\n4343\n');
  await assert.rejects(run('id', { user: 'ghost' }), /unable to find user ghost: no matching entries in passwd file/);
});

test('hostname defaults to buildkitsandbox; /etc/hosts and resolv.conf are provided', async () => {
  const r = await run('hostname; cat /etc/hosts; grep -c nameserver /etc/resolv.conf');
  assert.equal(r.stdout.split('\n')[0], 'buildkitsandbox');
  assert.match(r.stdout, /127\.0\.0\.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n/);
  assert.equal((await run('hostname', { hostname: 'builder' })).stdout, 'builder\n');
  assert.equal((await run('touch /etc/hosts')).exitCode !== 0, true, '/etc/hosts is read-only');
});

test('mount stubs runc creates for /etc/hosts and /etc/resolv.conf are removed afterwards', async () => {
  const bare = await makeBusyboxRootfs({ etc: false });
  const r = await runContainer({ rootfs: bare, args: ['/bin/cat', '/etc/hosts'], env: [], cwd: '/', network: 'none' });
  assert.equal(r.exitCode, 0);
  assert.deepEqual((await readdir(bare)).includes('etc'), false);
  const etcBefore = await stat(path.join(rootfs, 'etc'));
  await run('true');
  assert.deepEqual((await readdir(path.join(rootfs, 'etc'))).sort(), ['group', 'passwd']);
  assert.equal((await stat(path.join(rootfs, 'etc'))).mtimeMs, etcBefore.mtimeMs);
});

test('network none has only the loopback interface; host shares the host network', async () => {
  const none = await run('ls /sys/class/net');
  assert.equal(none.stdout, 'lo\n');
  const host = await run('ls /sys/class/net', { network: 'host' });
  assert.deepEqual(host.stdout.trim().split(/\s+/).sort(), (await readdir('/sys/class/net')).sort());
});

test('capabilities: default set in the sandbox, everything when insecure', async () => {
  const caps = async (security: 'sandbox' | 'insecure'): Promise<bigint> =>
    BigInt('0x' + /CapEff:\s+([0-9a-f]+)/.exec((await run('cat /proc/self/status', { security })).stdout)![1]);
  const sandbox = await caps('sandbox');
  assert.equal(sandbox, 0xa80425fbn);
  assert.ok((await caps('insecure')) & (1n << 21n), 'CAP_SYS_ADMIN when insecure');
});

test('bind and tmpfs mounts; their stubs do not stay behind', async () => {
  const r = await run('cat /mnt/in/passwd | head -1; touch /scratch/x && echo ok', {
    mounts: [{ type: 'bind', source: path.join(rootfs, 'etc'), target: '/mnt/in', readonly: true }, { type: 'tmpfs', target: '/scratch' }],
  });
  assert.equal(r.stdout, 'root:x:0:0:root:/root:/bin/sh\nok\n');
  assert.equal((await readdir(rootfs)).includes('mnt'), false);
  assert.equal((await readdir(rootfs)).includes('scratch'), false);
});

test('a missing executable is an EXEC error, not an exit code', async () => {
  await assert.rejects(
    runContainer({ rootfs, args: ['/nonexistent'], env: [], cwd: '/', network: 'none' }),
    (e) => isDrydockError(e) && e.code === 'EXEC' && /nonexistent/.test(e.message),
  );
});

test('cancellation kills the container and rejects with CANCELLED', async () => {
  const ac = new AbortController();
  const started = new Promise<void>((resolve) => {
    void runContainer({
      rootfs, args: ['/bin/sh', '-c', 'echo started; sleep 1000; echo never > /tmp/never'], env: [], cwd: '/', network: 'none',
      stdout: () => resolve(), signal: ac.signal,
    }).then(
      () => assert.fail('should have been cancelled'),
      (e) => {
        assert.ok(isDrydockError(e) && e.code === 'CANCELLED');
        done();
      },
    );
  });
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await started;
  ac.abort();
  await finished;
  assert.equal(await findProcess('sleep 1000'), undefined);
  await assert.rejects(readFile(path.join(rootfs, 'tmp/never')));
  const ac2 = new AbortController();
  ac2.abort();
  await assert.rejects(runContainer({ rootfs, args: ['true'], env: [], cwd: '/', network: 'none', signal: ac2.signal }), /cancelled/);
});
