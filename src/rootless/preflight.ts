/**
 * What a rootless start needs from the host, each missing piece one line with its fix: the
 * user's subordinate ranges, setuid newuidmap/newgidmap, and unprivileged user namespaces.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DrydockError } from '../util/errors.js';
import { readXattrs } from '../util/xattr.js';
import { subordinateRange, type IdRange } from './subid.js';

export interface HostUser {
  name: string;
  uid: number;
  gid: number;
}

export function hostUser(): HostUser {
  const uid = process.getuid!();
  const gid = process.getgid!();
  let name = String(uid);
  try {
    name = os.userInfo().username;
  } catch {
    // no passwd entry (an arbitrary uid in a pod): /etc/subuid may still name the uid
  }
  return { name, uid, gid };
}

function fail(message: string): never {
  throw new DrydockError('USAGE', `rootless: ${message}`);
}

export async function subordinateRanges(user: HostUser): Promise<{ uids: IdRange; gids: IdRange }> {
  const uids = await subordinateRange('/etc/subuid', { name: user.name, id: user.uid });
  const gids = await subordinateRange('/etc/subgid', { name: user.name, id: user.uid });
  const fix = `add one as root: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${user.name}`;
  if (!uids) fail(`no subordinate uid range for ${user.name} in /etc/subuid; ${fix}`);
  if (!gids) fail(`no subordinate gid range for ${user.name} in /etc/subgid; ${fix}`);
  return { uids, gids };
}

function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH || '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const p = path.join(dir || '.', tool);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** newuidmap/newgidmap: present, and setuid root (Debian's uidmap) or given file capabilities (Fedora's shadow-utils). */
export function idMapTools(): { newuidmap: string; newgidmap: string } {
  const found: Record<string, string> = {};
  for (const tool of ['newuidmap', 'newgidmap']) {
    const p = which(tool);
    if (!p) fail(`${tool} is not installed; install it as root: apt-get install uidmap (Fedora: shadow-utils)`);
    const st = statSync(p);
    const setuid = (st.mode & 0o4000) !== 0 && st.uid === 0;
    if (!setuid && !hasFileCaps(p)) fail(`${p} is neither setuid root nor given capabilities; fix as root: chmod u+s ${p} (owner root)`);
    found[tool] = p;
  }
  return { newuidmap: found.newuidmap!, newgidmap: found.newgidmap! };
}

function hasFileCaps(p: string): boolean {
  try {
    return readXattrs(p).has('security.capability');
  } catch {
    return false;
  }
}

function sysctl(name: string): string | undefined {
  try {
    return readFileSync(`/proc/sys/${name}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Why the kernel refused a user namespace, from its settings; undefined when none explains it. */
export function userNamespaceRefusal(): string | undefined {
  if (sysctl('kernel/unprivileged_userns_clone') === '0') {
    return 'unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0); enable them as root: sysctl -w kernel.unprivileged_userns_clone=1';
  }
  if (sysctl('user/max_user_namespaces') === '0') {
    return 'user namespaces are disabled (user.max_user_namespaces=0); enable them as root: sysctl -w user.max_user_namespaces=28633';
  }
  if (sysctl('kernel/apparmor_restrict_unprivileged_userns') === '1') {
    return 'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1); allow them as root: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give node an AppArmor profile with "userns," (see docs/rootless.md)';
  }
  return undefined;
}
