/**
 * Image references, normalised exactly as Docker does (distribution/reference's
 * ParseNormalizedNamed + TagNameOnly): 'busybox' -> docker.io/library/busybox:latest.
 */
import { DrydockError } from '../util/errors.js';
import type { Digest } from './oci.js';
import { parseDigest } from './digest.js';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar of distribution/reference, as regular expressions.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const namePat = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const REFERENCE_RE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const DOMAIN_RE = new RegExp(`^${domainAndPort}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const TAG_RE = new RegExp(`^${tagPat}$`);

export interface ImageReference {
  domain: string;
  path: string;
  tag?: string;
  digest?: Digest;
  /** `domain/path` */
  readonly repository: string;
  /** Full, normalised: `docker.io/library/busybox:latest`. */
  toString(): string;
  /** As `docker images` shows it: `busybox:latest`, `localhost:5000/x:t`. */
  familiar(): string;
}

class Reference implements ImageReference {
  constructor(public domain: string, public path: string, public tag?: string, public digest?: Digest) {}

  get repository(): string {
    return `${this.domain}/${this.path}`;
  }

  toString(): string {
    return this.repository + suffix(this);
  }

  familiar(): string {
    return familiarRepository(this) + suffix(this);
  }
}

function suffix(r: { tag?: string; digest?: Digest }): string {
  return (r.tag ? `:${r.tag}` : '') + (r.digest ? `@${r.digest}` : '');
}

/** `docker.io/library/busybox` -> `busybox`; `docker.io/foo/bar` -> `foo/bar`. */
export function familiarRepository(r: { domain: string; path: string }): string {
  if (r.domain !== DEFAULT_DOMAIN) return `${r.domain}/${r.path}`;
  if (r.path.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = r.path.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return r.path;
}

function invalid(s: string, why = 'invalid reference format'): DrydockError {
  return new DrydockError('USAGE', `${why}: ${JSON.stringify(s)}`);
}

/** Docker's splitDockerDomain: is the first path element a registry host? */
function splitDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  const maybeDomain = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === 'localhost') [domain, remote] = [maybeDomain, rest];
  else if (maybeDomain === LEGACY_DEFAULT_DOMAIN) [domain, remote] = [DEFAULT_DOMAIN, rest];
  else if (/[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) [domain, remote] = [maybeDomain, rest];
  else [domain, remote] = [DEFAULT_DOMAIN, name];
  if (domain === DEFAULT_DOMAIN && !remote.includes('/')) remote = OFFICIAL_REPO_PREFIX + remote;
  return [domain, remote];
}

/**
 * Parses and normalises a reference the way `docker pull/tag/run` do. `defaultTag` (default
 * true) adds `:latest` when neither a tag nor a digest is given.
 */
export function parseReference(s: string, opts: { defaultTag?: boolean } = {}): ImageReference {
  if (typeof s !== 'string' || s === '') throw invalid(String(s));
  if (IDENTIFIER_RE.test(s)) throw invalid(s, 'invalid repository name, cannot specify 64-byte hexadecimal strings');
  const [domain, remainder] = splitDomain(s);
  const colon = remainder.indexOf(':');
  const at = remainder.indexOf('@');
  const remoteEnd = [colon, at].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), remainder.length);
  const remote = remainder.slice(0, remoteEnd);
  if (remote.toLowerCase() !== remote) throw invalid(s, `invalid reference format: repository name (${remote}) must be lowercase`);
  const full = `${domain}/${remainder}`;
  const m = REFERENCE_RE.exec(full);
  if (!m) throw invalid(s);
  const name = m[1]!;
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw invalid(s, `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  const path = name.slice(domain.length + 1);
  if (!DOMAIN_RE.test(domain) || name.slice(0, domain.length) !== domain) throw invalid(s);
  const digest = m[3] !== undefined ? parseDigest(m[3], 'USAGE') : undefined;
  let tag = m[2];
  if (tag === undefined && digest === undefined && opts.defaultTag !== false) tag = 'latest';
  return new Reference(domain, path, tag, digest);
}

/** True when `s` is a valid tag (the part after ':'). */
export function isValidTag(s: string): boolean {
  return TAG_RE.test(s);
}

/** Builds a reference from parts already validated (e.g. read back from the store). */
export function makeReference(repository: string, tag?: string, digest?: Digest): ImageReference {
  const r = parseReference(repository, { defaultTag: false });
  return new Reference(r.domain, r.path, tag, digest);
}
