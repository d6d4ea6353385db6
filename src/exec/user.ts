/**
 * USER → uid, gid and supplementary groups, as BuildKit resolves it (executor/oci/user.go on top
 * of moby/sys/user's GetExecUser), against the rootfs's own /etc/passwd and /etc/group.
 */
import { DrydockError } from '../util/errors.js';
import { parseNumericId, readGroup, readPasswd } from './passwd.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  /** What the process gets as supplementary groups: the primary gid first, then the groups that list the user. */
  additionalGids: number[];
}

// BuildKit's fast path: 'uid:gid' (or 'root') on both sides needs no lookup and adds no groups.
function fastId(s: string): number | undefined {
  return s === 'root' ? 0 : parseNumericId(s);
}

export async function resolveUser(rootfs: string, user: string): Promise<ResolvedUser> {
  const isDefault = user === '';
  const spec = isDefault ? '0' : user;
  const colon = spec.indexOf(':');
  const userArg = colon === -1 ? spec : spec.slice(0, colon);
  const groupArg = colon === -1 ? '' : spec.slice(colon + 1);

  if (colon !== -1) {
    const uid = fastId(userArg);
    const gid = fastId(groupArg);
    if (uid !== undefined && gid !== undefined) return withPrimary(uid, gid, []);
  }

  const passwd = await readPasswd(rootfs);
  const group = await readGroup(rootfs);
  const uidArg = parseNumericId(userArg);

  let uid = 0;
  let gid = 0;
  let matchedName: string | undefined;
  const found = (passwd ?? []).find((u) => (uidArg !== undefined ? u.uid === uidArg : u.name === userArg));
  if (found) {
    matchedName = found.name;
    uid = found.uid;
    gid = found.gid;
  } else if (uidArg !== undefined) {
    uid = uidArg;
  } else {
    if (isDefault) return withPrimary(0, 0, []);
    throw new DrydockError('EXEC', `unable to find user ${userArg}: no matching entries in passwd file`);
  }

  let sgids: number[] = [];
  if (groupArg !== '') {
    const gidArg = parseNumericId(groupArg);
    const g = (group ?? []).find((e) => (gidArg !== undefined ? e.gid === gidArg : e.name === groupArg));
    if (g) gid = g.gid;
    else if (gidArg !== undefined) gid = gidArg;
    else throw new DrydockError('EXEC', `unable to find group ${groupArg}: no matching entries in group file`);
  } else if (matchedName !== undefined) {
    // Supplementary groups only in the implicit form (no explicit group), as moby/sys/user does.
    sgids = (group ?? []).filter((g) => g.members.includes(matchedName)).map((g) => g.gid);
  }
  return withPrimary(uid, gid, sgids);
}

function withPrimary(uid: number, gid: number, sgids: number[]): ResolvedUser {
  return { uid, gid, additionalGids: sgids.includes(gid) ? sgids : [gid, ...sgids] };
}
