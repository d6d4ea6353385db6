/**
 * login/logout as `docker login` does them: check the credentials against the registry (its
 * `/v2/` with Basic auth, or a token request for Bearer registries), then store them.
 */
import { DrydockError } from '../util/errors.js';
import { RegistryClient } from './client.js';
import { removeCredentials, saveCredentials } from './auth/dockerconfig.js';
import { endpointsFor } from './endpoint.js';
import { endpointOptions } from './settings.js';
import type { RegistryOptions } from './types.js';
import { withContext } from './util.js';

/** `https://index.docker.io/v1/`, `docker.io`, `https://host:5000/` -> the registry domain. */
export function registryDomain(server: string | undefined): string {
  if (!server) return 'docker.io';
  let s = server.trim().replace(/^[a-z]+:\/\//i, '').split('/')[0]!.toLowerCase();
  if (s === 'index.docker.io' || s === 'registry-1.docker.io') s = 'docker.io';
  if (!s) throw new DrydockError('USAGE', `invalid registry ${JSON.stringify(server)}`);
  return s;
}

export async function login(server: string | undefined, username: string, password: string, opts: RegistryOptions = {}): Promise<void> {
  const domain = registryDomain(server);
  try {
    if (!username) throw new DrydockError('USAGE', 'username is empty');
    if (!password) throw new DrydockError('USAGE', 'password is empty');
    const endpoint = endpointsFor(domain, await endpointOptions({ ...opts, mirrors: {} })).find((e) => !e.mirror)!;
    const client = new RegistryClient(endpoint, { credentials: { username, password }, signal: opts.signal });
    const res = await client.send({ method: 'GET', path: '/v2/', scopes: [] });
    await res.body.dump();
    if (res.status !== 200) await client.fail(res, 'login');
    await saveCredentials(domain, username, password, opts.configPath);
  } catch (e) {
    throw withContext(e, `login ${domain}`);
  }
}

/** Returns false when there were no credentials to remove. */
export async function logout(server: string | undefined, opts: Pick<RegistryOptions, 'configPath'> = {}): Promise<boolean> {
  const domain = registryDomain(server);
  try {
    return await removeCredentials(domain, opts.configPath);
  } catch (e) {
    throw withContext(e, `logout ${domain}`);
  }
}
