/**
 * A real (small) token server for distribution's `auth: token:` mode: checks Basic credentials,
 * grants scopes by a policy, and signs ES256 JWTs whose x5c chains to a self-signed certificate
 * the registry trusts through `rootcertbundle`.
 */
import { execFile } from 'node:child_process';
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TokenRequestRecord {
  account?: string;
  service?: string;
  scopes: string[];
  status: number;
}

export interface TokenServerOptions {
  service: string;
  issuer: string;
  /** user -> password accepted in Basic auth on the token endpoint. */
  users: Record<string, string>;
  /** Actions granted to `subject` (undefined when anonymous) on a repository. Default: users get all, anonymous nothing. */
  grant?: (subject: string | undefined, repo: string, requested: string[]) => string[];
  /**
   * Seconds the registry accepts a token for (default 300). The answer still says
   * `expires_in: 300`, so the client learns of the expiry from the registry's 401. distribution
   * adds 60 s of leeway to `exp` (registry/auth/token/token.go, `Leeway`); `exp` is set earlier
   * by as much.
   */
  expiresAfter?: number;
}

export interface TokenServer {
  realm: string;
  certPath: string;
  requests: TokenRequestRecord[];
  stop(): Promise<void>;
}

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

async function makeCert(dir: string): Promise<{ key: KeyObject; certPath: string; x5c: string }> {
  const keyPath = path.join(dir, 'token.key');
  const certPath = path.join(dir, 'token.crt');
  try {
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-subj', '/CN=drydock-test-token', '-days', '2']);
  } catch (e) {
    throw new Error(`token server: openssl failed (install it with scripts/setup.sh --test): ${(e as Error).message}`);
  }
  const key = createPrivateKey(await fs.readFile(keyPath));
  const x5c = new X509Certificate(await fs.readFile(certPath)).raw.toString('base64');
  return { key, certPath, x5c };
}

function parseScope(s: string): { type: string; name: string; actions: string[] } | undefined {
  // repository:name:actions — the name may itself contain ':' only for a port, which repositories lack.
  const first = s.indexOf(':');
  const last = s.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return { type: s.slice(0, first), name: s.slice(first + 1, last), actions: s.slice(last + 1).split(',').filter(Boolean) };
}

export async function startTokenServer(dir: string, opts: TokenServerOptions): Promise<TokenServer> {
  const { key, certPath, x5c } = await makeCert(dir);
  const grant = opts.grant ?? ((subject, _repo, requested) => (subject ? requested : []));
  const requests: TokenRequestRecord[] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    const record: TokenRequestRecord = { service: url.searchParams.get('service') ?? undefined, scopes, status: 200 };
    requests.push(record);
    let subject: string | undefined;
    const authz = req.headers.authorization;
    if (authz?.startsWith('Basic ')) {
      const plain = Buffer.from(authz.slice(6), 'base64').toString('utf8');
      const i = plain.indexOf(':');
      const user = plain.slice(0, i);
      if (i < 0 || opts.users[user] === undefined || opts.users[user] !== plain.slice(i + 1)) {
        record.status = 401;
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      subject = user;
      record.account = user;
    }
    const access = scopes.map(parseScope).filter((s) => s !== undefined).map((s) => ({
      type: s.type, name: s.name, actions: s.type === 'repository' ? grant(subject, s.name, s.actions) : [],
    }));
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c: [x5c] };
    const claims = {
      iss: opts.issuer, sub: subject ?? '', aud: opts.service, exp: opts.expiresAfter === undefined ? now + 300 : now + opts.expiresAfter - 60,
      nbf: now - 10, iat: now, jti: randomUUID(), access,
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
    const token = `${signingInput}.${b64url(signature)}`;
    res.writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    certPath,
    requests,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
