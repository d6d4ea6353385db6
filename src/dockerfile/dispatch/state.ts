/** The mutable state one stage's dispatch walks through (BuildKit's `dispatchState`). */
import type { ContainerConfig, HistoryEntry, ImageConfig, Platform } from '../../image/oci.js';
import type { ArgDef, Location } from '../instructions/index.js';
import type { WarningCollector } from '../lint/index.js';
import { ShellLex } from '../shell/index.js';
import { EnvList } from '../util/envlist.js';
import type { DispatchContext } from './types.js';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const HISTORY_COMMENT = 'buildkit.dockerfile.v0';

/** Tracks CMD/ENTRYPOINT/HEALTHCHECK use for MultipleInstructionsDisallowed. */
export interface Tracker {
  location?: Location;
}

export class DispatchState {
  image: ImageConfig;
  /** The env RUN sees and words expand against: config env + ARG values. */
  env: EnvList;
  buildArgs: ArgDef[];
  workdirSet: boolean;
  readonly lex: ShellLex;
  readonly cmd: Tracker = {};
  readonly entrypoint: Tracker = {};
  readonly healthcheck: Tracker = {};

  constructor(
    readonly ctx: DispatchContext,
    readonly platform: Platform,
    readonly lint: WarningCollector,
    image: ImageConfig,
    env: EnvList,
    buildArgs: ArgDef[],
    workdirSet: boolean,
  ) {
    this.image = image;
    this.env = env;
    this.buildArgs = buildArgs;
    this.workdirSet = workdirSet;
    this.lex = new ShellLex(ctx.escapeToken);
  }

  get config(): ContainerConfig {
    this.image.config ??= {};
    return this.image.config;
  }

  /** Appends a history entry the way BuildKit's `commitToHistory` does. */
  commit(createdBy: string, layer: boolean): void {
    const entry: HistoryEntry = { created_by: createdBy, comment: HISTORY_COMMENT };
    if (!layer) entry.empty_layer = true;
    (this.image.history ??= []).push(entry);
  }

  /** Sets an env var in the config (in place when present, like BuildKit's addEnv). */
  setConfigEnv(key: string, value: string): void {
    const env = (this.config.Env ??= []);
    const i = env.findIndex((e) => e.split('=', 1)[0] === key);
    if (i >= 0) env[i] = `${key}=${value}`;
    else env.push(`${key}=${value}`);
  }
}

/** BuildKit's `emptyImage`: what FROM scratch (or an unknown base) starts with. */
export function emptyImage(platform: Platform): ImageConfig {
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    rootfs: { type: 'layers', diff_ids: [] },
    config: { WorkingDir: '/', Env: [`PATH=${DEFAULT_PATH}`] },
  };
}

export function cloneImage(img: ImageConfig): ImageConfig {
  return structuredClone(img);
}
