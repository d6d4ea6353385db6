/** The CLI where binfmt_misc is not mounted: in a private mount namespace that unmounts it, leaving the host's registrations alone. */
import { runDrydock, type RunResult } from '../../helpers/cli.js';

export function unmountedBinfmt(args: string[], root?: string): Promise<RunResult> {
  const prefix = ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', 'umount /proc/sys/fs/binfmt_misc 2>/dev/null; exec "$@"', 'sh'];
  return runDrydock(args, { root, prefix });
}
