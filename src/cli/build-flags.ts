/**
 * The `docker buildx build` flags that need more than a string: `--add-host`, `--shm-size`,
 * `--ulimit` (parsed as buildx and BuildKit's dockerui parse them), and `--push`, `--load`,
 * `--annotation` (folded into the outputs, as buildx's commands/build.go RunBuild does).
 */
import { isIP } from 'node:net';
import type { HostIP, Ulimit } from '../exec/types.js';
import type { OutputSpec } from '../build/options.js';
import { annotationAttrs } from '../build/annotations.js';
import { DrydockError } from '../util/errors.js';

/**
 * `--add-host HOST:IP` or `HOST=IP` (buildx build/utils.go toBuildkitExtraHosts): an IPv6
 * address may be in brackets; `host-gateway` is the host, which RUN reaches at 127.0.0.1 since
 * it shares the host's network. Host names are lower-cased, IPs written in canonical form
 * (BuildKit's dockerui parseExtraHosts, net.IP.String()). A value may list several, comma-separated.
 */
export function parseAddHosts(values: readonly string[]): HostIP[] {
  const out: HostIP[] = [];
  for (const item of values.flatMap((v) => v.split(',')).filter((v) => v !== '')) {
    let sep = item.indexOf('=');
    if (sep < 0) sep = item.indexOf(':');
    const host = sep < 0 ? '' : item.slice(0, sep);
    let ip = sep < 0 ? '' : item.slice(sep + 1);
    if (!host || !ip) throw new DrydockError('USAGE', `invalid --add-host "${item}": expected HOST:IP or HOST=IP`);
    if (ip === 'host-gateway') ip = '127.0.0.1';
    if (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
    const family = isIP(ip);
    if (!family) throw new DrydockError('USAGE', `invalid --add-host "${item}": "${ip}" is not an IP address`);
    out.push({ host: host.toLowerCase(), ip: family === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip });
  }
  return out;
}

/** `--shm-size 64m`: docker's MemBytes (go-units RAMInBytes: binary units b, k, m, g, t, p; bare = bytes). */
export function parseShmSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(value.trim());
  if (!m) throw new DrydockError('USAGE', `invalid --shm-size "${value}": expected a size such as 64m, 1g or 67108864`);
  const bytes = Math.floor(Number(m[1]) * 1024 ** (m[2] ? ' kmgtp'.indexOf(m[2].toLowerCase()) : 0));
  return bytes > 0 ? bytes : undefined; // buildx sends shm-size only when > 0
}

// go-units ulimitNameMapping: the names --ulimit accepts.
const ULIMIT_NAMES = ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];

/** `--ulimit TYPE=SOFT[:HARD]` (go-units ParseUlimit): HARD defaults to SOFT; -1 is unlimited. A later one of a type wins. */
export function parseUlimits(values: readonly string[]): Ulimit[] {
  const byName = new Map<string, Ulimit>();
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq < 0) throw new DrydockError('USAGE', `invalid --ulimit "${v}": expected TYPE=SOFT[:HARD]`);
    const name = v.slice(0, eq);
    if (!ULIMIT_NAMES.includes(name)) throw new DrydockError('USAGE', `invalid --ulimit "${v}": unknown type "${name}" (one of ${ULIMIT_NAMES.join(', ')})`);
    const parts = v.slice(eq + 1).split(':');
    if (parts.length > 2) throw new DrydockError('USAGE', `invalid --ulimit "${v}": too many limit values, expected SOFT[:HARD]`);
    const [soft, hard] = parts.map((p) => {
      if (!/^-?\d+$/.test(p)) throw new DrydockError('USAGE', `invalid --ulimit "${v}": "${p}" is not a number`);
      return Number(p);
    }) as [number, number | undefined];
    const h = hard ?? soft;
    if (h !== -1 && (soft === -1 || soft > h)) throw new DrydockError('USAGE', `invalid --ulimit "${v}": the soft limit must be less than or equal to the hard limit`);
    byName.set(name, { name, soft, hard: h });
  }
  return [...byName.values()];
}

/**
 * `--push` and `--load` folded into the outputs as buildx's RunBuild folds them: `--push` makes
 * every image output push (a registry output already does) or, when there is none, adds
 * `type=registry` with the -t names; `--load` adds the local store (drydock's `docker load`:
 * buildx's `type=docker` without dest) unless an image output is already there.
 */
export function withPushLoad(outputs: OutputSpec[], o: { push?: boolean; load?: boolean; tags: readonly string[] }): OutputSpec[] {
  let out = outputs.map((x) => ({ ...x, attrs: { ...x.attrs } }));
  if (o.push) {
    const images = out.filter((x) => x.type === 'image');
    for (const x of images) x.attrs.push = 'true';
    if (!images.length && !out.some((x) => x.type === 'registry')) {
      if (!o.tags.length) throw new DrydockError('USAGE', '--push needs a name to push to: add -t REGISTRY/REPOSITORY[:TAG]');
      out = [...out, { type: 'registry', name: o.tags.join(','), attrs: {} }];
    }
  }
  if (o.load && !out.some((x) => x.type === 'image')) out = [...out, { type: 'image', attrs: {} }];
  return out;
}

/** `--annotation`: added to every output's attributes, as buildx does (the default image output when none is given). */
export function withAnnotations(outputs: OutputSpec[], values: readonly string[]): OutputSpec[] {
  const attrs = annotationAttrs(values);
  if (!Object.keys(attrs).length) return outputs;
  const list: OutputSpec[] = outputs.length ? outputs : [{ type: 'image', attrs: {} }];
  return list.map((o) => ({ ...o, attrs: { ...o.attrs, ...attrs } }));
}

/** `--build-context NAME=VALUE`, repeatable (buildx util/buildflags ParseContextNames; a later NAME wins). */
export function parseBuildContexts(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    if (v === '') continue;
    const eq = v.indexOf('=');
    if (eq <= 0) throw new DrydockError('USAGE', `invalid --build-context "${v}", expected NAME=VALUE`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}
