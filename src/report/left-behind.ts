/**
 * What a builder stage had that the final image does not: files whose path is missing from the
 * image or holds a file of another size there, summed by directory and narrowed to the places
 * a user recognises (`/usr/local/go`, `/root/.cache/go-build`) rather than `/usr` or `/root`.
 */
import { FsTree, type FsNode } from './fstree.js';
import type { PathSize } from './types.js';

/** A directory is narrowed to its child while that child holds at least this share of it. */
const DOMINANT = 0.9;

export function leftBehind(stage: FsTree, image: FsTree, limit = 10): { bytes: number; dirs: PathSize[] } {
  const diff = new FsTree();
  let bytes = 0;
  for (const [path, node] of stage.leaves()) {
    if (node.size === 0) continue;
    const there = image.get(path);
    if (there && there.kind === node.kind && there.size === node.size) continue;
    bytes += node.size;
    diff.apply({ size: node.size, entries: [{ path, kind: 'file', size: node.size }] });
  }
  diff.totals();
  const dirs: PathSize[] = [];
  for (const [name, child] of diff.root.children!) {
    const [path, node] = narrow(`/${name}`, child);
    dirs.push({ path, size: node.size });
  }
  dirs.sort((a, b) => b.size - a.size || a.path.localeCompare(b.path));
  return { bytes, dirs: dirs.slice(0, limit) };
}

function narrow(path: string, node: FsNode): [string, FsNode] {
  for (;;) {
    if (node.kind !== 'dir') return [path, node];
    let top: [string, FsNode] | undefined;
    for (const [name, c] of node.children!) if (!top || c.size > top[1].size) top = [name, c];
    if (!top || top[1].kind !== 'dir' || top[1].size < node.size * DOMINANT) return [path, node];
    path = `${path}/${top[0]}`;
    node = top[1];
  }
}
