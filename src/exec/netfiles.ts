/**
 * /etc/hosts and /etc/resolv.conf as BuildKit gives them to a RUN (executor/oci/hosts.go,
 * resolvconf.go): generated on the host and bind-mounted read-only, so they never reach a layer.
 */
import { readFile } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import type { HostIP } from './types.js';

export const DEFAULT_HOSTNAME = 'buildkitsandbox';

/** The defaults, then one `IP<TAB>HOST` line per `--add-host`, in the order given (makeHostsFile). */
export function hostsFile(hostname: string, extraHosts: readonly HostIP[] = []): string {
  const extra = extraHosts.map((h) => `${h.ip}\t${h.host}\n`).join('');
  return `127.0.0.1\tlocalhost ${hostname || DEFAULT_HOSTNAME}\n::1\tlocalhost ip6-localhost ip6-loopback\n${extra}`;
}

// Docker's fallback when no usable nameserver is left (libnetwork resolvconf, IPv6 included).
const DEFAULT_NAMESERVERS = ['8.8.8.8', '8.8.4.4', '2001:4860:4860::8888', '2001:4860:4860::8844'];

function isLoopback(addr: string): boolean {
  const ip = addr.replace(/%.*$/, '');
  if (isIPv4(ip)) return ip.startsWith('127.');
  if (isIPv6(ip)) return /^(0{0,4}:){2,7}0{0,3}1$/.test(ip) || ip === '::1';
  return false;
}

/**
 * The container's resolv.conf from the host's. With host networking the host's servers are
 * reachable and kept as they are; otherwise loopback servers are dropped (they would point into
 * the container) and Docker's defaults fill in when none is left.
 */
export function resolvConf(hostText: string, network: 'host' | 'none'): string {
  const nameservers: string[] = [];
  let search: string[] = [];
  let options: string[] = [];
  const other: string[] = [];
  for (const raw of hostText.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') search = rest;
    else if (key === 'options') options = [...options, ...rest];
    else other.push(line);
  }
  let servers = nameservers;
  if (network !== 'host' || servers.length === 0) {
    servers = servers.filter((ns) => !isLoopback(ns));
    if (servers.length === 0) servers = DEFAULT_NAMESERVERS;
  }
  let out = servers.map((ns) => `nameserver ${ns}\n`).join('');
  if (search.length) out += `search ${search.join(' ')}\n`;
  if (options.length) out += `options ${options.join(' ')}\n`;
  for (const o of other) out += `${o}\n`;
  return out;
}

/** The host's resolv.conf; behind systemd-resolved's stub (127.0.0.53 alone) its upstream file, as BuildKit. */
export async function hostResolvConf(network: 'host' | 'none'): Promise<string> {
  const main = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  const servers = [...main.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]);
  if (network !== 'host' && servers.length === 1 && servers[0] === '127.0.0.53') {
    return readFile('/run/systemd/resolve/resolv.conf', 'utf8').catch(() => main);
  }
  return main;
}
