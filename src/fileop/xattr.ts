/**
 * Extended attributes of copied entries (file capabilities such as `security.capability` on a
 * `ping` copied from a stage, `user.*` attributes), best effort as in BuildKit: an attribute the
 * destination refuses (no permission, no xattr support) is left out.
 */
import { Pacer } from '../util/sync-fs.js';
import { readXattrs, writeXattr } from '../util/xattr.js';

/** Copy the xattrs of every `src → target` in `copied` (synchronous calls, paced). */
export async function copyXattrs(copied: ReadonlyMap<string, string>): Promise<void> {
  const pacer = new Pacer();
  for (const [src, target] of copied) {
    const paused = pacer.pace();
    if (paused) await paused;
    let xattrs;
    try {
      xattrs = readXattrs(src);
    } catch {
      continue;
    }
    for (const [name, value] of xattrs) {
      try {
        writeXattr(target, name, value);
      } catch {
        // best effort, as BuildKit's copy
      }
    }
  }
}
