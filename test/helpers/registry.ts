/**
 * startRegistry(): Debian's real `docker-registry` (distribution 2.8) on 127.0.0.1 with a free
 * port and a throw-away storage dir; optionally behind htpasswd Basic auth or token auth.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { startTokenServer, type TokenServer, type TokenServerOptions } from './tokenserver.js';

const run = promisify(execFile);
const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface RegistryFixtureOptions {
  /** Basic auth with one bcrypt htpasswd user. */
  htpasswd?: { user: string; password: string };
  /** Token auth through a local token server; `true` means one user `drydock`/`secret`. */
  tokenAuth?: boolean | Partial<Pick<TokenServerOptions, 'users' | 'grant' | 'expiresAfter'>>;
  /** Serve HTTPS with a generated self-signed certificate for 127.0.0.1 (`certPath` in the result). */
  tls?: boolean;
}

export interface RegistryFixture {
  /** `127.0.0.1:PORT`, the domain to use in image references. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Where the registry keeps blobs (`docker/registry/v2/...`), for tests that corrupt it. */
  storageDir: string;
  /** Users accepted (htpasswd or token server). */
  users: Record<string, string>;
  tokenServer?: TokenServer;
  /** The self-signed certificate when `tls` was asked for. */
  certPath?: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function waitReady(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${logs()}`);
    try {
      const res = await request(`${url}/v2/`, { dispatcher });
      await res.body.dump();
      if (res.statusCode === 200 || res.statusCode === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not become ready at ${url}: ${logs()}`);
}

export async function startRegistry(opts: RegistryFixtureOptions = {}): Promise<RegistryFixture> {
  if (!existsSync(REGISTRY_BIN)) throw new Error(`${REGISTRY_BIN} is missing: run scripts/setup.sh --test (Debian package docker-registry)`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'drydock-registry-'));
  const storageDir = path.join(dir, 'storage');
  await fs.mkdir(storageDir);
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `${opts.tls ? 'https' : 'http'}://${host}`;
  let users: Record<string, string> = {};
  let tokenServer: TokenServer | undefined;
  let auth = '';

  if (opts.htpasswd) {
    const { user, password } = opts.htpasswd;
    let out: string;
    try {
      out = (await run('htpasswd', ['-Bbn', user, password])).stdout;
    } catch (e) {
      throw new Error(`htpasswd failed (Debian package apache2-utils; run scripts/setup.sh --test): ${(e as Error).message}`);
    }
    await fs.writeFile(path.join(dir, 'htpasswd'), out);
    users = { [user]: password };
    auth = `auth:\n  htpasswd:\n    realm: drydock-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
  } else if (opts.tokenAuth) {
    const t = opts.tokenAuth === true ? {} : opts.tokenAuth;
    users = t.users ?? { drydock: 'secret' };
    const service = 'drydock-test-registry';
    const issuer = 'drydock-test-issuer';
    tokenServer = await startTokenServer(dir, { service, issuer, users, grant: t.grant, expiresAfter: t.expiresAfter });
    auth = `auth:\n  token:\n    realm: ${tokenServer.realm}\n    service: ${service}\n    issuer: ${issuer}\n    rootcertbundle: ${tokenServer.certPath}\n`;
  }

  let tls = '';
  let certPath: string | undefined;
  if (opts.tls) {
    certPath = path.join(dir, 'registry.crt');
    const keyPath = path.join(dir, 'registry.key');
    try {
      await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath,
        '-out', certPath, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '2']);
    } catch (e) {
      throw new Error(`openssl failed (run scripts/setup.sh --test): ${(e as Error).message}`);
    }
    tls = `\n  tls:\n    certificate: ${certPath}\n    key: ${keyPath}`;
  }

  const config = [
    'version: 0.1',
    'log:\n  level: error\n  accesslog:\n    disabled: true',
    `storage:\n  filesystem:\n    rootdirectory: ${storageDir}\n  delete:\n    enabled: true\n  maintenance:\n    uploadpurging:\n      enabled: false`,
    `http:\n  addr: ${host}\n  secret: drydock-test-secret${tls}`,
    auth,
  ].join('\n');
  const configPath = path.join(dir, 'config.yml');
  await fs.writeFile(configPath, config);

  const child = spawn(REGISTRY_BIN, ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitReady(url, child, () => stderr);
  } catch (e) {
    child.kill('SIGKILL');
    await tokenServer?.stop();
    throw e;
  }

  return {
    host, url, storageDir, users, tokenServer, certPath,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await tokenServer?.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
