/**
 * drydock as root, drydock as an ordinary user (rootless, docs/rootless.md) and BuildKit, on the
 * Go example (cold) and a cold COPY of 20,000 small files. On demand, as root (it makes a user
 * with a subordinate range, as test/integration/rootless does, and removes it):
 *
 *   node --import tsx bench/run.ts --rootless [--runs 3] [--files 20000] [--no-buildkit]
 *
 * The CLI is the one the bench runs from: the sources through tsx here (each drydock start costs
 * more than the bundled CLI's, the rootless one twice: it re-executes itself), dist/ when compiled.
 * Each run: every side reset to its bases, then each builds in turn; medians of wall time.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRootlessUser, type RootlessUser } from '../test/integration/rootless/user.js';
import { repoRoot, runningFromSource } from '../test/helpers/paths.js';
import { formatSeconds, median, run, timeCommand, type Timed } from './measure.js';
import { goContext, manyFilesContext } from './contexts.js';
import { buildkitSide, prepareBasesArchive, type Side } from './sides.js';

const { values: args } = parseArgs({
  options: {
    rootless: { type: 'boolean' },
    runs: { type: 'string', default: '3' },
    files: { type: 'string', default: '20000' },
    'no-buildkit': { type: 'boolean', default: false },
  },
});
const log = (s: string) => process.stderr.write(`${s}\n`);

function cliArgv(): string[] {
  return runningFromSource
    ? [process.execPath, '--import', 'tsx', path.join(repoRoot, 'src/cli/run.ts')]
    : [process.execPath, path.join(repoRoot, 'bin/drydock.js')];
}

/** A drydock side; as `user` when given (the store is then made and owned by the user). */
async function drydock(name: string, archive: string, root: string, user?: RootlessUser): Promise<Side> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const cli = async (a: string[]): Promise<Timed> => {
    if (!user) return timeCommand([...cliArgv(), '--root', root, ...a], { env, cwd: repoRoot });
    const started = process.hrtime.bigint();
    const r = await user.runAs(['--root', root, ...a], { cwd: repoRoot });
    if (r.code !== 0) throw new Error(`${name}: drydock ${a.join(' ')} failed: ${r.stderr}`);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, stdout: r.stdout, stderr: r.stderr };
  };
  await cli(['load', '-i', archive]);
  return {
    name: name as Side['name'],
    async reset() {
      const built = (await cli(['images'])).stdout.split('\n').slice(1).map((l) => l.split(/\s+/))
        .filter(([repo, tag]) => repo && tag && tag !== '<none>' && repo.startsWith('bench-')).map(([repo, tag]) => `${repo}:${tag}`);
      if (built.length) await cli(['rmi', ...built]);
      await cli(['prune', '--cache']);
      await run(['sync']);
    },
    dataDirs: () => [root],
    build: (ctx, tag) => cli(['build', '-q', '-t', tag, ctx]),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

export async function rootlessBench(): Promise<void> {
  const runs = Number(args.runs);
  const work = await mkdtemp(path.join(os.tmpdir(), 'drydock-bench-rootless-'));
  await chmod(work, 0o755);
  const user = await createRootlessUser();
  const sides: Side[] = [];
  try {
    const archive = await prepareBasesArchive(work);
    await chmod(archive, 0o644);
    const userRoot = path.join(work, 'user-root');
    await run(['install', '-d', '-o', String(user.uid), '-g', String(user.gid), userRoot]);
    sides.push(await drydock('root', archive, path.join(work, 'root-root')));
    sides.push(await drydock('rootless', archive, userRoot, user));
    if (!args['no-buildkit']) sides.push(await buildkitSide(archive));
    const contexts = [
      { id: 'cold-go', title: 'Go example, multi-stage (cold)', dir: await goContext(path.join(work, 'go')) },
      { id: 'copy-many', title: `COPY of ${Number(args.files).toLocaleString('en')} small files (cold)`, dir: await manyFilesContext(path.join(work, 'many'), Number(args.files)) },
    ];
    await run(['chmod', '-R', 'a+rX', work]);
    const rows: string[] = [];
    for (const c of contexts) {
      const times = new Map<string, number[]>(sides.map((s) => [s.name, []]));
      for (let i = 0; i < runs; i++) {
        for (const s of sides) await s.reset();
        for (const s of sides) {
          const t = await s.build(c.dir, `bench-${c.id}:${i}`);
          times.get(s.name)!.push(t.seconds);
          log(`${c.id} run ${i + 1}: ${s.name} ${formatSeconds(t.seconds)}`);
        }
      }
      const m = (n: string) => median(times.get(n) ?? []);
      rows.push(`| ${c.title} | ${formatSeconds(m('root'))} | ${formatSeconds(m('rootless'))} | ${(m('rootless') / m('root')).toFixed(2)} | ${formatSeconds(m('buildkit'))} |`);
    }
    process.stdout.write(['', `median wall time of ${runs} runs`, '', '| scenario | drydock root | drydock rootless | rootless/root | BuildKit |', '|---|---:|---:|---:|---:|', ...rows, ''].join('\n'));
  } finally {
    for (const s of sides) await s.close().catch(() => undefined);
    await user.remove();
    await rm(work, { recursive: true, force: true });
  }
}

await rootlessBench();
