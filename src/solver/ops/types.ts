import type { CopySource } from '../../graph/index.js';
import type { SourceLocation } from '../../util/errors.js';

/** What an operation may use while it executes, provided by the stage runner. */
export interface StepRuntime {
  storeRoot: string;
  defaultNetwork: 'host' | 'none';
  location?: SourceLocation;
  signal?: AbortSignal;
  log(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** A directory holding the files of a COPY/mount source, and how to let go of it. */
  sourceRoot(from: CopySource): Promise<{ path: string; release: () => Promise<void>; isContext: boolean }>;
}
