/**
 * drydock as an ordinary user: the same command again, inside a new user and mount namespace
 * where the user is root and the user's subordinate ids are 1..n (what `buildah unshare` and
 * rootlesskit do). Node cannot unshare(2) itself (it is multi-threaded), so util-linux `unshare`
 * makes the namespaces and waits, before running anything, on a socket: we write its id maps
 * with the setuid newuidmap/newgidmap, then let it exec node with the same arguments.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import os from 'node:os';
import { DrydockError } from '../util/errors.js';
import { runTool } from '../util/tool.js';
import { ROOTLESS_ENV } from './env.js';
import { hostUser, idMapTools, subordinateRanges, userNamespaceRefusal, type HostUser } from './preflight.js';
import type { IdRange } from './subid.js';

/** Whether this process should re-execute itself: not root, and not already re-executed. */
export function needsReexec(): boolean {
  return process.getuid?.() !== 0 && !process.env[ROOTLESS_ENV] && process.platform === 'linux';
}

/**
 * The shell unshare runs: say "in the namespaces" on fd 3, wait for "maps written", then exec the
 * real command with stderr back on the terminal (fd 4; until then it is ours, to keep a failure
 * of unshare to one line).
 */
const WAIT_SCRIPT = 'printf r >&3 && read -r go <&3 && [ "$go" = go ] || exit 125; exec 2>&4 3<&- 4>&-; exec "$@"';

/** `newuidmap <pid> 0 <uid> 1 1 <start> <count>`: the user is root, its range follows. */
function mapArgs(pid: number, own: number, range: IdRange): string[] {
  return [String(pid), '0', String(own), '1', '1', String(range.start), String(range.count)];
}

/** Runs argv again in the namespaces; resolves to its exit status. */
export async function reexec(argv: string[]): Promise<number> {
  const user = hostUser();
  const { uids, gids } = await subordinateRanges(user);
  const tools = idMapTools();
  const command = [process.execPath, ...process.execArgv, process.argv[1]!, ...argv];
  const child = spawn('unshare', ['--user', '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', WAIT_SCRIPT, 'sh', ...command], {
    stdio: ['inherit', 'inherit', 'pipe', 'pipe', 2],
    env: { ...process.env, [ROOTLESS_ENV]: String(user.uid) },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', (e) => reject(new DrydockError('USAGE', `rootless: cannot run unshare: ${e.message}; install util-linux`)));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  let early = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { early += d; });
  const sock = child.stdio[3] as unknown as Socket;
  const ready = new Promise<boolean>((resolve) => {
    sock.once('data', () => resolve(true));
    sock.once('end', () => resolve(false));
    sock.once('error', () => resolve(false));
  });
  const forward = (sig: NodeJS.Signals) => {
    // A terminal's Ctrl-C reaches the child's process group already.
    if (sig === 'SIGINT' && process.stdin.isTTY) return;
    child.kill(sig);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, forward);
  try {
    if (!(await Promise.race([ready, exited.then(() => false)]))) {
      await exited.catch(() => undefined);
      throw unshareFailure(early);
    }
    try {
      await writeMaps(tools, child.pid!, user, uids, gids);
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    sock.write('go\n');
    sock.end();
    const { code, signal } = await exited;
    return code ?? 128 + (os.constants.signals[signal as NodeJS.Signals] ?? 9);
  } finally {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, forward);
  }
}

async function writeMaps(tools: { newuidmap: string; newgidmap: string }, pid: number, user: HostUser, uids: IdRange, gids: IdRange): Promise<void> {
  for (const [tool, own, range, file] of [[tools.newuidmap, user.uid, uids, '/etc/subuid'], [tools.newgidmap, user.gid, gids, '/etc/subgid']] as const) {
    try {
      await runTool(tool, mapArgs(pid, own, range));
    } catch (e) {
      const why = (e as Error).message.replace(/^.*failed \([^)]*\): /s, '').split('\n')[0];
      throw new DrydockError('USAGE', `rootless: ${tool} refused ${user.name}'s range ${range.start}-${range.start + range.count - 1} from ${file}: ${why}; check that line, and that ${tool} is setuid root`);
    }
  }
}

function unshareFailure(stderr: string): DrydockError {
  const refusal = userNamespaceRefusal();
  const said = stderr.trim().split('\n')[0] ?? '';
  if (refusal) return new DrydockError('USAGE', `rootless: ${refusal}`);
  return new DrydockError('USAGE', `rootless: cannot create a user namespace${said ? ` (${said})` : ''}; unprivileged user namespaces must be allowed (see docs/rootless.md)`);
}
