/**
 * Synchronous file system calls for trees of many small files. A synchronous lstat, open, read
 * or write costs a few microseconds where the promise API costs tens (a trip through libuv's
 * thread pool and back per call, and its promise); a context of 20,000 files is hashed in a
 * fifth of the time. A `Pacer` lets the event loop in between stretches of such calls, so
 * timers, signals, progress output and other stages keep running.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** Files up to this size are read (and written) whole with synchronous calls. */
export const SMALL_FILE = 256 * 1024;

// Date.now(), not performance.now(): the global `performance` loads node:perf_hooks on first
// use (~2-3 ms of every no-op rebuild), and millisecond steps are plenty for 20 ms slices.
export class Pacer {
  private last = Date.now();

  constructor(private readonly sliceMs = 20) {}

  /** Nothing most of the time; once `sliceMs` of work has passed, a promise settled after one turn of the event loop. */
  pace(): Promise<void> | undefined {
    if (Date.now() - this.last < this.sliceMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        this.last = Date.now();
        resolve();
      }),
    );
  }
}

/**
 * The bytes of the file at `path`, expected to hold `size` bytes: undefined when it holds another
 * number (it changed since it was stat-ed; the caller decides what that means).
 */
export function readWholeSync(path: string, size: number): Buffer | undefined {
  const fd = openSync(path, 'r');
  try {
    // One byte more than expected, so that a file that grew is noticed without a second read.
    const buf = Buffer.allocUnsafe(size + 1);
    let n = 0;
    for (;;) {
      const want = buf.length - n;
      const got = readSync(fd, buf, n, want, null);
      n += got;
      if (got === 0 || got < want || n === buf.length) break; // a short read of a regular file is its end
    }
    return n === size ? buf.subarray(0, n) : undefined;
  } finally {
    closeSync(fd);
  }
}
