/**
 * Ownership in a user namespace is exact only for the ids it maps: 0 (the user) and 1..n (the
 * subordinate range). A file owned by any other id cannot be made there (chown says EINVAL), so
 * such an id is refused up front, with the range and the fix.
 */
import { DrydockError } from '../util/errors.js';
import { describeMap, idMapped, idMaps, inUserNamespace, type IdMap } from './env.js';

function rangeText(kind: 'uid' | 'gid', maps: IdMap[]): string {
  const sub = maps.filter((m) => m.inside !== 0);
  const detail = sub.map((m) => `${m.inside}-${m.inside + m.count - 1} are ${m.outside}-${m.outside + m.count - 1} of /etc/sub${kind}`).join(', ');
  return `${describeMap(maps)}${detail ? ` (${detail})` : ''}`;
}

/** Throws when `uid` or `gid` cannot be owned here; `what` says where it came from (`COPY --chown`, a layer's entry). */
export function requireMapped(owner: { uid: number; gid: number }, what: string): void {
  if (!inUserNamespace()) return;
  const maps = idMaps();
  for (const [kind, id, m] of [['uid', owner.uid, maps.uid], ['gid', owner.gid, maps.gid]] as const) {
    if (!idMapped(m, id)) {
      throw new DrydockError('EXEC', `${what}: ${kind} ${id} is beyond this rootless user namespace's ${kind}s ${rangeText(kind, m)}; give the user a larger range in /etc/sub${kind}`);
    }
  }
}
