/**
 * SSH agent forwarding for `RUN --mount=type=ssh`. Each forward is a fresh unix socket, owned
 * and moded as the mount asks, relaying every connection to the real agent: the one at a given
 * socket path, or an `ssh-agent` drydock starts and loads with the given key files (BuildKit
 * does the same in-process). The relay means the container never sees the host's socket path
 * and a non-root RUN user can be given access without touching the host agent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, lstat, mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DrydockError } from '../util/errors.js';
import type { SshSource } from './spec.js';
import type { FileInfo, TempFile } from './store.js';

export class SshForwarder {
  private readonly sources = new Map<string, SshSource>();
  private readonly agents = new Map<string, Promise<string>>();
  private readonly children: ChildProcess[] = [];
  private readonly dirs: string[] = [];

  constructor(sources: SshSource[] = [], private readonly env: NodeJS.ProcessEnv = process.env) {
    for (const s of sources) this.sources.set(s.id, s);
  }

  has(id: string): boolean {
    return this.sources.has(id);
  }

  /** Checks the flags before the build starts: `default` needs SSH_AUTH_SOCK, paths must exist. */
  async validate(): Promise<void> {
    for (const s of this.sources.values()) {
      if (s.paths.length === 0 && !this.env.SSH_AUTH_SOCK) {
        throw new DrydockError('USAGE', `ssh ${s.id}: invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set`);
      }
      for (const p of s.paths) {
        await lstat(p).catch(() => { throw new DrydockError('NOT_FOUND', `ssh ${s.id}: ${p}: no such file or directory`); });
      }
    }
  }

  /** A socket relaying to agent `id`, owned and moded per `info`; undefined when the build has no such agent. */
  async forward(id: string, info: FileInfo): Promise<TempFile | undefined> {
    const s = this.sources.get(id);
    if (!s) return undefined;
    let agent = this.agents.get(id);
    if (!agent) {
      agent = this.agentSocket(s);
      this.agents.set(id, agent);
    }
    return relay(await agent, info);
  }

  /** Stops the agents drydock started. */
  async close(): Promise<void> {
    for (const c of this.children) c.kill('SIGTERM');
    this.children.length = 0;
    for (const d of this.dirs.splice(0)) await rm(d, { recursive: true, force: true });
  }

  private async agentSocket(s: SshSource): Promise<string> {
    if (s.paths.length === 0) return this.env.SSH_AUTH_SOCK!;
    const sockets: string[] = [];
    const keys: string[] = [];
    for (const p of s.paths) ((await lstat(p)).isSocket() ? sockets : keys).push(p);
    if (sockets.length > 0 && keys.length > 0) throw new DrydockError('USAGE', `ssh ${s.id}: give either agent sockets or key files, not both`);
    if (sockets.length > 1) throw new DrydockError('USAGE', `ssh ${s.id}: only one agent socket per id`);
    if (sockets.length === 1) return sockets[0]!;
    return this.startAgent(s.id, keys);
  }

  /** `ssh-agent -D` on a private socket, loaded with `keys`. */
  private async startAgent(id: string, keys: string[]): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-agent-'));
    this.dirs.push(dir);
    const sock = join(dir, 'agent.sock');
    const child = spawn('ssh-agent', ['-D', '-a', sock], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.children.push(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    await new Promise<void>((resolve, reject) => {
      child.once('error', (e) => reject(new DrydockError('EXEC', `ssh ${id}: cannot start ssh-agent: ${e.message} (is openssh-client installed?)`)));
      child.once('exit', (code) => reject(new DrydockError('EXEC', `ssh ${id}: ssh-agent exited (${code}): ${stderr.trim()}`)));
      const poll = (): void => {
        lstat(sock).then(() => resolve(), () => setTimeout(poll, 10));
      };
      poll();
    });
    child.removeAllListeners('exit');
    for (const key of keys) {
      try {
        await runToolEnv('ssh-add', [key], { ...this.env, SSH_AUTH_SOCK: sock, SSH_ASKPASS: '', DISPLAY: '' });
      } catch (e) {
        throw new DrydockError('USAGE', `ssh ${id}: cannot load key ${key}: ${(e as Error).message}`);
      }
    }
    return sock;
  }
}

function runToolEnv(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(stderr.trim() || `exit ${code}`))));
  });
}

/** A listening socket in its own directory; each connection is piped to `target`. */
async function relay(target: string, info: FileInfo): Promise<TempFile> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-ssh-'));
  const path = join(dir, 'agent.sock');
  const conns = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    conns.add(client).add(upstream);
    const done = (): void => { client.destroy(); upstream.destroy(); conns.delete(client); conns.delete(upstream); };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream).pipe(client);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    await chown(path, info.uid, info.gid);
    await chmod(path, info.mode);
  } catch (e) {
    server.close();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    path,
    release: async () => {
      for (const c of conns) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

