/**
 * The crash harness (issue 15, part 3): kills drydock with SIGKILL at seeded random points of
 * `build` (multi-stage: RUN, COPY, COPY --from, commit, -o type=docker, a tag), `build
 * --cache-to type=local,mode=max`, `pull`, `push`, `load` and `prune --cache`, then checks the
 * store: `fsck` is clean, or `fsck --repair` says what it removed and fsck is then clean; the
 * next identical build succeeds, reuses steps that finished before the kill, and (with
 * SOURCE_DATE_EPOCH fixed) gives the digest of an uninterrupted build on a separate store.
 * A build is killed after its Nth rawjson event or after a delay; other commands after a delay
 * within their measured duration. Run by crash-kill.test.ts (20 kills) and scripts/crash.sh.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDrydock, spawnDrydock, type RunResult } from '../../helpers/cli.js';
import { fixtureImage, seedRegistry } from '../../helpers/fixtures.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { openStore } from '../../../src/store/index.js';

export const SCENARIOS = ['build', 'cache-to', 'pull', 'push', 'load', 'prune'] as const;
export type Scenario = (typeof SCENARIOS)[number];

const DOCKERFILE = `FROM busybox AS builder
RUN mkdir /out && for i in $(seq 1 50); do echo $i > /out/f$i; done
COPY data.txt /out/data.txt
RUN cat /out/data.txt /out/f7 > /out/copy
FROM busybox
COPY --from=builder /out /app
COPY extra.txt /extra.txt
RUN ls /app | wc -l > /count
`;
const ENV = { SOURCE_DATE_EPOCH: '1700000000' };

/** mulberry32: a small seeded generator, so a failing run is replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface KillResult {
  index: number;
  scenario: Scenario;
  /** `event N` or `delay Nms`. */
  point: string;
  /** The command ended before the kill landed. */
  finishedFirst: boolean;
  /** fsck's plain run was clean (exit 0); otherwise what --repair removed. */
  repaired: string[];
  /** Harmless leftovers the plain fsck listed (dead processes' temp files, leases, snapshots). */
  leftovers: string[];
  /** Steps the killed build finished and the next build took from the cache. */
  stepsDone: number;
  cachedAfter: number;
}

interface Measured { ms: number; events: number }

/** Everything the kills share: the registry, the context, two template stores and the reference build. */
export class CrashHarness {
  private constructor(
    readonly dir: string,
    readonly registry: RegistryFixture,
    readonly ctx: string,
    /** A store with busybox and the registry as docker.io mirror. */
    readonly base: string,
    /** `base` after the build (crash:1 tagged, cache filled): for push and prune. */
    readonly built: string,
    /** The uninterrupted build's manifest digest, and its docker archive (for load). */
    readonly digest: string,
    readonly archive: string,
    readonly measured: Record<Scenario, Measured>,
  ) {}

  static async start(): Promise<CrashHarness> {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-crash-'));
    const registry = await startRegistry();
    await seedRegistry(registry, ['busybox']);
    const ctx = join(dir, 'ctx');
    await mkdir(ctx);
    await writeFile(join(ctx, 'Dockerfile'), DOCKERFILE);
    await writeFile(join(ctx, 'data.txt'), 'data\n');
    await writeFile(join(ctx, 'extra.txt'), 'extra\n');
    const base = join(dir, 'base');
    await writeFile(join(await mkdirp(base), 'config.json'), JSON.stringify({ 'registry-mirrors': [registry.url] }));
    await fixtureImage(await openStore(base), 'busybox', 'busybox:latest');

    const built = join(dir, 'built');
    await copyStore(base, built);
    const archive = join(dir, 'image.tar');
    const measured = {} as Record<Scenario, Measured>;
    const t0 = Date.now();
    const ref = await check(runDrydock(buildArgs(archive, ctx), { root: built, env: ENV }), 'the reference build');
    measured.build = { ms: Date.now() - t0, events: events(ref.stderr).length };
    const digest = builtDigest(ref.stderr);
    await check(runDrydock(['build', '-q', '-t', 'crash:1', ctx], { root: built, env: ENV }), 'tagging the reference build');
    const h = new CrashHarness(dir, registry, ctx, base, built, digest, archive, measured);
    // Each command once, uninterrupted, on a scratch copy: how long it takes bounds the kill delay.
    for (const s of ['cache-to', 'pull', 'push', 'load', 'prune'] as const) {
      const root = await h.prepare(s, -1);
      const t = Date.now();
      const r = await check(runDrydock(h.args(s, -1), { root, env: ENV }), `measuring ${s}`);
      h.measured[s] = { ms: Date.now() - t, events: events(r.stderr).length };
      await rm(root, { recursive: true, force: true });
    }
    return h;
  }

  /** Also after a failed kill: its store may still have snapshots mounted. */
  async stop(): Promise<void> {
    await this.registry.stop();
    const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').map((l) => l.split(' ')[4] ?? '');
    for (const m of mounts.filter((p) => p.startsWith(`${this.dir}/`)).reverse()) await run('umount', ['-l', m]).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A store for one kill, in the state the command needs. */
  private async prepare(s: Scenario, i: number): Promise<string> {
    const root = join(this.dir, `kill-${i}`);
    await rm(root, { recursive: true, force: true });
    if (s === 'pull') {
      await writeFile(join(await mkdirp(root), 'config.json'), JSON.stringify({ 'registry-mirrors': [this.registry.url] }));
      return root;
    }
    await copyStore(s === 'push' || s === 'prune' ? this.built : this.base, root);
    if (s === 'prune') await check(runDrydock(['rm', 'crash:1'], { root }), 'untagging before prune');
    return root;
  }

  private args(s: Scenario, i: number): string[] {
    const out = join(this.dir, `out-${i}.tar`);
    switch (s) {
      case 'build': return buildArgs(out, this.ctx);
      case 'cache-to': return [...buildArgs(out, this.ctx), '--cache-to', `type=local,dest=${join(this.dir, `cache-${i}`)},mode=max`];
      case 'pull': return ['pull', 'busybox'];
      case 'push': return ['push', 'crash:1', `${this.registry.host}/crash/app:${i < 0 ? 'm' : i}`];
      case 'load': return ['load', '-i', this.archive];
      case 'prune': return ['prune', '--cache'];
    }
  }

  /** One kill: run the command, SIGKILL it at a point drawn from `rand`, check the store. */
  async kill(i: number, s: Scenario, rand: () => number): Promise<KillResult> {
    const root = await this.prepare(s, i);
    const m = this.measured[s];
    const byEvent = m.events > 0 && rand() < 0.5;
    const at = byEvent ? 1 + Math.floor(rand() * m.events) : Math.floor(rand() * m.ms);
    const res: KillResult = { index: i, scenario: s, point: byEvent ? `event ${at}` : `delay ${at}ms`, finishedFirst: false, repaired: [], leftovers: [], stepsDone: 0, cachedAfter: 0 };
    const child = spawnDrydock(this.args(s, i), { root, env: ENV });
    let err = '';
    let seen = 0;
    const kill = () => child.kill('SIGKILL');
    child.stdout!.resume();
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      seen = events(err).length;
      if (byEvent && seen >= at) kill();
    });
    const timer = byEvent ? undefined : setTimeout(kill, at);
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_c, sig) => resolve(sig)));
    clearTimeout(timer);
    res.finishedFirst = signal !== 'SIGKILL';
    res.stepsDone = events(err).filter((e) => e.type === 'step-done' && e.cached === false).length;

    const fsck = await runDrydock(['fsck'], { root });
    res.leftovers = findingLines(fsck.stdout);
    if (fsck.code !== 0) {
      const repair = await check(runDrydock(['fsck', '--repair'], { root }), 'fsck --repair', res);
      res.repaired = findingLines(repair.stdout);
      if (!res.repaired.some((l) => / \(removed\)$/.test(l))) fail(res, `fsck --repair said nothing it removed:\n${repair.stdout}`);
      const again = await runDrydock(['fsck'], { root });
      if (again.code !== 0 || findingLines(again.stdout).length) fail(res, `fsck after --repair is not clean:\n${again.stdout}${again.stderr}`);
    }
    const next = await check(runDrydock(buildArgs(join(this.dir, `next-${i}.tar`), this.ctx), { root, env: ENV }), 'the next build', res);
    const got = builtDigest(next.stderr);
    if (got !== this.digest) fail(res, `the next build gave ${got}, an uninterrupted build ${this.digest}`);
    res.cachedAfter = events(next.stderr).filter((e) => e.type === 'step-done' && e.cached === true).length;
    // step-done follows the step's record (solver/stage.ts): each step the killed build finished is a hit now.
    if (res.cachedAfter < res.stepsDone) fail(res, `the killed build finished ${res.stepsDone} step(s), the next build took only ${res.cachedAfter} from the cache`);
    await rm(root, { recursive: true, force: true });
    for (const f of [`out-${i}.tar`, `next-${i}.tar`, `cache-${i}`]) await rm(join(this.dir, f), { recursive: true, force: true });
    return res;
  }
}

function buildArgs(dest: string, ctx: string): string[] {
  return ['build', '--progress=rawjson', '-t', 'crash:1', '-o', `type=docker,dest=${dest}`, ctx];
}

/** A faithful copy (owners, modes, times, xattrs, whiteout devices): snapshots compare by them. */
async function copyStore(from: string, to: string): Promise<void> {
  await run('cp', ['-a', from, to]);
}

const run = promisify(execFile);

async function mkdirp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}

interface RawEvent { type: string; cached?: boolean; image?: { manifestDigest?: string } }

/** The complete rawjson lines in a build's stderr. */
function events(stderr: string): RawEvent[] {
  const out: RawEvent[] = [];
  for (const line of stderr.split('\n').slice(0, -1)) {
    if (!line.startsWith('{')) continue;
    try { out.push(JSON.parse(line) as RawEvent); } catch { /* not an event */ }
  }
  return out;
}

function builtDigest(stderr: string): string {
  const done = events(stderr).find((e) => e.type === 'build-done');
  if (!done?.image?.manifestDigest) throw new Error(`no build-done event in:\n${stderr.slice(-2000)}`);
  return done.image.manifestDigest;
}

/** fsck's lines that name something (all but its summary). */
function findingLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l && !/^checked \d+ blobs:/.test(l));
}

async function check(p: Promise<RunResult>, what: string, res?: KillResult): Promise<RunResult> {
  const r = await p;
  if (r.code !== 0) {
    const msg = `${what} failed (exit ${r.code}):\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-3000)}`;
    if (res) fail(res, msg);
    throw new Error(msg);
  }
  return r;
}

function fail(res: KillResult, msg: string): never {
  throw new Error(`kill ${res.index} (${res.scenario}, ${res.point}${res.finishedFirst ? ', finished before the kill' : ''}): ${msg}`);
}

/** Runs `kills` kills from `seed`, calling `log` after each; returns every result. */
export async function runKills(h: CrashHarness, kills: number, seed: number, log: (r: KillResult) => void): Promise<KillResult[]> {
  const rand = rng(seed);
  const out: KillResult[] = [];
  for (let i = 0; i < kills; i++) {
    // Builds (the richest state) get half the kills; the rest are spread over the other commands.
    const s: Scenario = rand() < 0.5 ? (rand() < 0.7 ? 'build' : 'cache-to') : SCENARIOS[2 + Math.floor(rand() * 4)]!;
    const r = await h.kill(i, s, rand);
    log(r);
    out.push(r);
  }
  return out;
}
