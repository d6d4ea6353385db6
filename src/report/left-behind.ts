/**
 * What a builder stage had that the final image does not: files whose path is missing from the
 * image or holds a file of another size there, summed by directory and narrowed to the places
 * a user recognises (`/usr/lib/go-1.19`, `/root/.cache/go-build`) rather than `/usr` or `/root`.
 */
import { FsTree, type FsNode } from './fstree.js';
import type { PathSize } from './types.js';

/**
 * Directories that only group other things (FHS): what is left behind in them is worth naming
 * one level down (`/usr/lib/go-1.19`, `/var/lib/apt`), not as `/usr` or `/var`.
 */
const CONTAINERS = new Set([
  '/usr', '/usr/lib', '/usr/lib64', '/usr/libexec', '/usr/share', '/usr/include', '/usr/src',
  '/usr/local', '/usr/local/lib', '/usr/local/share', '/var', '/var/lib', '/var/cache', '/var/log',
  '/opt', '/home', '/root', '/root/.cache', '/root/.local', '/root/.local/share', '/srv', '/tmp',
]);

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
  const visit = (path: string, node: FsNode): void => {
    if (node.kind === 'dir' && (CONTAINERS.has(path) || dominated(node))) {
      for (const [name, c] of node.children!) visit(`${path}/${name}`, c);
    } else if (path !== '') {
      dirs.push({ path, size: node.size });
    }
  };
  for (const [name, c] of diff.root.children!) visit(`/${name}`, c);
  dirs.sort((a, b) => b.size - a.size || a.path.localeCompare(b.path));
  return { bytes, dirs: dirs.slice(0, limit) };
}

/** True for a directory whose only content is one directory (`/go/pkg/mod` → its child names it better). */
function dominated(node: FsNode): boolean {
  const [only, more] = node.children!.values();
  return !!only && !more && only.kind === 'dir';
}
