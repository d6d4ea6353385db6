/**
 * Ctrl-C and kill -9 in the middle of a RUN: no container left running, no snapshot left
 * mounted, the store passes fsck, and the next build works (reusing what was cached before).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { spawnDrydock, runDrydock } from '../../helpers/cli.js';
import { storeWith, contextDir } from './util.js';

const run = promisify(execFile);

/** Starts a build and resolves once its long RUN is running. */
async function startLongBuild(root: string, marker: string) {
  const ctx = await contextDir({ Dockerfile: `FROM busybox\nRUN echo first > /first\nRUN echo started && sleep 300 && echo ${marker}\n` });
  const child = spawnDrydock(['build', '--progress=plain', ctx], { root });
  let err = '';
  child.stderr!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: string) => { err += d; if (/\d+ started/.test(err)) resolve(); });
    child.on('close', () => reject(new Error(`build ended early:\n${err}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.removeAllListeners('close');
    child.on('close', (code, signal) => resolve({ code, signal, stderr: err }));
  });
  return { ctx, child, exited };
}

async function containerProcesses(marker: string): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid,args']);
  // the container's shell (it cannot exec sleep: a command follows it)
  return stdout.split('\n').filter((l) => l.includes(marker) && l.includes('sleep 300'));
}

async function overlayMountsUnder(root: string): Promise<string[]> {
  return (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(root));
}

test('Ctrl-C mid-RUN cancels cleanly', async () => {
  const { root } = await storeWith('busybox');
  const marker = `int-${randomBytes(4).toString('hex')}`;
  const b = await startLongBuild(root, marker);
  try {
    assert.equal((await containerProcesses(marker)).length > 0, true, 'the RUN is running');
  } catch (e) { b.child.kill('SIGKILL'); throw e; }
  b.child.kill('SIGINT');
  const r = await b.exited;
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /cancelled/);
  assert.deepEqual(await containerProcesses(marker), []);
  assert.deepEqual(await overlayMountsUnder(root), []);
  const fsck = await runDrydock(['fsck'], { root });
  assert.equal(fsck.code, 0, fsck.stdout + fsck.stderr);
});

test('kill -9 mid-RUN: the next drydock cleans up and builds', async () => {
  const { root } = await storeWith('busybox');
  const marker = `kill-${randomBytes(4).toString('hex')}`;
  const b = await startLongBuild(root, marker);
  b.child.kill('SIGKILL');
  await b.exited;
  assert.ok((await containerProcesses(marker)).length > 0, 'the orphaned container is still running');

  const ctx2 = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo first > /first\nRUN echo next\n' });
  const next = await runDrydock(['build', '--progress=plain', ctx2], { root });
  assert.equal(next.code, 0, next.stderr);
  assert.match(next.stderr, /#\d+ CACHED/); // the step finished before the kill is reused
  assert.deepEqual(await containerProcesses(marker), []);
  assert.deepEqual(await overlayMountsUnder(root), []);
  const fsck = await runDrydock(['fsck'], { root });
  assert.equal(fsck.code, 0, fsck.stdout + fsck.stderr);
});
