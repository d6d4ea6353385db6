/**
 * COPY/ADD --chown: `user[:group]` by name or id, names looked up in the destination rootfs's
 * /etc/passwd and /etc/group, exactly as BuildKit's file op reads them (ops/user_linux.go):
 * a numeric user alone means uid=gid=N; a named user brings its primary group; a name that is
 * not found leaves 0 (BuildKit does not fail here).
 */
import { lookupGroup, lookupUser, parseNumericId } from '../exec/passwd.js';

export interface Owner {
  uid: number;
  gid: number;
}

export async function resolveChown(destRoot: string, chown: string): Promise<Owner> {
  const colon = chown.indexOf(':');
  const userPart = colon < 0 ? chown : chown.slice(0, colon);
  const groupPart = colon < 0 ? undefined : chown.slice(colon + 1);
  const owner: Owner = { uid: 0, gid: 0 };
  const uid = parseNumericId(userPart);
  if (uid !== undefined) {
    owner.uid = uid;
    owner.gid = uid;
  } else {
    const u = await lookupUser(destRoot, userPart);
    if (u && u.name === userPart) {
      owner.uid = u.uid;
      owner.gid = u.gid;
    }
  }
  if (groupPart !== undefined) {
    const gid = parseNumericId(groupPart);
    if (gid !== undefined) owner.gid = gid;
    else {
      const g = await lookupGroup(destRoot, groupPart);
      if (g && g.name === groupPart) owner.gid = g.gid;
    }
  }
  return owner;
}
