/**
 * Cache mounts through a registry (issue 17), on demand:
 *
 *   node --import tsx bench/cache-mounts.ts [--runs 3] [--no-buildkit] [--json FILE] [--keep]
 *   (or `bench/run.ts --cache-mounts`)
 *
 * The seed Go example (examples/go-hello) with its `go build` under
 * `RUN --mount=type=cache,target=/root/.cache/go-build`. Machine A builds it once and exports
 * its cache to a loopback registry; then, per run, main.go is edited and machine B, a fresh
 * store holding only the base images, rebuilds from the registry cache:
 *   drydock         --cache-from the cache exported with mounts=true (layers + go-build cache)
 *   drydock-layers  --cache-from the cache exported without mounts (layers only, cold go build)
 *   drydock-ci      as drydock, and --cache-to (mode=max,mounts=true) under a new tag of the same
 *                   repository, as a CI job does: the export's cost is its difference from drydock
 *   buildkit        docker 20.10: `docker build --cache-from` an image pushed with
 *                   BUILDKIT_INLINE_CACHE=1 (v0.8 has no registry cache for cache mounts), after
 *                   `builder prune -af`: the cache mount starts empty, go build is cold
 * Wall times are medians; the go build step's own time (timed inside the RUN) says where the time goes.
 * drydock runs from source through tsx here; `node --import tsx src/cli/run.ts --version` is
 * timed too, as that start-up is not a user's (bin/drydock.js) and counts against drydock.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { openStore } from '../src/store/index.js';
import { saveImages } from '../src/image/archive/index.js';
import { fixtureImage } from '../test/helpers/fixtures.js';
import { startDockerd } from '../test/helpers/dockerd.js';
import { startRegistry } from '../test/helpers/registry.js';
import { repoRoot } from '../test/helpers/paths.js';
import { formatSeconds, median, run, timeCommand, type Timed } from './measure.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'no-buildkit': { type: 'boolean', default: false },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'cache-mounts': { type: 'boolean', default: false }, // passed through from bench/run.ts
  },
  strict: false,
});

const DOCKERFILE = `ARG GO_IMAGE=golang:1.19
FROM \${GO_IMAGE} AS builder
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build s=$(date +%s%N); CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/hello . && echo "go-build-ms=$(( ($(date +%s%N) - s) / 1000000 ))"

FROM busybox:latest
COPY --from=builder /out/hello /usr/local/bin/hello
USER nobody
ENTRYPOINT ["/usr/local/bin/hello"]
`;

type SideName = 'drydock' | 'drydock-layers' | 'drydock-ci' | 'buildkit';
interface Sample { wall: number; goBuild?: number; step?: number }

const log = (s: string) => process.stderr.write(`${s}\n`);
const tsx = pathToFileURL(createRequire(path.join(repoRoot, 'package.json')).resolve('tsx')).href;
const env = { ...process.env };
delete env.NODE_OPTIONS;
const drydockArgv = (root: string, rest: string[]) => [process.execPath, '--import', tsx, path.join(repoRoot, 'src/cli/run.ts'), '--root', root, ...rest];
const goBuildMs = (out: string) => { const m = /go-build-ms=(\d+)/.exec(out); return m ? Number(m[1]) / 1000 : undefined; };

/** The go build step's wall time, from drydock's rawjson events. */
function stepSeconds(out: string): number | undefined {
  let id: string | undefined;
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as { type: string; step?: string; duration?: number; cached?: boolean; instruction?: string };
    if (e.type === 'step-start' && e.instruction?.includes('go build')) id = e.step;
    if (e.type === 'step-done' && !e.cached && e.step === id) return (e.duration ?? 0) / 1000;
  }
  return undefined;
}

const runs = Number(args.runs);
const work = await mkdtemp(path.join(os.tmpdir(), 'drydock-bench-mounts-'));
const registry = await startRegistry();
const stops: Array<() => Promise<void>> = [() => registry.stop()];
const samples: Record<SideName, Sample[]> = { drydock: [], 'drydock-layers': [], 'drydock-ci': [], buildkit: [] };
const setup: Record<string, number> = {};
try {
  log(`work dir ${work}; registry ${registry.host}`);
  const fixtures = await openStore(path.join(work, 'fixtures-root'));
  await fixtureImage(fixtures, 'busybox', 'busybox:latest');
  await fixtureImage(fixtures, 'golang', 'golang:1.19');
  const bases = path.join(work, 'bases.tar');
  await pipeline(await saveImages(fixtures, ['busybox:latest', 'golang:1.19'], 'docker'), createWriteStream(bases));
  const baseRoot = path.join(work, 'base-root');
  await run(drydockArgv(baseRoot, ['load', '-i', bases]), { env });

  const ctx = path.join(work, 'ctx');
  await cp(path.join(repoRoot, 'examples/go-hello'), ctx, { recursive: true });
  await writeFile(path.join(ctx, 'Dockerfile'), DOCKERFILE);
  const mainGo = await readFile(path.join(ctx, 'main.go'), 'utf8');
  const edit = (n: number) => writeFile(path.join(ctx, 'main.go'), mainGo.replace('hello from drydock', `hello from drydock, edit ${n}`));
  const freshRoot = async (name: string) => {
    const root = path.join(work, name);
    await rm(root, { recursive: true, force: true });
    await run(['cp', '-al', baseRoot, root]);
    return root;
  };

  // Machine A: one cold build, its cache exported with and without the mounts.
  const withMounts = `${registry.host}/hello:cache-mounts`;
  const layersOnly = `${registry.host}/hello:cache-layers`;
  const a = await freshRoot('machine-a');
  setup.drydockColdWithExport = (await timeCommand(drydockArgv(a, ['build', '-q', '--cache-to', `type=registry,ref=${withMounts},mode=max,mounts=true`, ctx]), { env })).seconds;
  setup.drydockExportLayersOnly = (await timeCommand(drydockArgv(a, ['build', '-q', '--cache-to', `type=registry,ref=${layersOnly},mode=max`, ctx]), { env })).seconds;
  const startup: number[] = [];
  for (let i = 0; i < 3; i++) startup.push((await timeCommand(drydockArgv(a, ['--version']), { env })).seconds);
  setup.drydockStartup = median(startup);

  let docker: ((argv: string[]) => Promise<string>) | undefined;
  let dockerEnv: NodeJS.ProcessEnv = {};
  const bkRef = `${registry.host}/hello:inline`;
  if (!args['no-buildkit']) {
    const d = await startDockerd();
    stops.push(() => d.stop());
    dockerEnv = { ...process.env, ...d.env, DOCKER_BUILDKIT: '1' };
    docker = (argv) => run(['/usr/bin/docker', ...argv], { env: dockerEnv });
    await docker(['load', '-q', '-i', bases]);
    setup.buildkitColdWithInlineCache = (await timeCommand(['/usr/bin/docker', 'build', '--network', 'host', '-q', '--build-arg', 'BUILDKIT_INLINE_CACHE=1', '-t', bkRef, ctx], { env: dockerEnv })).seconds;
    await docker(['push', bkRef]);
  }
  const resetDocker = async () => {
    const built = (await docker!(['images', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n').filter((r) => r && !r.includes('<none>') && r !== 'busybox:latest' && r !== 'golang:1.19');
    if (built.length) await docker!(['rmi', ...built]);
    await docker!(['builder', 'prune', '-af']);
    await run(['sync']);
  };

  for (let n = 1; n <= runs; n++) {
    await edit(n);
    for (const [side, ref] of [['drydock', withMounts], ['drydock-layers', layersOnly], ['drydock-ci', withMounts]] as const) {
      const b = await freshRoot('machine-b');
      await run(['sync']);
      const to = side === 'drydock-ci' ? ['--cache-to', `type=registry,ref=${registry.host}/hello:ci-${n},mode=max,mounts=true`] : [];
      const t: Timed = await timeCommand(drydockArgv(b, ['build', '--progress', 'rawjson', '--cache-from', `type=registry,ref=${ref}`, ...to, '-t', 'hello', ctx]), { env });
      samples[side].push({ wall: t.seconds, goBuild: goBuildMs(t.stderr + t.stdout), step: stepSeconds(t.stderr + t.stdout) });
      log(`   ${side.padEnd(15)} run ${n}: ${formatSeconds(t.seconds)} (go build ${formatSeconds(samples[side].at(-1)!.goBuild ?? NaN)})`);
    }
    if (docker) {
      await resetDocker();
      const t = await timeCommand(['/usr/bin/docker', 'build', '--network', 'host', '--progress', 'plain', '--cache-from', bkRef, '-t', 'hello', ctx], { env: dockerEnv });
      samples.buildkit.push({ wall: t.seconds, goBuild: goBuildMs(t.stderr + t.stdout) });
      log(`   ${'buildkit'.padEnd(15)} run ${n}: ${formatSeconds(t.seconds)} (go build ${formatSeconds(samples.buildkit.at(-1)!.goBuild ?? NaN)})`);
    }
  }

  const med = (side: SideName, k: keyof Sample) => median(samples[side].map((s) => s[k]).filter((x): x is number => x !== undefined));
  const bk = med('buildkit', 'wall');
  const lines = [
    `# ${os.availableParallelism()} CPUs, Linux ${os.release()}, Node ${process.version}; medians of ${runs} runs; machine B = a fresh store, main.go edited`,
    '',
    '| builder (machine B) | wall | go build | ratio to BuildKit |',
    '|---|---:|---:|---:|',
    ...(['drydock', 'drydock-layers', 'drydock-ci', 'buildkit'] as const).filter((s) => samples[s].length).map((s) =>
      `| ${s} | ${formatSeconds(med(s, 'wall'))} | ${formatSeconds(med(s, 'goBuild'))} | ${Number.isFinite(bk) ? (med(s, 'wall') / bk).toFixed(2) : '-'} |`),
    '',
    `drydock's go build step (restore included): ${formatSeconds(med('drydock', 'step'))}; drydock start-up from source: ${formatSeconds(setup.drydockStartup!)}`,
    `machine A: cold build + export with mounts ${formatSeconds(setup.drydockColdWithExport!)}, cached rebuild + layers-only export ${formatSeconds(setup.drydockExportLayersOnly!)}` +
      (setup.buildkitColdWithInlineCache ? `; BuildKit cold build with inline cache ${formatSeconds(setup.buildkitColdWithInlineCache)}` : ''),
    '',
  ];
  process.stdout.write(lines.join('\n'));
  if (args.json) await writeFile(args.json as string, JSON.stringify({ samples, setup }, null, 2));
} finally {
  for (const s of stops.reverse()) await s().catch((e) => log(`stopping: ${e}`));
  if (!args.keep) await rm(work, { recursive: true, force: true });
}
