/**
 * Users and groups of an image's root filesystem: /etc/passwd and /etc/group read from inside
 * the rootfs, never following a symlink out of it. Used by RUN (USER) and COPY --chown.
 * Parsing follows moby/sys/user, which Docker and BuildKit use, so lookups agree with theirs.
 */
import { open } from 'node:fs/promises';
import { secureJoin } from '../archive/securejoin.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

// BuildKit refuses user files larger than this; a rootfs could otherwise make us read forever.
const MAX_USER_FILE_BYTES = 10 * 1024 * 1024;

/** A file from inside the rootfs, or undefined if it is missing or not a regular file. */
async function readRootFile(rootfs: string, file: string): Promise<string | undefined> {
  const hostPath = await secureJoin(rootfs, file);
  let fh;
  try {
    fh = await open(hostPath, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    if (st.size > MAX_USER_FILE_BYTES) throw new Error(`${file} exceeds ${MAX_USER_FILE_BYTES} bytes`);
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

// moby/sys/user: numeric fields that fail to parse count as 0; blank lines are skipped.
function toInt(s: string | undefined): number {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

function lines(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(':'));
}

export function parsePasswd(text: string): PasswdEntry[] {
  return lines(text).map((f) => ({ name: f[0] ?? '', uid: toInt(f[2]), gid: toInt(f[3]), home: f[5] ?? '', shell: f[6] ?? '' }));
}

export function parseGroup(text: string): GroupEntry[] {
  return lines(text).map((f) => ({
    name: f[0] ?? '',
    gid: toInt(f[2]),
    members: (f[3] ?? '').split(',').filter((m) => m !== ''),
  }));
}

/** The entries of the rootfs's /etc/passwd, or undefined when it has none. */
export async function readPasswd(rootfs: string): Promise<PasswdEntry[] | undefined> {
  const text = await readRootFile(rootfs, '/etc/passwd');
  return text === undefined ? undefined : parsePasswd(text);
}

/** The entries of the rootfs's /etc/group, or undefined when it has none. */
export async function readGroup(rootfs: string): Promise<GroupEntry[] | undefined> {
  const text = await readRootFile(rootfs, '/etc/group');
  return text === undefined ? undefined : parseGroup(text);
}

/** A decimal id as moby/sys/user accepts it (so '007' is 7, '-1' and '1e3' are names). */
export function parseNumericId(s: string): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 0xffffffff ? n : undefined;
}

/** First passwd entry matching a name, or a uid when `nameOrUid` is numeric. */
export async function lookupUser(rootfs: string, nameOrUid: string): Promise<PasswdEntry | undefined> {
  const entries = (await readPasswd(rootfs)) ?? [];
  const uid = parseNumericId(nameOrUid);
  return entries.find((e) => (uid !== undefined ? e.uid === uid : e.name === nameOrUid));
}

/** First group entry matching a name, or a gid when `nameOrGid` is numeric. */
export async function lookupGroup(rootfs: string, nameOrGid: string): Promise<GroupEntry | undefined> {
  const entries = (await readGroup(rootfs)) ?? [];
  const gid = parseNumericId(nameOrGid);
  return entries.find((e) => (gid !== undefined ? e.gid === gid : e.name === nameOrGid));
}
