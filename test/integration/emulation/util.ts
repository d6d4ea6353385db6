/**
 * The CLI in a user and mount namespace of its own (Linux 6.7+): mounting binfmt_misc there makes
 * the namespace's own, empty instance, so nothing is emulated, whatever the host registered;
 * the host's registrations are not touched.
 */
import { runDrydock, type RunResult } from '../../helpers/cli.js';

/** Runs `script` as root of a new user and mount namespace; "$@" in it is drydock's argv. */
export function sandboxed(script: string, args: string[], env: Record<string, string> = {}, root?: string): Promise<RunResult> {
  const prefix = ['unshare', '--user', '--map-root-user', '--mount', '--propagation', 'private', '--', 'sh', '-ec', script, 'sh'];
  return runDrydock(args, { prefix, env, root });
}

/** No emulator, and binfmt_misc not mounted where drydock looks. */
export const NO_EMULATION = `
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc   # this namespace's own, empty instance
  mount -t tmpfs none /proc/sys/fs/binfmt_misc                # hidden: drydock sees it unmounted
`;
