/**
 * Build secrets: their bytes are read only when a RUN mounts them, held in memory, and written
 * for the run into a private directory on a memory filesystem (/dev/shm when there is one), so
 * they never touch the store, a layer, a cache key or the progress stream.
 */
import { chmod, chown, mkdtemp, rm, stat, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DrydockError } from '../util/errors.js';
import type { SecretSource } from './spec.js';

/** BuildKit's limit (secretsprovider.MaxSecretSize). */
export const MAX_SECRET_SIZE = 500 * 1024;

export interface FileInfo {
  uid: number;
  gid: number;
  mode: number;
}

export interface TempFile {
  path: string;
  release(): Promise<void>;
}

export class SecretStore {
  private readonly sources = new Map<string, SecretSource>();

  /** A source with neither file nor env reads the env variable named like the id, else the file named like it (as buildx). */
  constructor(sources: SecretSource[] = [], private readonly env: NodeJS.ProcessEnv = process.env) {
    for (const s of sources) {
      if (!s.id) throw new DrydockError('USAGE', 'secret missing ID');
      const src = s.file === undefined && s.env === undefined ? (s.id in env ? { ...s, env: s.id } : { ...s, file: s.id }) : s;
      this.sources.set(src.id, src);
    }
  }

  ids(): string[] {
    return [...this.sources.keys()];
  }

  /** Checks that every file-backed secret exists and is small enough, before the build starts. */
  async validate(): Promise<void> {
    for (const s of this.sources.values()) {
      if (s.file === undefined) continue;
      const st = await stat(s.file).catch((e: NodeJS.ErrnoException) => {
        throw new DrydockError('NOT_FOUND', `secret ${s.id}: failed to stat ${s.file}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
      });
      if (st.size > MAX_SECRET_SIZE) throw new DrydockError('USAGE', `secret ${s.id} too big. max size 500KB`);
    }
  }

  /** The secret's bytes; undefined when the build was given no secret with this id. */
  async get(id: string): Promise<Buffer | undefined> {
    const s = this.sources.get(id);
    if (!s) return undefined;
    if (s.env !== undefined) {
      const v = this.env[s.env];
      return v === undefined ? undefined : Buffer.from(v, 'utf8');
    }
    const data = await readFile(s.file!).catch((e: NodeJS.ErrnoException) => {
      throw new DrydockError('NOT_FOUND', `secret ${id}: cannot read ${s.file}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
    });
    if (data.length > MAX_SECRET_SIZE) throw new DrydockError('USAGE', `secret ${id} too big. max size 500KB`);
    return data;
  }
}

/** Where secret files live while a RUN uses them: memory-backed when possible. */
async function privateDir(prefix: string): Promise<string> {
  const shm = await stat('/dev/shm').then((s) => s.isDirectory(), () => false);
  const dir = await mkdtemp(join(shm ? '/dev/shm' : tmpdir(), prefix));
  await chmod(dir, 0o700);
  return dir;
}

/** `data` in a new file owned by uid:gid with `mode`, for bind-mounting read-only into a container. */
export async function secretFile(data: Buffer, info: FileInfo): Promise<TempFile> {
  const dir = await privateDir('drydock-secret-');
  const path = join(dir, 'secret');
  try {
    await writeFile(path, data, { mode: 0o600 });
    await chown(path, info.uid, info.gid);
    await chmod(path, info.mode);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { path, release: () => rm(dir, { recursive: true, force: true }) };
}
