/**
 * Per-registry authentication state: the challenge the registry answered `/v2/` with, the
 * credentials from the Docker config, and bearer tokens cached per scope set (so a pull of
 * five layers asks the token server once).
 */
import type { Dispatcher } from 'undici';
import { request } from '../undici.js';
import { DrydockError } from '../../util/errors.js';
import { networkError } from '../http.js';
import { parseChallenges, type Challenge } from './challenge.js';
import type { Credentials } from './types.js';

interface CachedToken {
  token: string;
  expiresAt: number; // ms since epoch
}

export interface AuthorizerOptions {
  /** Registry host for messages, e.g. `127.0.0.1:5000`. */
  host: string;
  /** Loads credentials lazily (the config file may name a helper that is slow to run). */
  credentials: () => Promise<Credentials | undefined>;
  dispatcher: (url: URL) => Dispatcher;
  signal?: AbortSignal;
  /** The registry's idle timeout, for the token server too. */
  timeoutMs?: number;
}

/** `repository:library/busybox:pull,push` — the scope syntax of the token protocol. */
export function repositoryScope(repo: string, actions: Array<'pull' | 'push'>): string {
  return `repository:${repo}:${actions.join(',')}`;
}

export class Authorizer {
  private challenge: Challenge | undefined;
  private creds: Promise<Credentials | undefined> | undefined;
  private readonly tokens = new Map<string, Promise<CachedToken>>();

  constructor(private readonly opts: AuthorizerOptions) {}

  /** Record the challenge from a 401 (ping or any request). Returns false if it is unusable. */
  setChallenge(header: string | string[] | undefined): boolean {
    const all = parseChallenges(header);
    const picked = all.find((c) => c.scheme === 'bearer') ?? all.find((c) => c.scheme === 'basic');
    if (!picked) return false;
    this.challenge = picked;
    return true;
  }

  get scheme(): string | undefined {
    return this.challenge?.scheme;
  }

  private credentials(): Promise<Credentials | undefined> {
    this.creds ??= this.opts.credentials();
    return this.creds;
  }

  /** The Authorization header for a request needing `scopes`, or undefined when anonymous works. */
  async header(scopes: string[]): Promise<string | undefined> {
    const c = this.challenge;
    if (!c) return undefined;
    if (c.scheme === 'basic') {
      const creds = await this.credentials();
      if (!creds?.username) return undefined; // the 401 that follows says "login required"
      return basicHeader(creds.username, creds.password ?? '');
    }
    if (c.scheme === 'bearer') {
      const token = await this.token(scopes);
      return `Bearer ${token}`;
    }
    return undefined;
  }

  /** Drop cached tokens for these scopes (after a 401 with a token: it expired or lacked scope). */
  invalidate(scopes: string[]): void {
    this.tokens.delete(scopeKey(scopes));
  }

  async hasCredentials(): Promise<boolean> {
    const c = await this.credentials();
    return !!(c?.username || c?.identityToken);
  }

  private async token(scopes: string[]): Promise<string> {
    const key = scopeKey(scopes);
    const cached = this.tokens.get(key);
    if (cached) {
      // Requests waiting on one fetch share its failure too (a failed fetch is dropped from the
      // cache, so a later request asks again), rather than each asking a broken token server again.
      const t = await cached;
      if (t.expiresAt > Date.now() + 5_000) return t.token;
    }
    const fresh = this.fetchToken(scopes);
    this.tokens.set(key, fresh);
    fresh.catch(() => this.tokens.delete(key));
    return (await fresh).token;
  }

  private async fetchToken(scopes: string[]): Promise<CachedToken> {
    const params = this.challenge!.params;
    const realm = params.realm;
    if (!realm) throw new DrydockError('AUTH', `${this.opts.host}: bearer challenge without a realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new DrydockError('AUTH', `${this.opts.host}: invalid token realm ${JSON.stringify(realm)}`);
    }
    const creds = await this.credentials();
    const headers: Record<string, string> = { 'user-agent': 'drydock' };
    let method: 'GET' | 'POST' = 'GET';
    let body: string | undefined;
    if (creds?.identityToken) {
      // OAuth2 refresh-token grant, as Docker does with identity tokens.
      method = 'POST';
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'drydock' });
      if (params.service) form.set('service', params.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      body = form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      if (params.service) url.searchParams.set('service', params.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      if (creds?.username) {
        headers.authorization = basicHeader(creds.username, creds.password ?? '');
        url.searchParams.set('account', creds.username);
      }
    }
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method, headers, body, dispatcher: this.opts.dispatcher(url), signal: this.opts.signal,
        headersTimeout: this.opts.timeoutMs, bodyTimeout: this.opts.timeoutMs,
      });
    } catch (e) {
      throw networkError(this.opts.host, e, `token server ${url.host}`, this.opts.timeoutMs);
    }
    const text = await res.body.text();
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new DrydockError('AUTH', `${this.opts.host}: unauthorized: ${creds ? 'incorrect username or password' : 'authentication required'}`);
    }
    if (res.statusCode !== 200) {
      throw new DrydockError('AUTH', `${this.opts.host}: token server ${url.host} answered ${res.statusCode}`);
    }
    let parsed: { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new DrydockError('AUTH', `${this.opts.host}: token server ${url.host} sent invalid JSON`);
    }
    const token = parsed.token || parsed.access_token;
    if (!token) throw new DrydockError('AUTH', `${this.opts.host}: token server ${url.host} sent no token`);
    // The spec's default lifetime is 60 s when the server does not say.
    const issued = parsed.issued_at ? Date.parse(parsed.issued_at) : NaN;
    const start = Number.isFinite(issued) ? Math.min(issued, Date.now()) : Date.now();
    return { token, expiresAt: start + (parsed.expires_in && parsed.expires_in > 0 ? parsed.expires_in : 60) * 1000 };
  }
}

function scopeKey(scopes: string[]): string {
  return [...scopes].sort().join(' ');
}

export function basicHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
