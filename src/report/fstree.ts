/**
 * A filesystem built by stacking layer scans the way an overlay mount would: a layer's whiteouts
 * and opaque markers act on the layers below it, then its entries land. Sizes only, no bodies.
 * Every removal and every write is reported to an observer, which is how waste is counted.
 */
import type { LayerScan, ScanEntry } from './scan.js';

export interface FsNode {
  kind: 'dir' | 'file' | 'other';
  /** Content bytes of a regular file; for a directory, its total once `FsTree.totals()` ran. */
  size: number;
  children?: Map<string, FsNode>;
}

/** Told about each path a layer writes (with its size) or removes from below (size 0). */
export type Observer = (path: string, size: number) => void;

const newDir = (): FsNode => ({ kind: 'dir', size: 0, children: new Map() });

export class FsTree {
  readonly root: FsNode = newDir();

  get(path: string): FsNode | undefined {
    if (path === '') return this.root;
    let node: FsNode | undefined = this.root;
    for (const part of path.split('/')) {
      node = node?.children?.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  apply(scan: LayerScan, observe: Observer = () => {}): void {
    // Deletions see only the layers below: apply them all before this layer's own entries.
    const written = new Set<string>();
    for (const e of scan.entries) if (e.kind === 'file' || e.kind === 'other') written.add(e.path);
    for (const e of scan.entries) {
      if (e.kind === 'whiteout') this.remove(e.path, observe);
      else if (e.kind === 'opaque') this.empty(e.path, written, observe);
    }
    for (const e of scan.entries) if (e.kind !== 'whiteout' && e.kind !== 'opaque') this.put(e, observe);
  }

  /** Computes every directory's total size (call once, after the last layer). */
  totals(node: FsNode = this.root): number {
    if (node.kind !== 'dir') return node.size;
    let sum = 0;
    for (const c of node.children!.values()) sum += this.totals(c);
    node.size = sum;
    return sum;
  }

  /** Every non-directory under `node`, as [path, node]; paths are relative (`usr/bin/env`). */
  *leaves(node: FsNode = this.root, prefix = ''): Generator<[string, FsNode]> {
    if (node.kind !== 'dir') {
      yield [prefix, node];
      return;
    }
    for (const [name, c] of node.children!) yield* this.leaves(c, prefix ? `${prefix}/${name}` : name);
  }

  /** Every directory under `node` (itself excluded), as [path, node]. */
  *dirs(node: FsNode = this.root, prefix = ''): Generator<[string, FsNode]> {
    for (const [name, c] of node.children ?? []) {
      if (c.kind !== 'dir') continue;
      const p = prefix ? `${prefix}/${name}` : name;
      yield [p, c];
      yield* this.dirs(c, p);
    }
  }

  private remove(path: string, observe: Observer): void {
    const { parent, name } = this.parentOf(path, false);
    const node = parent?.children?.get(name);
    if (!node) return;
    for (const [p] of this.leaves(node, path)) observe(p, 0);
    parent!.children!.delete(name);
  }

  private empty(path: string, keep: Set<string>, observe: Observer): void {
    const dir = this.get(path);
    if (!dir || dir.kind !== 'dir') return;
    for (const [p] of this.leaves(dir, path)) if (!keep.has(p)) observe(p, 0);
    dir.children!.clear();
  }

  private put(e: ScanEntry, observe: Observer): void {
    const { parent, name } = this.parentOf(e.path, true, observe);
    const old = parent!.children!.get(name);
    if (e.kind === 'dir') {
      if (old?.kind === 'dir') return; // a directory entry over a directory merges
      if (old) observe(e.path, 0);
      parent!.children!.set(name, newDir());
      return;
    }
    if (old?.kind === 'dir') for (const [p] of this.leaves(old, e.path)) observe(p, 0);
    observe(e.path, e.size);
    parent!.children!.set(name, { kind: e.kind === 'file' ? 'file' : 'other', size: e.size });
  }

  /** The directory that holds `path`; with `create`, missing (or non-directory) parents become directories. */
  private parentOf(path: string, create: boolean, observe?: Observer): { parent?: FsNode; name: string } {
    const parts = path.split('/');
    const name = parts.pop()!;
    let node = this.root;
    let at = '';
    for (const part of parts) {
      at = at ? `${at}/${part}` : part;
      let next = node.children!.get(part);
      if (!next || next.kind !== 'dir') {
        if (!create) return { name };
        if (next) observe?.(at, 0);
        next = newDir();
        node.children!.set(part, next);
      }
      node = next;
    }
    return { parent: node, name };
  }
}
