/**
 * One build's cache mounts (the solver's CacheMountHooks): which ones its RUNs used, for the
 * export, and the imported ones, restored lazily: a mount is downloaded only when a RUN of this
 * build mounts it and this machine has no directory for it yet.
 */
import { rm } from 'node:fs/promises';
import type { Store } from '../../store/index.js';
import type { Descriptor } from '../../image/oci.js';
import type { CacheMountHooks, UsedCacheMount } from '../../solver/ops/cache-mount.js';
import { DrydockError } from '../../util/errors.js';
import type { CacheSource } from '../source.js';
import { restoreMount } from './restore.js';
import type { ExportedMount } from './format.js';

export interface ImportedMount { mount: ExportedMount; index: Descriptor; source: CacheSource }

export class CacheMountLedger implements CacheMountHooks {
  private readonly usedByName = new Map<string, UsedCacheMount>();
  private readonly imported = new Map<string, ImportedMount>();
  /** Names restored in this build, with how many chunks came over the wire. */
  readonly restored = new Map<string, { chunks: number; fetched: number }>();

  constructor(private readonly store: Store, sources: CacheSource[], private readonly warn: (message: string) => void = () => {}) {
    // The first source that has a mount wins, as for records.
    for (const source of sources) {
      for (const m of source.mounts ?? []) if (!this.imported.has(m.mount.name)) this.imported.set(m.mount.name, { ...m, source });
    }
  }

  note(m: UsedCacheMount): void {
    if (!this.usedByName.has(m.name)) this.usedByName.set(m.name, m);
  }

  get used(): UsedCacheMount[] {
    return [...this.usedByName.values()];
  }

  /** Imported mounts this build did not use: an export back to where they came from keeps them. */
  unusedImports(): ImportedMount[] {
    return [...this.imported.values()].filter((m) => !this.usedByName.has(m.mount.name));
  }

  async restore(name: string, dest: string): Promise<boolean> {
    const m = this.imported.get(name);
    if (!m) return false;
    try {
      this.restored.set(name, await restoreMount(this.store, m.index, m.source, dest));
      return true;
    } catch (e) {
      if (e instanceof DrydockError && e.code === 'CANCELLED') throw e;
      // A cache that cannot deliver leaves the mount empty, never a failed build.
      this.warn(`cache mount ${m.mount.id} from ${m.source.name}: ${e instanceof Error ? e.message : String(e)}; starting it empty`);
      await rm(dest, { recursive: true, force: true });
      return false;
    }
  }
}
