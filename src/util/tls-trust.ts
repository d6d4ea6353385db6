/**
 * The certificate authorities drydock's own verified TLS connections trust (registries, ADD
 * https://…): Node's, plus the file NODE_EXTRA_CA_CERTS names, read the first time a connection
 * needs it.
 *
 * Node 20 reads and parses NODE_EXTRA_CA_CERTS while the process starts, before any JavaScript
 * runs, whether or not the process ever opens a TLS connection: ~50 ms for Debian's bundle of
 * ~140 certificates, more than all of drydock's own work on a no-op build, on every command. So
 * bin/drydock.js's `#!/usr/bin/env -S` line moves the variable to DRYDOCK_NODE_EXTRA_CA_CERTS
 * and the certificates are read here, when trust is first needed (Go reads its roots lazily the
 * same way). When Node was started with NODE_EXTRA_CA_CERTS itself (`node bin/drydock.js`, the
 * programmatic API) it already trusts them and nothing is added.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/** The variable bin/drydock.js's shebang line moves NODE_EXTRA_CA_CERTS to. */
export const DEFERRED_EXTRA_CA_ENV = 'DRYDOCK_NODE_EXTRA_CA_CERTS';

let options: { ca?: string[] } | undefined;

/**
 * TLS options for a verifying connection: `{}` (Node's defaults) unless CAs were deferred, then
 * `ca` = Node's bundled roots and the deferred file's certificates. A file that cannot be read
 * is ignored with a warning, as Node does.
 */
export function verifyingTlsOptions(env: NodeJS.ProcessEnv = process.env): { ca?: string[] } {
  if (options && env === process.env) return options;
  const file = env[DEFERRED_EXTRA_CA_ENV];
  let result: { ca?: string[] } = {};
  if (file && !env.NODE_EXTRA_CA_CERTS) {
    try {
      result = { ca: [...rootCertificates, readFileSync(file, 'latin1')] };
    } catch (e) {
      process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(e as Error).message}`);
    }
  }
  if (env === process.env) options = result;
  return result;
}
