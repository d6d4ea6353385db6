/**
 * drydock's own registry settings file, read like Docker's daemon.json:
 *   <root>/config.json, else /etc/drydock/config.json
 *   {"registry-mirrors": ["http://127.0.0.1:5000"], "insecure-registries": ["myreg:5000"], "registry-timeout": 300}
 * Mirrors apply to docker.io, as in Docker. Options passed in code win over the file.
 * "registry-timeout" (seconds without a byte either way before a request counts as stalled) is
 * overridden by the environment variable DRYDOCK_REGISTRY_TIMEOUT.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DrydockError } from '../util/errors.js';
import { DOCKER_HUB_DOMAIN, type EndpointOptions } from './endpoint.js';
import type { RegistryOptions } from './types.js';

export const SYSTEM_CONFIG = '/etc/drydock/config.json';

interface SettingsFile {
  'registry-mirrors'?: string[];
  'insecure-registries'?: string[];
  'registry-timeout'?: number;
}

async function readSettings(file: string): Promise<SettingsFile | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DrydockError('USAGE', `read ${file}: ${(e as Error).message}`, { cause: e });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DrydockError('USAGE', `${file}: invalid JSON: ${(e as Error).message}`, { cause: e });
  }
  const s = parsed as SettingsFile;
  for (const key of ['registry-mirrors', 'insecure-registries'] as const) {
    const v = s[key];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) {
      throw new DrydockError('USAGE', `${file}: "${key}" must be a list of strings`);
    }
  }
  const t = s['registry-timeout'];
  if (t !== undefined && !(typeof t === 'number' && t > 0)) throw new DrydockError('USAGE', `${file}: "registry-timeout" must be a number of seconds above 0`);
  return s;
}

/** DRYDOCK_REGISTRY_TIMEOUT, else the file's "registry-timeout", in ms. */
function timeoutMs(file: SettingsFile | undefined): number | undefined {
  const env = process.env.DRYDOCK_REGISTRY_TIMEOUT;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!(n > 0)) throw new DrydockError('USAGE', `DRYDOCK_REGISTRY_TIMEOUT=${env}: must be a number of seconds above 0`);
    return n * 1000;
  }
  const t = file?.['registry-timeout'];
  return t === undefined ? undefined : t * 1000;
}

/** Endpoint settings for an operation: explicit options, then the settings file of `root`. */
export async function endpointOptions(opts: RegistryOptions, root = opts.root): Promise<EndpointOptions> {
  const file = (root ? await readSettings(path.join(root, 'config.json')) : undefined) ?? (await readSettings(SYSTEM_CONFIG));
  const fileInsecure = file?.['insecure-registries'];
  const timeout = timeoutMs(file);
  return {
    tlsVerify: opts.tlsVerify,
    insecure: opts.insecure ?? (fileInsecure?.length ? fileInsecure : undefined),
    mirrors: opts.mirrors ?? (file?.['registry-mirrors']?.length ? { [DOCKER_HUB_DOMAIN]: file['registry-mirrors'] } : undefined),
    ...(timeout === undefined ? {} : { timeoutMs: timeout }),
  };
}
