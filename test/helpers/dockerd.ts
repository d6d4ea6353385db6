/**
 * startDockerd(): a private Docker daemon for differential tests (what does real Docker build?).
 * Own data-root, exec-root and socket under a temp dir; no iptables, no bridge. Never a runtime
 * dependency of drydock; Debian's docker.io is installed by scripts/setup.sh --test.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const DOCKERD = '/usr/sbin/dockerd';

export interface DockerdFixture {
  /** `unix:///tmp/.../docker.sock`, for DOCKER_HOST or `docker -H`. */
  host: string;
  socketPath: string;
  /** dockerd's --data-root (images, layers, build cache). */
  dataRoot: string;
  /** Environment for running the `docker` CLI against this daemon. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface DockerdOptions {
  /** e.g. 'vfs' where overlayfs cannot nest; default: dockerd's choice. */
  storageDriver?: string;
  /** Extra registry mirrors / insecure registries (loopback is insecure by default in Docker). */
  registryMirrors?: string[];
  insecureRegistries?: string[];
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

export async function startDockerd(opts: DockerdOptions = {}): Promise<DockerdFixture> {
  if (!existsSync(DOCKERD)) throw new Error(`${DOCKERD} is missing: run scripts/setup.sh --test (Debian package docker.io)`);
  // Short path: unix socket paths are limited to 108 bytes.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dd-'));
  const socketPath = path.join(dir, 'docker.sock');
  const args = [
    '--iptables=false', '--ip6tables=false', '--bridge=none', '--ip-masq=false',
    '--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'exec'),
    '--pidfile', path.join(dir, 'docker.pid'), '--host', `unix://${socketPath}`,
    ...(opts.storageDriver ? ['--storage-driver', opts.storageDriver] : []),
    ...(opts.registryMirrors ?? []).flatMap((m) => ['--registry-mirror', m]),
    ...(opts.insecureRegistries ?? []).flatMap((r) => ['--insecure-registry', r]),
  ];
  const logPath = path.join(dir, 'dockerd.log');
  const log = await fs.open(logPath, 'w');
  const child = spawn(DOCKERD, args, { stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const fail = async (why: string) => {
    child.kill('SIGKILL');
    await exited;
    const text = await fs.readFile(logPath, 'utf8').catch(() => '');
    await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
    throw new Error(`dockerd ${why}:\n${text.slice(-3000)}`);
  };
  let ready = false;
  for (let i = 0; i < 600 && !ready; i++) { // up to ~60 s: first start initialises containerd
    if (child.exitCode !== null) await fail(`exited with ${child.exitCode}`);
    ready = await ping(socketPath);
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  if (!ready) await fail('did not answer /_ping');
  const host = `unix://${socketPath}`;
  return {
    host,
    socketPath,
    dataRoot: path.join(dir, 'data'),
    env: { DOCKER_HOST: host, DOCKER_CONFIG: path.join(dir, 'cli-config') },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      // dockerd leaves mounts under data-root only while running; remove what is left.
      await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}
