/**
 * Base image configs for lint: read from the local store when the image is there, never pulled.
 * A missing store is not created; anything unreadable counts as "not known".
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Platform } from '../image/oci.js';
import type { Store } from '../store/index.js';
import type { BaseImageInfo } from './checks/context.js';

export class LocalBases {
  private readonly memo = new Map<string, Promise<BaseImageInfo>>();

  private constructor(private readonly store: Store | undefined) {}

  /** `root`: a store root, undefined for the default one, false for none. */
  static async open(root: string | false | undefined): Promise<LocalBases> {
    if (root === false) return new LocalBases(undefined);
    const { openStore, defaultRoot } = await import('../store/index.js');
    const dir = root ?? defaultRoot();
    try {
      await access(join(dir, 'refs'));
    } catch {
      return new LocalBases(undefined);
    }
    return new LocalBases(await openStore(dir));
  }

  get(ref: string, platform: Platform): Promise<BaseImageInfo> {
    const key = `${ref}\0${platform.os}/${platform.architecture}/${platform.variant ?? ''}`;
    let p = this.memo.get(key);
    if (!p) {
      p = this.load(ref, platform);
      this.memo.set(key, p);
    }
    return p;
  }

  private async load(ref: string, platform: Platform): Promise<BaseImageInfo> {
    if (!this.store) return { ref };
    try {
      const rec = await this.store.images.get(ref);
      if (!rec) return { ref };
      const { resolveImage } = await import('../image/resolve.js');
      const img = await resolveImage(this.store, rec.target, platform);
      const c = img.config;
      return { ref, config: c, platform: { os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) } };
    } catch {
      // e.g. an index without this platform: BuildKit would pull; lint just does not know
      return { ref };
    }
  }
}
