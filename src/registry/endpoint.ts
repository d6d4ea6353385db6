/**
 * Where a registry domain is reached: Docker Hub's API host, configured mirrors (docker.io
 * only, as in Docker), and whether plain HTTP / unverified TLS is allowed. Docker treats
 * loopback registries as insecure: it tries HTTPS without verification, then plain HTTP
 * (unless `tlsVerify: true` is asked for).
 */
import { isIP } from 'node:net';

export interface Endpoint {
  /** The registry as named in image references: `docker.io`, `127.0.0.1:5000`. */
  domain: string;
  /** host[:port] we connect to: `registry-1.docker.io` for docker.io. */
  host: string;
  /** Schemes tried in order; the first that answers `/v2/` is kept. */
  schemes: Array<'https' | 'http'>;
  tlsVerify: boolean;
  /** Mirrors are pull-only and fall through to the next endpoint on any failure. */
  mirror: boolean;
  /** Idle timeout: no byte sent or received for this long fails the request (retried as a reset is). */
  timeoutMs?: number;
}

export interface EndpointOptions {
  insecure?: boolean | string[];
  tlsVerify?: boolean;
  mirrors?: Record<string, string[]>;
  timeoutMs?: number;
}

export const DOCKER_HUB_DOMAIN = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colons = host.split(':').length - 1;
  return colons === 1 ? host.slice(0, host.indexOf(':')) : host;
}

export function isLoopback(host: string): boolean {
  const h = hostname(host).toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1';
  return false;
}

function isInsecure(host: string, opts: EndpointOptions): boolean {
  if (opts.tlsVerify === false || opts.insecure === true) return true;
  // Asked for explicitly (`--tls-verify=true`, as podman's flag): verified HTTPS, loopback too.
  if (opts.tlsVerify === true) return false;
  if (isLoopback(host)) return true;
  if (Array.isArray(opts.insecure)) {
    return opts.insecure.some((h) => h === host || h === hostname(host) || h.replace(/^[a-z]+:\/\//, '') === host);
  }
  return false;
}

/** The timeout only when set, so endpoints compare equal without it. */
function timeout(opts: EndpointOptions): Pick<Endpoint, 'timeoutMs'> {
  return opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs };
}

function direct(domain: string, host: string, opts: EndpointOptions): Endpoint {
  const insecure = isInsecure(host, opts);
  return { domain, host, schemes: insecure ? ['https', 'http'] : ['https'], tlsVerify: !insecure, mirror: false, ...timeout(opts) };
}

function mirrorEndpoint(domain: string, url: string, opts: EndpointOptions): Endpoint {
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(url.trim());
  if (!m) {
    const e = direct(domain, url.trim().replace(/\/+$/, ''), opts);
    return { ...e, mirror: true };
  }
  const scheme = m[1] as 'https' | 'http';
  const host = m[2]!;
  return { domain, host, schemes: [scheme], tlsVerify: scheme === 'https' && !isInsecure(host, opts), mirror: true, ...timeout(opts) };
}

/** Endpoints to try, in order, for pulling from `domain` (pushes use only the non-mirror one). */
export function endpointsFor(domain: string, opts: EndpointOptions = {}): Endpoint[] {
  const out: Endpoint[] = [];
  for (const url of opts.mirrors?.[domain] ?? []) out.push(mirrorEndpoint(domain, url, opts));
  out.push(direct(domain, domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_API : domain, opts));
  return out;
}
