/** resolveRemote: the descriptor a reference names on its registry, without pulling anything. */
import { DrydockError } from '../util/errors.js';
import type { Descriptor } from '../image/oci.js';
import { parseReference } from '../image/reference.js';
import { RegistryClient } from './client.js';
import { endpointsFor } from './endpoint.js';
import { endpointOptions } from './settings.js';
import type { RegistryOptions } from './types.js';
import { endpointsError, withContext } from './util.js';

export async function resolveRemote(ref: string, opts: RegistryOptions = {}): Promise<Descriptor> {
  try {
    const r = parseReference(ref);
    const endpoints = endpointsFor(r.domain, await endpointOptions(opts));
    let firstError: unknown;
    for (const ep of endpoints) {
      const client = new RegistryClient(ep, { configPath: opts.configPath, signal: opts.signal });
      try {
        const d = await client.headManifest(r.path, r.digest ?? r.tag ?? 'latest');
        if (d) return d;
        throw new DrydockError('NOT_FOUND', `${client.host}: manifest for ${r.familiar()} not found: manifest unknown`);
      } catch (e) {
        if (!ep.mirror) throw endpointsError(firstError, e);
        firstError ??= e;
      }
    }
    throw firstError;
  } catch (e) {
    throw withContext(e, `resolve ${ref}`);
  }
}
