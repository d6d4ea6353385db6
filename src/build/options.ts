/**
 * The typed options of a build: what `drydock build` flags and `build()` callers provide.
 */
import type { Readable } from 'node:stream';
import type { EventSink } from '../solver/events.js';
import { DrydockError } from '../util/errors.js';
import type { CacheSpec } from '../cache/index.js';
import type { SecretSource, SshSource } from '../secrets/index.js';

export type OutputType = 'image' | 'registry' | 'docker' | 'oci' | 'tar' | 'local';

export interface OutputSpec {
  type: OutputType;
  dest?: string;
  name?: string;
  attrs: Record<string, string>;
}

export interface BuildOptions {
  /** Context directory, or a tar stream of one (`drydock build - < ctx.tar`). */
  context: string | { tar: Readable };
  /** Dockerfile path (relative to the current directory); default `<context>/Dockerfile`. */
  dockerfile?: string;
  /** Dockerfile text (e.g. read from stdin); wins over `dockerfile`. */
  dockerfileText?: string;
  tags?: string[];
  target?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  noCache?: boolean;
  /** Stages (by name) whose steps ignore the cache. */
  noCacheFilter?: string[];
  pull?: boolean;
  network?: 'default' | 'none' | 'host';
  platform?: string;
  outputs?: OutputSpec[];
  /** `--cache-to`: where the build's step records and layers are exported (src/cache). */
  cacheTo?: CacheSpec[];
  /** `--cache-from`: caches whose records the build may reuse. */
  cacheFrom?: CacheSpec[];
  /** Store root; default per `defaultRoot()`. */
  root?: string;
  /** Clamp timestamps (history, config, layer mtimes) for reproducible images. */
  sourceDateEpoch?: number;
  snapshotter?: 'overlay' | 'copy' | 'auto';
  /** `--secret`: secrets RUN --mount=type=secret can use. */
  secrets?: SecretSource[];
  /** `--ssh`: agents RUN --mount=type=ssh can use. */
  ssh?: SshSource[];
  /** `--allow`: entitlements (`security.insecure`, `network.host`). */
  allow?: string[];
  onEvent?: EventSink;
  signal?: AbortSignal;
}

/** `type=local,dest=out` → {type:'local', dest:'out'}; a bare path means `type=local,dest=PATH` like buildx. */
export function parseOutputSpec(spec: string): OutputSpec {
  if (!spec.includes('=')) {
    return spec === '-' ? { type: 'tar', dest: '-', attrs: {} } : { type: 'local', dest: spec, attrs: {} };
  }
  const attrs: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) throw new DrydockError('USAGE', `invalid output "${spec}": expected key=value pairs`);
    attrs[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  const type = attrs.type as OutputType | undefined;
  const known: OutputType[] = ['image', 'registry', 'docker', 'oci', 'tar', 'local'];
  if (!type || !known.includes(type)) {
    throw new DrydockError('USAGE', `invalid output "${spec}": type must be one of ${known.join(', ')}`);
  }
  const { dest, name } = attrs;
  delete attrs.type; delete attrs.dest; delete attrs.name;
  if (type === 'registry') {
    if (!name) throw new DrydockError('USAGE', 'output type=registry needs name=REGISTRY/REPOSITORY[:TAG]');
  } else if (type !== 'image' && !dest) throw new DrydockError('USAGE', `output type=${type} needs dest=PATH`);
  return { type, dest, name, attrs };
}

/** `K=V` → [K, V]; a bare `K` takes its value from the environment, like docker build. */
export function parseKeyValue(s: string, what: string, env: NodeJS.ProcessEnv = process.env): [string, string | undefined] {
  const i = s.indexOf('=');
  if (i === 0) throw new DrydockError('USAGE', `invalid ${what} "${s}": empty name`);
  if (i < 0) return [s, env[s]];
  return [s.slice(0, i), s.slice(i + 1)];
}

/** `--build-arg` values: `K=V`, or `K` alone taking its value from the environment (dropped when unset), as docker does. */
export function parseBuildArgs(list: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const [k, v] = parseKeyValue(item, 'build-arg', env);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
