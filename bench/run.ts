/**
 * drydock vs BuildKit, on demand (never part of the test suite's assertions).
 *
 *   npm run build && node dist/bench/run.js [--runs 3] [--only cold-go,noop-go] [--no-buildkit]
 *                                          [--big-mib 1024] [--files 20000] [--json FILE] [--keep]
 *                                          [--drydock CHECKOUT] [--settle drop|none]
 *   node --import tsx bench/run.ts --cache-export [--runs 3] [--drydock CHECKOUT]   (bench/cache-export.ts)
 *   node --import tsx bench/run.ts --cache-mounts [--runs 3]   (bench/cache-mounts.ts)
 *   node --import tsx bench/run.ts --platforms [--runs 3]      (bench/platforms.ts)
 *   node --import tsx bench/run.ts --rootless [--runs 3]       (bench/rootless.ts)
 *
 * Builds every scenario with both builders in the same run, interleaved run by run, and prints
 * the median wall time of each and the drydock/BuildKit ratio. Before a timed pair, both builders
 * are reset (or edited); after a reset on ext4 without a journal, the page cache is dropped and
 * the stores read back in (bench/settle.ts; `--settle none` skips it); then each builds in turn.
 * Needs root (runc, dockerd) and the fixture images (built on first use, see docs/testing.md). Results: docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatSeconds, median, timeCommand } from './measure.js';
import { buildkitSide, drydockSide, drydockCli, prepareBaseRoot, prepareBasesArchive, type Side } from './sides.js';
import { scenarios } from './scenarios.js';
import { ext4WithoutJournal, settleFilesystem } from './settle.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    'no-buildkit': { type: 'boolean', default: false },
    'big-mib': { type: 'string', default: '1024' },
    files: { type: 'string', default: '20000' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    // Another compiled checkout (e.g. `git archive` of a commit), to compare before and after.
    drydock: { type: 'string' },
    // After a reset: `drop` the page cache and warm the stores (default on ext4 without a journal).
    settle: { type: 'string' },
    // What --cache-to type=registry costs against uploading the same bytes (bench/cache-export.ts, its own report).
    'cache-export': { type: 'boolean', default: false },
    // Cache mounts through a registry, two machines (bench/cache-mounts.ts, its own report).
    'cache-mounts': { type: 'boolean', default: false },
    // Multi-platform: cross-compiled and emulated builds against BuildKit (bench/platforms.ts).
    platforms: { type: 'boolean', default: false },
    // drydock as root vs as a user (rootless) vs BuildKit (bench/rootless.ts).
    rootless: { type: 'boolean', default: false },
  },
});
if (args['cache-mounts']) {
  await import('./cache-mounts.js');
  process.exit(0);
}
if (args.platforms) {
  await import('./platforms.js');
  process.exit(0);
}
if (args.rootless) {
  await import('./rootless.js');
  process.exit(0);
}

if (args['cache-export']) {
  await import('./cache-export.js');
  process.exit(0);
}

/** Binaries the timed commands run, read back in after the page cache is dropped. */
const TOOLS = ['/usr/bin/docker', '/usr/sbin/runc', '/usr/bin/runc', '/usr/bin/tar', '/usr/bin/mount', '/usr/bin/umount', '/usr/bin/sync'].filter((f) => existsSync(f));

interface Row { id: string; title: string; drydock: number[]; buildkit: number[] }

const log = (s: string) => process.stderr.write(`${s}\n`);
const runs = Number(args.runs);
const all = scenarios({ bigMiB: Number(args['big-mib']), files: Number(args.files) });
const wanted = args.only ? new Set(args.only.split(',')) : undefined;
for (const id of wanted ?? []) if (!all.some((s) => s.id === id)) throw new Error(`unknown scenario ${id}; known: ${all.map((s) => s.id).join(', ')}`);
const chosen = all.filter((s) => !wanted || wanted.has(s.id));

const cli = drydockCli(args.drydock && path.resolve(args.drydock));
const work = await mkdtemp(path.join(os.tmpdir(), 'drydock-bench-'));
const sides: Side[] = [];
const rows: Row[] = [];
try {
  log(`work dir ${work}; preparing base images`);
  const archive = await prepareBasesArchive(work);
  // Loaded by this checkout's CLI (`--drydock` may name one older than `load --no-unpack`).
  const loaded = await prepareBaseRoot(drydockCli(), archive, path.join(work, 'loaded-root'), { unpack: true });
  const packed = await prepareBaseRoot(drydockCli(), archive, path.join(work, 'packed-root'), { unpack: false });
  sides.push(drydockSide(cli, { loaded, packed }, path.join(work, 'drydock-root')));
  if (!args['no-buildkit']) sides.push(await buildkitSide(archive));
  const settle = args.settle ?? (ext4WithoutJournal(work) ? 'drop' : 'none');
  if (settle !== 'drop' && settle !== 'none') throw new Error(`--settle ${settle}: drop or none`);
  if (settle === 'drop') log('after each reset: sync, drop the page cache, read the stores back (ext4 without a journal, see bench/settle.ts)');
  // Set by a reset, cleared by settling: builds are timed on a settled filesystem.
  let unsettled = false;
  for (const side of sides) {
    const reset = side.reset.bind(side);
    side.reset = async (opts) => { await reset(opts); unsettled = true; };
  }
  const settled = async (ctx: string) => {
    if (settle === 'drop' && unsettled) await settleFilesystem([...sides.flatMap((s) => s.dataDirs()), ctx, ...TOOLS]);
    unsettled = false;
  };

  // What a process start costs on this machine, beside which drydock's no-op is judged.
  // With NODE_EXTRA_CA_CERTS set (as on some machines), Node parses that file while it starts;
  // drydock's `#!` line defers it (src/util/tls-trust.ts), so `node -e 0` is timed both ways.
  const startup = { node: [] as number[], nodeNoExtraCA: [] as number[], drydock: [] as number[] };
  const noExtraCA = { ...process.env, NODE_EXTRA_CA_CERTS: undefined };
  for (let i = 0; i < 5; i++) {
    startup.node.push((await timeCommand([process.execPath, '-e', '0'])).seconds);
    if (process.env.NODE_EXTRA_CA_CERTS) startup.nodeNoExtraCA.push((await timeCommand([process.execPath, '-e', '0'], { env: noExtraCA })).seconds);
    startup.drydock.push((await timeCommand([cli, '--version'])).seconds);
  }

  for (const sc of chosen) {
    log(`== ${sc.id}: ${sc.title}`);
    const ctx = await sc.context(path.join(work, `ctx-${sc.id}`));
    const tag = `bench-${sc.id}:latest`;
    const row: Row = { id: sc.id, title: sc.title, drydock: [], buildkit: [] };
    for (const side of sides) await sc.prepare?.(side, ctx, tag);
    for (let n = 0; n < runs; n++) {
      for (const side of sides) await sc.beforeRun?.(side, ctx, n);
      await settled(ctx);
      for (const side of sides) {
        const t = await side.build(ctx, tag);
        row[side.name].push(t.seconds);
        log(`   ${side.name.padEnd(8)} run ${n + 1}: ${formatSeconds(t.seconds)}`);
      }
    }
    rows.push(row);
    await sc.cleanup?.();
    await rm(ctx, { recursive: true, force: true });
  }

  const out = report(rows, startup);
  process.stdout.write(out);
  if (args.json) await writeFile(args.json, JSON.stringify({ machine: machine(), startup, rows }, null, 2));
} finally {
  for (const s of sides) await s.close().catch((e) => log(`closing ${s.name}: ${e}`));
  if (!args.keep) await rm(work, { recursive: true, force: true });
}

function report(rs: Row[], startup: { node: number[]; nodeNoExtraCA: number[]; drydock: number[] }): string {
  const lines = [
    `# ${machine().summary}`,
    `# medians of ${runs} runs; ratio = drydock / BuildKit (below 1: drydock is faster)`,
    '',
    '| scenario | drydock | BuildKit | ratio |',
    '|---|---:|---:|---:|',
  ];
  for (const r of rs) {
    const d = median(r.drydock);
    const b = median(r.buildkit);
    lines.push(`| ${r.title} | ${formatSeconds(d)} | ${formatSeconds(b)} | ${Number.isFinite(b) ? (d / b).toFixed(2) : '-'} |`);
  }
  const bare = startup.nodeNoExtraCA.length ? ` (${formatSeconds(median(startup.nodeNoExtraCA))} without NODE_EXTRA_CA_CERTS)` : '';
  lines.push('', `process start: \`node -e 0\` ${formatSeconds(median(startup.node))}${bare}, \`drydock --version\` ${formatSeconds(median(startup.drydock))}`, '');
  return `${lines.join('\n')}\n`;
}

function machine() {
  const tool = (argv: string[]) => { try { return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8' }).trim(); } catch { return 'unknown'; } };
  const m = {
    date: new Date().toISOString().slice(0, 10),
    nproc: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    docker: tool(['/usr/bin/docker', '--version']),
  };
  return { ...m, summary: `${m.date}: ${m.nproc} CPUs, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, ${m.docker}` };
}
