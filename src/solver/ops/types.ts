import type { CopySource } from '../../graph/index.js';
import type { SourceLocation } from '../../util/errors.js';
import type { BuildSession } from '../../secrets/index.js';
import type { IgnoreMatcher } from '../../fileop/index.js';
import type { BuildContext } from '../../context/index.js';
import type { CacheMountHooks } from './cache-mount.js';

/** What an operation may use while it executes, provided by the stage runner. */
export interface StepRuntime {
  storeRoot: string;
  defaultNetwork: 'host' | 'none';
  location?: SourceLocation;
  signal?: AbortSignal;
  log(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /**
   * A directory holding the files of a COPY/mount source, and how to let go of it. `isContext`:
   * files of a context (the build's, or `context`, a named directory context), whose
   * .dockerignore applies and whose owners are not kept.
   */
  sourceRoot(from: CopySource): Promise<{ path: string; release: () => Promise<void>; isContext: boolean; context?: BuildContext }>;
  /** What identifies the content of `from` (a stage's cache key, an image digest, a context hash). */
  sourceKey(from: CopySource): Promise<string>;
  /** The context's .dockerignore: what RUN bind mounts of the context must not show. */
  contextIgnore?: IgnoreMatcher;
  /** Secrets and ssh agents of the build; absent means none were given. */
  session?: BuildSession;
  /** RUN --security=insecure is allowed (`--allow security.insecure`). */
  allowInsecure: boolean;
  /** Cache mounts' import and export (`--cache-from`/`--cache-to ...,mounts=`). */
  cacheMounts?: CacheMountHooks;
}
