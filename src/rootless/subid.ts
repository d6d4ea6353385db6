/**
 * The subordinate id ranges a user may map (shadow's /etc/subuid and /etc/subgid: `name:start:count`,
 * or `uid:start:count`), as newuidmap/newgidmap check them.
 */
import { readFile } from 'node:fs/promises';

export interface IdRange {
  start: number;
  count: number;
}

/** The first range for the user (by name or by numeric uid), as `buildah unshare` and rootlesskit take it. */
export function findRange(text: string, user: { name: string; id: number }): IdRange | undefined {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [who, start, count] = line.split(':');
    if (who !== user.name && who !== String(user.id)) continue;
    const r = { start: Number(start), count: Number(count) };
    if (Number.isSafeInteger(r.start) && Number.isSafeInteger(r.count) && r.count > 0) return r;
  }
  return undefined;
}

export async function subordinateRange(file: '/etc/subuid' | '/etc/subgid' | string, user: { name: string; id: number }): Promise<IdRange | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return findRange(text, user);
}
