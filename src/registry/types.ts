import type { Digest, Platform } from '../image/oci.js';

/** Options every registry operation takes (pull, push, resolveRemote, login). */
export interface RegistryOptions {
  /** Docker CLI config with credentials; default `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
  configPath?: string;
  /** `true`: every registry may use plain HTTP / unverified TLS; a list: those hosts. Loopback always may. */
  insecure?: boolean | string[];
  /** `false` is `--tls-verify=false`: accept any certificate, allow plain HTTP. */
  tlsVerify?: boolean;
  /** Pull mirrors per registry domain, e.g. `{ 'docker.io': ['http://127.0.0.1:5000'] }`. Default: drydock's config file. */
  mirrors?: Record<string, string[]>;
  onProgress?: (e: TransferEvent) => void;
  signal?: AbortSignal;
  /** Store root whose `config.json` holds `registry-mirrors` / `insecure-registries` (pull/push use the store's). */
  root?: string;
}

export interface PullOptions extends RegistryOptions {
  /** Platform picked from a multi-platform index (default: the host's). */
  platform?: Platform;
  /** Parallel layer downloads (Docker's default is 3). */
  concurrency?: number;
  /** Name the pulled image in the store (default true); false fetches content only, e.g. one more platform of a stored index. */
  tag?: boolean;
  /**
   * Fetch the manifest and config only; offer the layers to the store (store/lazy.ts), fetched
   * when a build needs their bytes, as BuildKit resolves a base's config and pulls it lazily.
   * The image is not tagged: an image whose layers the store lacks is not a stored image.
   */
  lazyLayers?: boolean;
}

export interface PushOptions extends RegistryOptions {
  /** Upload blobs bigger than this in PATCH chunks of this size; default: one monolithic PUT. */
  chunkSize?: number;
  /** Repositories (on the target registry) to try cross-repository mounts from; default: other local tags of that registry. */
  mountFrom?: string[];
  /** Parallel blob uploads (Docker's default is 5). */
  concurrency?: number;
}

/** Progress of a pull or push, one event per state change of a blob or manifest. */
export interface TransferEvent {
  direction: 'pull' | 'push';
  /** resolved: manifest found; exists: blob already there; mounted: cross-repo mount; start/progress/done: transfer;
   *  manifest: a manifest was written (pull: stored; push: sent). */
  phase: 'resolved' | 'exists' | 'mounted' | 'start' | 'progress' | 'done' | 'manifest';
  digest: Digest;
  size?: number;
  /** Bytes transferred so far (progress/done). */
  current?: number;
  /** For mounted: the source repository; for resolved/manifest: the reference. */
  detail?: string;
}
