/**
 * The typed options of a build: what `drydock build` flags and `build()` callers provide.
 */
import type { Readable } from 'node:stream';
import type { EventSink } from '../solver/events.js';
import { DrydockError } from '../util/errors.js';
import type { CacheSpec } from '../cache/index.js';
import type { SecretSource, SshSource } from '../secrets/index.js';
import type { HostIP, Ulimit } from '../exec/types.js';

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
  /**
   * Clamp timestamps (history, config, layer mtimes) for reproducible images: the API's form of
   * the SOURCE_DATE_EPOCH environment variable. A `SOURCE_DATE_EPOCH` build arg wins over it.
   */
  sourceDateEpoch?: number;
  snapshotter?: 'overlay' | 'fuse-overlayfs' | 'copy' | 'auto';
  /** `--secret`: secrets RUN --mount=type=secret can use. */
  secrets?: SecretSource[];
  /** `--ssh`: agents RUN --mount=type=ssh can use. */
  ssh?: SshSource[];
  /** `--allow`: entitlements (`security.insecure`, `network.host`). */
  allow?: string[];
  /** `--report`: write the size report of the image to this file (.html, .json, else text). */
  report?: string;
  /** `--add-host`: lines added to every RUN's /etc/hosts. */
  extraHosts?: HostIP[];
  /** `--shm-size`: bytes of /dev/shm in every RUN (default 64 MiB). */
  shmSize?: number;
  /** `--ulimit`: rlimits of every RUN. */
  ulimits?: Ulimit[];
  /**
   * `--build-context NAME=VALUE`: named contexts for FROM NAME, COPY --from=NAME and
   * RUN --mount=from=NAME (a directory, `docker-image://REF`, `oci-layout://PATH[:TAG|@DIGEST]`,
   * a git or http(s) URL); a stage named NAME is replaced by the context.
   */
  buildContexts?: Record<string, string>;
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
  // Checked: Docker 20.10.24's `docker load` of zstd layers fails ("archive/tar: invalid tar header"); its pull of them works.
  if (type === 'docker' && attrs.compression === 'zstd') {
    throw new DrydockError('USAGE', 'output type=docker,compression=zstd: Docker 20.10 cannot load zstd layers (its `docker load` reads gzip or uncompressed ones); use type=oci for zstd, or compression=gzip');
  }
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

const EPOCH_ARG = 'SOURCE_DATE_EPOCH';

/**
 * The build args with SOURCE_DATE_EPOCH as BuildKit's clients pass it: the environment's value
 * (here `sourceDateEpoch`) becomes the build arg, and an explicit build arg wins
 * (cmd/buildctl/build/opt.go, loadOptEnv; docs/build-repro.md in moby/buildkit).
 */
export function withEpochArg(args: Record<string, string>, sourceDateEpoch?: number): Record<string, string> {
  if (sourceDateEpoch === undefined || Object.hasOwn(args, EPOCH_ARG)) return args;
  return { ...args, [EPOCH_ARG]: String(sourceDateEpoch) };
}

/**
 * The build's SOURCE_DATE_EPOCH, as BuildKit's frontend reads it (dockerfile2llb/convert.go,
 * getBuildArgValue; epoch.go): the build arg, else a non-empty default of a global
 * `ARG SOURCE_DATE_EPOCH=N`. Empty is unset; so is `context`, which names the date of a git or
 * HTTP context, and a local context has none.
 */
export function resolveSourceDateEpoch(args: Record<string, string>, globalArgs: Record<string, string>): number | undefined {
  const v = Object.hasOwn(args, EPOCH_ARG) ? args[EPOCH_ARG]! : globalArgs[EPOCH_ARG] ?? '';
  if (v === '' || v === 'context') return undefined;
  return parseEpoch(v);
}

export function parseEpoch(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(n)) throw new DrydockError('USAGE', `invalid SOURCE_DATE_EPOCH "${s}": expected a whole number of seconds`);
  return n;
}
