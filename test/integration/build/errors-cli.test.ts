/**
 * A failure that is not drydock's own error (a system call refused inside a step, a write that
 * cannot happen) reaches the user as one line naming the step's Dockerfile line and the cause;
 * the stack trace only with --debug or DRYDOCK_DEBUG=1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runDrydock } from '../../helpers/cli.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith, contextDir } from './util.js';

const run = promisify(execFile);
const STACK_LINE = /^\s+at /m;

let root: string;
before(async () => { ({ root } = await storeWith('busybox')); });
after(removeTmpStoreRoots);

/** The step records' directory (docs/architecture.md, "Cache") made read-only, as a full or read-only disk would. */
async function withReadOnlySteps<T>(fn: () => Promise<T>): Promise<T> {
  const steps = join(root, 'cache', 'steps');
  await mkdir(steps, { recursive: true });
  await run('mount', ['--bind', steps, steps]);
  try {
    await run('mount', ['-o', 'remount,bind,ro', steps]);
    return await fn();
  } finally {
    await run('umount', [steps]);
  }
}

test('a system call failing inside a step is one line at the step\'s Dockerfile line, no stack', async () => {
  // a RUN (its record is written once it ran), and a config-only step (it keeps a record too)
  for (const [dockerfile, line] of [['FROM busybox\nRUN echo one > /one\nENV A=1\n', 2], ['FROM busybox\nLABEL a=1\n', 2]] as const) {
    const ctx = await contextDir({ Dockerfile: dockerfile });
    const r = await withReadOnlySteps(() => runDrydock(['build', '--progress=plain', ctx], { root }));
    assert.equal(r.code, 1, r.stderr);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!, new RegExp(`^error: Dockerfile:${line}: EROFS: read-only file system, open '.*cache/steps/.*'$`));
    assert.doesNotMatch(r.stderr, STACK_LINE);
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.equal(r.stderr.trim().split('\n').pop(), errors[0]);
  }
});

test('--debug and DRYDOCK_DEBUG=1 add the stack traces after the one line', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo two > /two\n' });
  for (const [args, env] of [[['--debug'], {}], [[], { DRYDOCK_DEBUG: '1' }]] as const) {
    const r = await withReadOnlySteps(() => runDrydock([...args, 'build', '-q', '--no-cache', ctx], { root, env }));
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, /^error: Dockerfile:2: EROFS: read-only file system/);
    assert.match(r.stderr, STACK_LINE, 'the stack is shown');
    assert.match(r.stderr, /^caused by: Error: EROFS/m);
  }
  // the flag after the subcommand, as for any global option
  const after = await withReadOnlySteps(() => runDrydock(['build', '--debug', '-q', '--no-cache', ctx], { root }));
  assert.match(after.stderr, STACK_LINE);
});

test('a failure after the steps names the work it broke, one line', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo three > /three\n' });
  const r = await runDrydock(['build', '-q', '-o', 'type=tar,dest=/nonexistent-dir/x/out.tar', ctx], { root });
  assert.equal(r.code, 1, r.stderr);
  // The output file is written beside its destination and renamed into place (util/output-file.ts).
  assert.equal(r.stderr.trim(), 'error: cannot write /nonexistent-dir/x/out.tar: no such file or directory');
});

test('--debug is in the help', async () => {
  const r = await runDrydock(['--help']);
  assert.match(r.stdout, /--debug\s+on failure, print the stack traces/);
});
