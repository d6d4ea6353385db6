/**
 * Layer unpack through GNU tar: the one place drydock runs an extractor other than extract.ts.
 * bench/unpack.ts measures both on the golang base layer (21,000 entries, 600 MB): GNU tar in its
 * own process takes about half the wall time and ~1.6 s less CPU, so layers keep it
 * (docs/archive.md). It must do what extract.ts does, so a guard (gnu-guard.ts) reads the same
 * bytes beside it: what extract.ts refuses (a name climbing out, a truncated stream, a huge PAX
 * header) fails the unpack in extract.ts's words, and an archive tar would unpack otherwise (an
 * entry written through a symlink the archive made, a directory replaced) is unpacked again by
 * extract.ts from a fresh stream. tar alone never writes outside: it refuses `..`, makes absolute
 * names relative, and creates symlinks whose targets are absolute or climb only at the end.
 */
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { DrydockError } from '../util/errors.js';
import { extractTar } from './extract.js';
import { watchTar } from './gnu-guard.js';

const ARGS = ['-x', '-f', '-', '--numeric-owner', '--same-owner', '--same-permissions',
  '--xattrs', '--xattrs-include=*', '--warning=no-unknown-keyword', '--warning=no-timestamp'];

/** Unpacks the tar `open()` gives into the empty `dest`; `open` is called again when extract.ts must redo it. */
export async function gnuExtract(open: () => Readable | Promise<Readable>, dest: string): Promise<void> {
  if ((await tarWithGuard(await open(), dest)) === undefined) return;
  for (const name of readdirSync(dest)) rmSync(path.join(dest, name), { recursive: true, force: true });
  await extractTar(await open(), dest, { rootMetadata: true });
}

interface TarProcess {
  stdin: Writable;
  /** Still reading: it stops at its end-of-archive marker, or when it fails. */
  open: boolean;
  /** Exited with a failure. */
  failed: boolean;
  exited: Promise<number | null>;
  stderr: () => string;
  kill(): Promise<void>;
}

function startTar(dest: string): TarProcess {
  const child = spawn('tar', [...ARGS, '-C', dest], { stdio: ['pipe', 'ignore', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const t: TarProcess = {
    stdin: child.stdin, open: true, failed: false,
    exited: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        t.failed = code !== 0;
        resolve(code);
      });
    }),
    stderr: () => Buffer.concat(err).toString(),
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await t.exited.catch(() => undefined);
    },
  };
  child.stdin.on('error', () => { t.open = false; }); // EPIPE: tar stopped reading
  child.stdin.on('close', () => { t.open = false; });
  return t;
}

/** Runs tar on `src` with the guard beside it; resolves to why extract.ts must redo it, if it must. */
async function tarWithGuard(src: Readable, dest: string): Promise<string | undefined> {
  const tar = startTar(dest);
  const feed = new PassThrough({ highWaterMark: 1 << 20 });
  feed.on('error', () => {}); // the guard's own end closes it
  let cut = false;
  const verdict = watchTar(feed, dest, () => cut);
  const settled = verdict.then(() => {}, () => {});
  let done = false;
  void settled.then(() => { done = true; });
  try {
    for await (const chunk of src as AsyncIterable<Buffer>) {
      if (done) break;
      // tar failed: the guard reads no further than tar did (a full disk is not the archive's fault).
      if (tar.failed) {
        cut = true;
        break;
      }
      const waits: Array<Promise<unknown>> = [];
      if (tar.open && !tar.stdin.write(chunk)) waits.push(writable(tar.stdin));
      if (!feed.write(chunk)) waits.push(writable(feed));
      if (waits.length) await Promise.race([Promise.all(waits), settled]);
    }
    feed.end();
    const { diverges } = await verdict;
    if (diverges) {
      await tar.kill();
      return diverges;
    }
  } catch (e) {
    feed.destroy();
    await tar.kill();
    throw e;
  }
  tar.stdin.end();
  const code = await tar.exited;
  if (code !== 0) throw new DrydockError('FORMAT', `tar: ${firstComplaint(tar.stderr()) ?? `exit ${code}`}`);
  return undefined;
}

/** Resolves when `w` takes more, or will take nothing more (closed, or failed: EPIPE when tar stopped). */
function writable(w: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const e of ['drain', 'close', 'error']) w.off(e, done);
      resolve();
    };
    for (const e of ['drain', 'close', 'error']) w.on(e, done);
  });
}

/** tar's first complaint, on one line (a long name shortened, as extract.ts shows it). */
function firstComplaint(stderr: string): string | undefined {
  const line = stderr.split('\n').map((l) => l.replace(/^tar: /, '').trim())
    .find((l) => l && !/^(Exiting with failure|Removing leading|Error is not recoverable)/.test(l));
  return line && line.length > 300 ? `${line.slice(0, 200)}…${line.slice(-80)}` : line;
}
