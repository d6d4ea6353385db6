/**
 * Wasted bytes and the efficiency score, as dive defines them: every layer's write or removal of
 * a path is one observation (a removal weighs 0). A path observed in two or more layers is an
 * inefficiency; wasted bytes are the summed sizes of all its copies; the score is the sum over
 * all paths of the smallest copy divided by the sum of all copies.
 * One deliberate difference: dive weighs a deleted directory as a whole on the directory's own
 * path (seen once, so never wasted); here each file under it counts as deleted, like `rm` of
 * each file would, so `RUN rm -rf /var/lib/apt/lists` shows up as waste.
 */
import type { WasteReport, WastedPath } from './types.js';

interface PathStats {
  count: number;
  total: number;
  min: number;
}

export class WasteCounter {
  private readonly paths = new Map<string, PathStats>();

  /** Records one layer's observation of `path` (its size, or 0 for a removal). */
  readonly observe = (path: string, size: number): void => {
    const s = this.paths.get(path);
    if (!s) this.paths.set(path, { count: 1, total: size, min: size });
    else {
      s.count++;
      s.total += size;
      if (size < s.min) s.min = size;
    }
  };

  /** `userSize`: content bytes of every layer but the first (dive's "user size"). */
  result(userSize: number, limit = 50): WasteReport {
    let bytes = 0;
    let minSum = 0;
    let totalSum = 0;
    const wasted: WastedPath[] = [];
    for (const [path, s] of this.paths) {
      minSum += s.min;
      totalSum += s.total;
      if (s.count < 2) continue;
      bytes += s.total;
      if (s.total > 0) wasted.push({ path: `/${path}`, size: s.total, count: s.count });
    }
    wasted.sort((a, b) => b.size - a.size || a.path.localeCompare(b.path));
    return {
      bytes,
      userFraction: userSize > 0 ? bytes / userSize : 0,
      efficiency: totalSum === 0 ? 1 : minSum / totalSum,
      paths: wasted.slice(0, limit),
    };
  }
}
