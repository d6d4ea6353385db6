/** Test helpers: build real directory trees from a compact spec, and describe trees for assertions. */
import { chmod, lchown, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, lutimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type Spec = Record<string, string | { content?: string; mode?: number; uid?: number; gid?: number; mtime?: number; link?: string; dir?: boolean }>;

/** Keys ending in "/" are directories; `{ link }` makes a symlink. Parents are created 0755. */
export async function makeTree(root: string, spec: Spec): Promise<void> {
  for (const [name, v] of Object.entries(spec)) {
    const p = path.join(root, name);
    const o = typeof v === 'string' ? { content: v } : v;
    await mkdir(path.dirname(p), { recursive: true });
    if (name.endsWith('/') || o.dir) await mkdir(p, { recursive: true });
    else if (o.link !== undefined) await symlink(o.link, p);
    else await writeFile(p, o.content ?? '');
    if (o.mode !== undefined) await chmod(p, o.mode);
    if (o.uid !== undefined || o.gid !== undefined) await lchown(p, o.uid ?? 0, o.gid ?? 0);
    if (o.mtime !== undefined) await lutimes(p, o.mtime, o.mtime);
  }
}

export interface Node {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: string;
  owner: string;
  mtime: number;
  content?: string;
  target?: string;
  ino: number;
}

/** Every entry below `root` (not root itself), keyed by relative path. */
export async function describe(root: string): Promise<Record<string, Node>> {
  const out: Record<string, Node> = {};
  const walk = async (dir: string, rel: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const p = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(p);
      const node: Node = {
        type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other',
        mode: (st.mode & 0o7777).toString(8).padStart(4, '0'),
        owner: `${st.uid}:${st.gid}`,
        mtime: Math.floor(st.mtimeMs / 1000),
        ino: st.ino,
      };
      if (st.isFile()) node.content = await readFile(p, 'utf8');
      if (st.isSymbolicLink()) node.target = await readlink(p);
      out[r] = node;
      if (st.isDirectory()) await walk(p, r);
    }
  };
  await walk(root, '');
  return out;
}

export async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'drydock-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A context dir and a destination rootfs side by side. */
export async function withRoots<T>(fn: (src: string, dst: string) => Promise<T>): Promise<T> {
  return withTemp(async (dir) => {
    await mkdir(`${dir}/src`);
    await mkdir(`${dir}/dst`);
    return fn(`${dir}/src`, `${dir}/dst`);
  });
}

export const T0 = 1_600_000_000; // a fixed mtime in the past
