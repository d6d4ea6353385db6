/**
 * Multi-platform builds against BuildKit (issue 16), on demand:
 *
 *   node --import tsx bench/platforms.ts [--runs 3] [--no-buildkit] [--json FILE] [--keep]
 *   (or `bench/run.ts --platforms`)
 *
 * cross     examples/go-cross (context examples/go-hello) for linux/amd64 and linux/arm64:
 *             drydock   one build, `--platform linux/amd64,linux/arm64` (one index)
 *             buildkit  docker 20.10 builds one platform at a time: `--platform linux/amd64`, then
 *                       `--platform linux/arm64` (reusing the first's shared builder steps), summed
 * emulated  one RUN of busybox shell arithmetic and md5sum under QEMU, `--platform linux/arm64` on
 *           both; drydock's native amd64 build of it gives the emulation's cost.
 * Every run starts cold: drydock `rm` + `prune --cache`, BuildKit `builder prune -af`; the base
 * images stay (unpacked). BuildKit gets arm64 busybox from a loopback registry, its docker.io
 * mirror; drydock's store holds busybox as an amd64+arm64 index. Runs are interleaved; medians
 * and ratios of wall time and of CPU time (user+sys), which a loaded machine distorts less:
 * drydock's from `/usr/bin/time` (its process tree: runc and the RUN's processes are waited
 * for), BuildKit's as dockerd's own and its waited children's (runc, the RUN) CPU time across
 * the build (/proc/PID/stat). drydock runs from source through tsx (its start-up counts).
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { openStore } from '../src/store/index.js';
import { saveImages } from '../src/image/archive/index.js';
import { fixtureImage } from '../test/helpers/fixtures.js';
import { busyboxIndex, pushBusyboxIndex, type FixturePlatform } from '../test/helpers/platform-fixtures.js';
import { startDockerd } from '../test/helpers/dockerd.js';
import { startRegistry } from '../test/helpers/registry.js';
import { repoRoot } from '../test/helpers/paths.js';
import { formatSeconds, median, run, timeCommand } from './measure.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'no-buildkit': { type: 'boolean', default: false },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    platforms: { type: 'boolean', default: false }, // passed through from bench/run.ts
  },
  strict: false,
});

const PLATFORMS: FixturePlatform[] = ['linux/amd64', 'linux/arm64'];
const EMULATED = `FROM busybox
RUN i=0; s=0; while [ $i -lt 60000 ]; do s=$(( (s + i * i) % 1000003 )); i=$((i + 1)); done; echo $s > /sum && \\
    dd if=/dev/zero bs=1M count=128 2>/dev/null | md5sum > /md5 && uname -m > /machine
`;

type Row = 'drydock cross (one build, 2 platforms)' | 'BuildKit cross (2 single-platform builds)' | 'drydock emulated RUN (arm64)' | 'BuildKit emulated RUN (arm64)' | 'drydock native RUN (amd64)';

interface Sample { wall: number; cpu: number }

/** utime+stime+cutime+cstime of a process, in seconds (fields 14-17 of /proc/PID/stat). */
function processCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100; // USER_HZ
}

const log = (s: string) => process.stderr.write(`${s}\n`);
const tsx = pathToFileURL(createRequire(path.join(repoRoot, 'package.json')).resolve('tsx')).href;
const env = { ...process.env };
delete env.NODE_OPTIONS;

const runs = Number(args.runs);
const work = await mkdtemp(path.join(os.tmpdir(), 'drydock-bench-platforms-'));
const registry = await startRegistry();
const stops: Array<() => Promise<void>> = [() => registry.stop()];
const samples: Partial<Record<Row, Sample[]>> = {};
const add = (row: Row, s: Sample) => { (samples[row] ??= []).push(s); log(`   ${row.padEnd(42)} ${formatSeconds(s.wall)} wall, ${formatSeconds(s.cpu)} CPU`); };
try {
  log(`work dir ${work}; registry ${registry.host}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const root = path.join(work, 'drydock-root');
  const store = await openStore(root);
  await fixtureImage(store, 'golang', 'golang:1.19');
  await busyboxIndex(store, PLATFORMS, 'busybox:latest');
  const drydockTimed = async (rest: string[]): Promise<Sample> => {
    const t = await timeCommand(['/usr/bin/time', '-f', 'cpu=%U+%S', ...drydock(rest)], { env });
    const m = /cpu=([\d.]+)\+([\d.]+)\s*$/.exec(t.stderr);
    return { wall: t.seconds, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
  };
  const drydock = (rest: string[]) => [process.execPath, '--import', tsx, path.join(repoRoot, 'src/cli/run.ts'), '--root', root, ...rest];
  const crossArgs = ['-f', path.join(repoRoot, 'examples/go-cross/Dockerfile'), path.join(repoRoot, 'examples/go-hello')];
  const emuCtx = path.join(work, 'emulated');
  await mkdir(emuCtx);
  await writeFile(path.join(emuCtx, 'Dockerfile'), EMULATED);

  let docker: ((argv: string[]) => Promise<Sample>) | undefined;
  if (!args['no-buildkit']) {
    await pushBusyboxIndex(registry, PLATFORMS);
    const d = await startDockerd({ registryMirrors: [registry.url] });
    stops.push(() => d.stop());
    const dockerEnv = { ...process.env, ...d.env, DOCKER_BUILDKIT: '1' };
    const fixtures = await openStore(path.join(work, 'fixtures-root'));
    await fixtureImage(fixtures, 'busybox', 'busybox:latest');
    await fixtureImage(fixtures, 'golang', 'golang:1.19');
    const bases = path.join(work, 'bases.tar');
    await pipeline(await saveImages(fixtures, ['busybox:latest', 'golang:1.19'], 'docker'), createWriteStream(bases));
    await run(['/usr/bin/docker', 'load', '-q', '-i', bases], { env: dockerEnv });
    const dockerdPid = Number(readFileSync(path.join(path.dirname(d.socketPath), 'docker.pid'), 'utf8'));
    docker = async (argv) => {
      const before = processCpu(dockerdPid);
      const t = await timeCommand(['/usr/bin/docker', ...argv], { env: dockerEnv });
      return { wall: t.seconds, cpu: processCpu(dockerdPid) - before };
    };
  }
  const resetDrydock = async () => {
    for (const ref of ['bench-cross:1', 'bench-emu:1', 'bench-native:1']) await run(drydock(['rm', ref]), { env }).catch(() => '');
    await run(drydock(['prune', '--cache']), { env });
    await run(['sync']);
  };
  const resetDocker = async () => {
    await docker!(['rmi', '-f', 'bench-cross:amd64', 'bench-cross:arm64', 'bench-emu:1']).catch(() => undefined);
    await docker!(['builder', 'prune', '-af']);
    await run(['sync']);
  };
  const bkCross = async (): Promise<Sample> => {
    const a = await docker!(['build', '--network', 'host', '-q', '--platform', 'linux/amd64', '-t', 'bench-cross:amd64', ...crossArgs]);
    const b = await docker!(['build', '--network', 'host', '-q', '--platform', 'linux/arm64', '-t', 'bench-cross:arm64', ...crossArgs]);
    return { wall: a.wall + b.wall, cpu: a.cpu + b.cpu };
  };

  // Warm-up, not timed: drydock unpacks its bases, BuildKit pulls arm64 busybox once.
  log('warm-up');
  await run(drydock(['build', '-q', '--platform', PLATFORMS.join(','), '-t', 'bench-cross:1', ...crossArgs]), { env });
  if (docker) await bkCross();

  for (let n = 1; n <= runs; n++) {
    log(`run ${n}`);
    await resetDrydock();
    add('drydock cross (one build, 2 platforms)', await drydockTimed(['build', '-q', '--platform', PLATFORMS.join(','), '-t', 'bench-cross:1', ...crossArgs]));
    if (docker) {
      await resetDocker();
      add('BuildKit cross (2 single-platform builds)', await bkCross());
    }
    await resetDrydock();
    add('drydock emulated RUN (arm64)', await drydockTimed(['build', '-q', '--platform', 'linux/arm64', '-t', 'bench-emu:1', emuCtx]));
    if (docker) {
      await resetDocker();
      add('BuildKit emulated RUN (arm64)', await docker(['build', '--network', 'host', '-q', '--platform', 'linux/arm64', '-t', 'bench-emu:1', emuCtx]));
    }
    await resetDrydock();
    add('drydock native RUN (amd64)', await drydockTimed(['build', '-q', '-t', 'bench-native:1', emuCtx]));
  }

  const med = (r: Row, k: keyof Sample) => median((samples[r] ?? []).map((x) => x[k]));
  const ratio = (a: Row, b: Row, k: keyof Sample) => (Number.isFinite(med(b, k)) ? (med(a, k) / med(b, k)).toFixed(2) : '-');
  const row = (r: Row, vs?: Row, what = 'of BuildKit') =>
    `| ${r} | ${formatSeconds(med(r, 'wall'))} | ${formatSeconds(med(r, 'cpu'))} | ${vs ? `${ratio(r, vs, 'wall')} / ${ratio(r, vs, 'cpu')} ${what}` : ''} |`;
  const lines = [
    `# ${os.availableParallelism()} CPUs, Linux ${os.release()}, Node ${process.version}; medians of ${runs} cold runs`,
    '',
    '| build | wall | CPU (user+sys) | ratio wall / CPU |',
    '|---|---:|---:|---|',
    row('drydock cross (one build, 2 platforms)', 'BuildKit cross (2 single-platform builds)'),
    row('BuildKit cross (2 single-platform builds)'),
    row('drydock emulated RUN (arm64)', 'BuildKit emulated RUN (arm64)'),
    row('BuildKit emulated RUN (arm64)'),
    row('drydock native RUN (amd64)', 'drydock emulated RUN (arm64)', 'of emulated'),
    '',
  ];
  process.stdout.write(lines.join('\n'));
  if (args.json) await writeFile(args.json as string, JSON.stringify({ samples }, null, 2));
} finally {
  for (const s of stops.reverse()) await s().catch((e) => log(`stopping: ${e}`));
  if (!args.keep) await rm(work, { recursive: true, force: true });
}
