/**
 * What `--cache-to type=registry,mode=max` costs (issue 17), on demand:
 *
 *   node --import tsx bench/cache-export.ts [--runs 3] [--files 20000] [--only go,files] [--json FILE]
 *                                           [--drydock CHECKOUT]   (or `bench/run.ts --cache-export`)
 *
 * For the seed Go example (examples/go-hello) and the 20,000-file context (bench/contexts.ts),
 * a store builds once and exports once (so intermediate stages' layers are already blobs); then
 * per run, against a fresh loopback registry (nothing to skip, nothing to mount):
 *   build   drydock build, every step cached, no export          (what the export adds to)
 *   export  the same build with --cache-to type=registry,mode=max
 *   upload  skopeo copy of an OCI layout holding the very same blobs (the cache exported with
 *           type=local) to the same registry: the time to upload those bytes
 * The export's cost is export - build; the goal is no more than 1.2x upload. Each figure is the
 * median wall time, and user+sys CPU seconds of the process tree (/usr/bin/time). The first
 * export of a fresh build (which also gzips intermediate stages' layers) is reported once, as `cold`.
 * drydock runs as users run it, bin/drydock.js of a compiled checkout (this one, or --drydock's):
 * from source through tsx, the registry client's modules alone take 0.6 s to load.
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/index.js';
import { fixtureImage } from '../test/helpers/fixtures.js';
import { startRegistry, type RegistryFixture } from '../test/helpers/registry.js';
import { repoRoot } from '../test/helpers/paths.js';
import { goContext, manyFilesContext } from './contexts.js';
import { formatSeconds, median, timeCommand } from './measure.js';
import { drydockCli } from './sides.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    files: { type: 'string', default: '20000' },
    only: { type: 'string' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    drydock: { type: 'string' },
    'cache-export': { type: 'boolean', default: false }, // passed through from bench/run.ts
  },
  strict: false,
});

const cli = drydockCli(args.drydock ? path.resolve(String(args.drydock)) : undefined);
const env = { ...process.env };
delete env.NODE_OPTIONS;
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Timing { wall: number; cpu: number }

/** Wall and user+sys CPU seconds of `argv` and its children (GNU time writes the last stderr line). */
async function timed(argv: string[]): Promise<Timing> {
  const t = await timeCommand(['/usr/bin/time', '-f', 'cpu %U %S', ...argv], { env, cwd: repoRoot });
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(t.stderr);
  return { wall: t.seconds, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
}

const drydock = (root: string, rest: string[]) => [cli, '--root', root, ...rest];

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += (await stat(path.join(e.parentPath, e.name))).size;
  return n;
}

interface Row { id: string; title: string; bytes: number; blobs: number; cold: Timing; build: Timing[]; exp: Timing[]; upload: Timing[] }

const work = await mkdtemp(path.join(os.tmpdir(), 'drydock-bench-export-'));
const rows: Row[] = [];
const scenarios = [
  { id: 'go', title: 'Go example (multi-stage, golang:1.19)', make: (d: string) => goContext(d) },
  { id: 'files', title: `${args.files} small files, one COPY`, make: (d: string) => manyFilesContext(d, Number(args.files)) },
].filter((s) => !args.only || String(args.only).split(',').includes(s.id));

try {
  for (const s of scenarios) {
    const root = path.join(work, `${s.id}-root`);
    const store = await openStore(root);
    await fixtureImage(store, 'busybox', 'busybox:latest');
    if (s.id === 'go') await fixtureImage(store, 'golang', 'golang:1.19');
    const ctx = await s.make(path.join(work, `${s.id}-ctx`));
    log(`[${s.id}] first build`);
    await timeCommand(drydock(root, ['build', '-q', ctx]), { env, cwd: repoRoot });

    let reg: RegistryFixture = await startRegistry();
    log(`[${s.id}] cold export (gzips intermediate stages' layers once)`);
    const cold = await timed(drydock(root, ['build', '-q', '--cache-to', `type=registry,ref=${reg.host}/bench/${s.id}:cache,mode=max`, ctx]));
    await reg.stop();
    // The same blobs as an OCI layout, for skopeo.
    const layout = path.join(work, `${s.id}-layout`);
    await timeCommand(drydock(root, ['build', '-q', '--cache-to', `type=local,dest=${layout},mode=max`, ctx]), { env, cwd: repoRoot });
    const blobsDir = path.join(layout, 'blobs', 'sha256');
    const row: Row = { id: s.id, title: s.title, bytes: await dirBytes(blobsDir), blobs: (await readdir(blobsDir)).length, cold, build: [], exp: [], upload: [] };
    for (let i = 0; i < Number(args.runs); i++) {
      row.build.push(await timed(drydock(root, ['build', '-q', ctx])));
      reg = await startRegistry();
      row.exp.push(await timed(drydock(root, ['build', '-q', '--cache-to', `type=registry,ref=${reg.host}/bench/${s.id}:cache,mode=max`, ctx])));
      row.upload.push(await timed(['skopeo', 'copy', '-q', '--all', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${reg.host}/bench/${s.id}-skopeo:cache`]));
      await reg.stop();
      log(`[${s.id}] run ${i + 1}: build ${formatSeconds(row.build[i]!.wall)}, build+export ${formatSeconds(row.exp[i]!.wall)}, skopeo upload ${formatSeconds(row.upload[i]!.wall)}`);
    }
    rows.push(row);
    if (!args.keep) await rm(root, { recursive: true, force: true });
  }
} finally {
  if (!args.keep) await rm(work, { recursive: true, force: true });
}

const med = (ts: Timing[], k: keyof Timing) => median(ts.map((t) => t[k]));
const lines = ['| scenario | blobs (MB) | cold export | build | build + export | export cost | skopeo upload | export / upload |', '|---|---|---|---|---|---|---|---|'];
for (const r of rows) {
  const cost = med(r.exp, 'wall') - med(r.build, 'wall');
  const up = med(r.upload, 'wall');
  const cpu = (ts: Timing[]) => `${med(ts, 'cpu').toFixed(2)} s cpu`;
  lines.push(`| ${r.title} | ${r.blobs} (${(r.bytes / 1e6).toFixed(1)}) | ${formatSeconds(r.cold.wall - med(r.build, 'wall'))} | ${formatSeconds(med(r.build, 'wall'))} (${cpu(r.build)}) | ${formatSeconds(med(r.exp, 'wall'))} (${cpu(r.exp)}) | ${formatSeconds(cost)} | ${formatSeconds(up)} (${cpu(r.upload)}) | ${(cost / up).toFixed(2)}x |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
if (args.json) await writeFile(String(args.json), JSON.stringify(rows, null, 2));
