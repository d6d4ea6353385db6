/**
 * ~/.docker/config.json, read and written the way the Docker CLI does: `auths` entries hold
 * base64 "user:password"; `credsStore` / `credHelpers` send credentials to a helper instead.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DrydockError } from '../../util/errors.js';
import { helperErase, helperGet, helperStore } from './credhelper.js';
import type { Credentials } from './types.js';

/** The key Docker uses for Docker Hub credentials. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [other: string]: unknown;
}

export function defaultDockerConfigPath(): string {
  const dir = process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/** The auths key for a registry domain: Docker Hub's historical URL, else the host itself. */
export function authKey(domain: string): string {
  return domain === 'docker.io' ? DOCKER_HUB_AUTH_KEY : domain;
}

/** `https://host:5000/v1/` and `host:5000` name the same registry (Docker's ConvertToHostname). */
function keyHost(key: string): string {
  let s = key.replace(/^[a-z]+:\/\//i, '');
  s = s.split('/')[0]!;
  return s === 'index.docker.io' || s === 'registry-1.docker.io' ? 'docker.io' : s;
}

async function readConfig(file: string): Promise<DockerConfigFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new DrydockError('AUTH', `read ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as DockerConfigFile;
  } catch (e) {
    throw new DrydockError('AUTH', `${file}: invalid JSON: ${(e as Error).message}`, { cause: e });
  }
}

async function writeConfig(file: string, cfg: DockerConfigFile): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(cfg, null, '\t') + '\n', { mode: 0o600 });
  await fs.rename(tmp, file);
}

function helperFor(cfg: DockerConfigFile, domain: string): string | undefined {
  for (const [k, v] of Object.entries(cfg.credHelpers ?? {})) if (keyHost(k) === domain) return v;
  return cfg.credsStore || undefined;
}

function decodeEntry(e: AuthEntry, where: string): Credentials | undefined {
  if (e.identitytoken) return { identityToken: e.identitytoken, username: e.username };
  if (e.auth) {
    const plain = Buffer.from(e.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon < 0) throw new DrydockError('AUTH', `${where}: invalid auth entry (expected base64 "user:password")`);
    return { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
  }
  if (e.username !== undefined && e.password !== undefined) return { username: e.username, password: e.password };
  return undefined;
}

/** Credentials for a registry domain (`docker.io`, `127.0.0.1:5000`), or undefined for anonymous. */
export async function getCredentials(domain: string, configPath = defaultDockerConfigPath()): Promise<Credentials | undefined> {
  const cfg = await readConfig(configPath);
  const helper = helperFor(cfg, domain);
  if (helper) {
    const fromHelper = await helperGet(helper, authKey(domain));
    if (fromHelper) return fromHelper;
  }
  for (const [k, e] of Object.entries(cfg.auths ?? {})) {
    if (keyHost(k) === domain) return decodeEntry(e, configPath);
  }
  return undefined;
}

/** Store credentials as `docker login` does: in the helper when one is configured, else base64 in auths. */
export async function saveCredentials(domain: string, username: string, password: string, configPath = defaultDockerConfigPath()): Promise<void> {
  const cfg = await readConfig(configPath);
  const key = authKey(domain);
  const helper = helperFor(cfg, domain);
  cfg.auths ??= {};
  for (const k of Object.keys(cfg.auths)) if (keyHost(k) === domain) delete cfg.auths[k];
  if (helper) {
    await helperStore(helper, key, username, password);
    cfg.auths[key] = {}; // Docker keeps an empty entry so the registry is listed
  } else {
    cfg.auths[key] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  }
  await writeConfig(configPath, cfg);
}

/** Forget credentials for a domain; returns false when there were none. */
export async function removeCredentials(domain: string, configPath = defaultDockerConfigPath()): Promise<boolean> {
  const cfg = await readConfig(configPath);
  let found = false;
  for (const k of Object.keys(cfg.auths ?? {})) {
    if (keyHost(k) === domain) { delete cfg.auths![k]; found = true; }
  }
  const helper = helperFor(cfg, domain);
  if (helper) {
    await helperErase(helper, authKey(domain));
    found = true;
  }
  if (found) await writeConfig(configPath, cfg);
  return found;
}
