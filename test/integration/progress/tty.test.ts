/**
 * The live view as a person sees it: drydock runs in a real terminal (tmux, fixed size), a
 * build is typed in with send-keys, and the screen is read with capture-pane while the two
 * parallel stages run and after the build has collapsed to its summary.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot, runningFromSource } from '../../helpers/paths.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { contextDir, storeWith } from '../build/util.js';

const run = promisify(execFile);
const socket = `drydock-test-${process.pid}`;
const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]).then((r) => r.stdout);
/** The visible screen as text (`-e`: with colour escapes). */
const screen = (escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'dd');

let root: string;
before(async () => {
  await run('tmux', ['-V']).catch(() => assert.fail('tmux is missing: install it with scripts/setup.sh --test (Debian package tmux)'));
  ({ root } = await storeWith('busybox'));
  // A plain shell in a 120x40 terminal, on a private tmux server.
  await tmux('new-session', '-d', '-s', 'dd', '-x', '120', '-y', '40', 'env -u NODE_OPTIONS -u NODE_TEST_CONTEXT PS1="$ " bash --norc --noprofile');
});
after(async () => {
  await tmux('kill-server').catch(() => undefined);
  await removeTmpStoreRoots();
});

function drydockCommand(args: string[]): string {
  const entry = runningFromSource
    ? ['node', '--import', pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('tsx')).href, join(repoRoot, 'src/cli/run.ts')]
    : ['node', join(repoRoot, 'dist/src/cli/run.js')];
  return [...entry, '--root', root, ...args].map((a) => `'${a}'`).join(' ');
}

/** Types a command and returns when the shell reports its exit status. */
async function typeCommand(cmd: string, onScreen?: (text: string) => boolean): Promise<{ code: number; during: boolean }> {
  await tmux('send-keys', '-t', 'dd', 'clear', 'Enter');
  await tmux('send-keys', '-t', 'dd', `${cmd}; echo "EXIT=$?"`, 'Enter');
  let during = false;
  for (let i = 0; i < 1200; i++) { // a guard against a hang, not a time limit on the build
    const text = await screen();
    if (onScreen && !during) during = onScreen(text);
    const m = /^EXIT=(\d+)$/m.exec(text);
    if (m) return { code: Number(m[1]), during };
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`the command did not finish; screen:\n${await screen()}`);
}

const dockerfile = [
  'FROM busybox AS a',
  'RUN echo a-start && sleep 2 && echo a-end && echo A > /a.txt',
  'FROM busybox AS b',
  'RUN echo b-start && sleep 2 && echo b-end && echo B > /b.txt',
  'FROM busybox',
  'COPY --from=a /a.txt /',
  'COPY --from=b /b.txt /',
  '',
].join('\n');

/** An output line under a running step, in the first column or a later one. */
const tail = (stage: string) => new RegExp(`(^ {3}|│ {4})${stage}-start\\b`, 'm');

/** Running timers of the two RUNs as shown on one screen: `=> [a 2/2] RUN … 1.2s`. */
function timers(text: string): { a: number; b: number; sameLine: boolean } | undefined {
  const re = (stage: string) => new RegExp(`=> \\[${stage} 2/2\\] RUN echo ${stage}-start[^│\\n]*?(\\d+\\.\\d)s`);
  const a = re('a').exec(text);
  const b = re('b').exec(text);
  if (!a || !b) return undefined;
  const line = (i: number) => text.slice(text.lastIndexOf('\n', i) + 1, text.indexOf('\n', i));
  return { a: Number(a[1]), b: Number(b[1]), sameLine: line(a.index) === line(b.index) };
}

test('two parallel stages are shown at once with running timers, then the build collapses to its summary', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile });
  const seen: Array<{ a: number; b: number; sameLine: boolean; text: string }> = [];
  const { code, during } = await typeCommand(drydockCommand(['build', '-t', 'tty-test', ctx]), (text) => {
    const t = timers(text);
    if (t && !/FINISHED/.test(text)) seen.push({ ...t, text });
    // Done watching once both timers have been seen moving and both outputs are on screen.
    const last = seen[seen.length - 1];
    return seen.length >= 2 && last.a > seen[0].a && last.b > seen[0].b && tail('a').test(last.text) && tail('b').test(last.text);
  });
  assert.equal(code, 0, await screen());
  assert.ok(during, `never saw both RUNs running with moving timers; frames seen:\n${seen.map((s) => s.text).join('\n----\n')}`);
  const live = seen[seen.length - 1];
  assert.ok(live.sameLine, `at 120 columns the stages run side by side:\n${live.text}`);
  assert.match(live.text, /^\[\+\] Building \d+\.\ds \(\d+\/\d+\)$/m);
  // each running step shows the tail of its output under it, in its own column
  assert.match(live.text, tail('a'), live.text);
  assert.match(live.text, tail('b'), live.text);

  const after = await screen();
  assert.match(after, /^\[\+\] Building \d+\.\ds \(7\/7\) FINISHED$/m);
  for (const step of ['[a 1/2] FROM docker.io/library/busybox:latest', '[b 1/2] FROM docker.io/library/busybox:latest',
    '[a 2/2] RUN echo a-start', '[b 2/2] RUN echo b-start', '[stage-2 2/3] COPY --from=a /a.txt /', '[stage-2 3/3] COPY --from=b /b.txt /']) {
    assert.match(after, new RegExp(`^=> ${step.replace(/[[\]/.*+?()]/g, '\\$&')}.* \\d+\\.\\ds$`, 'm'), `summary line for ${step}:\n${after}`);
  }
  assert.doesNotMatch(after, /^ {3}[ab]-(start|end)$/m, 'output tails are gone from the summary');
  assert.doesNotMatch(after, /│/, 'no column of the live view is left on screen');
  // the size report follows the summary
  assert.match(after, /^ {2}a +\d[\d.]* [kM]?B +not in image$/m);
  assert.match(after, /^ {2}stage-2 +\d[\d.]* [kM]?B +3 layers \(final image\)$/m);
  assert.match(after, /^final image \d[\d.]* [kM]?B, 3 layers/m);
  assert.match(after, /^image sha256:[0-9a-f]{64}$/m);
  assert.match(await screen(true), /\x1b\[[0-9;]*m/, 'colours on a terminal by default');
});

test('NO_COLOR: the same view without colours; a narrow terminal gets cut lines, never wrapped ones', async () => {
  const ctx = await contextDir({ Dockerfile: dockerfile });
  await tmux('resize-window', '-t', 'dd', '-x', '50', '-y', '40');
  const { code } = await typeCommand(`NO_COLOR=1 ${drydockCommand(['build', ctx])}`);
  assert.equal(code, 0);
  const text = await screen();
  assert.match(text, /^\[\+\] Building \d+\.\ds \(7\/7\) FINISHED$/m);
  assert.match(text, /^=> CACHED \[a 2\/2\] RUN echo a-start.*… +\d+\.\ds$/m, text);
  assert.doesNotMatch(await screen(true), /\x1b\[(?:[0-9;]*;)?3\dm/, 'no colour codes');
});
