/**
 * One shard of the corpus as node:test tests: its own dockerd and drydock store; per case the
 * context copied and set up, BuildKit's and drydock's builds side by side, then the comparison.
 * A failure names the case and its probe, then the differences (or the failing build's output).
 */
import { test, before, after, type TestContext } from 'node:test';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { readSavedImage, type SavedImage } from './archive.js';
import { archiveFor, Builders, type BuildInput, type BuildResult } from './builders.js';
import { loadCases, shardOf, type Case, type CaseSet } from './cases.js';
import { compareImages, platformDiff } from './compare.js';
import { checkExpected, type Expected } from './expected.js';
import { normalizeV08 } from './v08.js';

const run = promisify(execFile);

/** Shard files: `defineShard(i, SHARDS)` in shard-<i>.test.ts, `defineShard(i, REALWORLD_SHARDS, 'realworld')` in realworld-<i>.test.ts. */
export const SHARDS = 4;
export const REALWORLD_SHARDS = 2;

async function prepare(c: Case, work: string): Promise<BuildInput> {
  const context = path.join(work, 'ctx');
  const src = path.join(c.dir, 'context');
  if (existsSync(src)) await fs.cp(src, context, { recursive: true, verbatimSymlinks: true });
  else await fs.mkdir(context);
  if (existsSync(path.join(c.dir, 'setup.sh'))) {
    try {
      await run('sh', [path.join(c.dir, 'setup.sh')], { cwd: context, maxBuffer: 1 << 24 });
    } catch (e) {
      const x = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${c.name}: setup.sh failed: ${x.message}\n${x.stdout ?? ''}${x.stderr ?? ''}`);
    }
  }
  const secrets: Record<string, string> = {};
  for (const [id, content] of Object.entries(c.spec.secrets ?? {})) {
    secrets[id] = path.join(work, `secret-${id}`);
    await fs.writeFile(secrets[id], content);
  }
  return { dockerfile: path.join(c.dir, 'Dockerfile'), context, tag: '', args: c.spec.args ?? {}, target: c.spec.target, secrets, platform: c.spec.platform, out: '' };
}

function failure(c: Case, what: string, lines: string[] | string): Error {
  const body = Array.isArray(lines) ? lines.join('\n') : lines;
  return new Error(`case ${c.name}: ${what}\n  probe: ${c.spec.probe}\n${body}`);
}

const indent = (s: string) => s.trimEnd().split('\n').map((l) => `    | ${l}`).join('\n');

async function runCase(b: Builders, c: Case, t: TestContext): Promise<void> {
  if (c.invalid) throw failure(c, `malformed case: ${c.invalid}`, []);
  const work = await fs.mkdtemp(path.join(b.work, `${c.name.slice(0, 40)}-`));
  try {
    const input = await prepare(c, work);
    const expected = c.spec.reference === 'expected';
    await b.basesFor(input.dockerfile);
    const t0 = performance.now();
    const [bk, dd] = await Promise.all([
      expected ? undefined : b.buildkit({ ...input, tag: `conformance/${c.name}:buildkit`, out: path.join(work, 'buildkit.tar') }),
      b.drydock({ ...input, tag: `conformance/${c.name}:drydock`, out: path.join(work, 'drydock.tar') }),
    ]);
    const timing = (r?: BuildResult) => (r ? `${(r.ms / 1000).toFixed(1)}s` : '-');
    if (c.spec.expectError) {
      if (bk?.ok) throw failure(c, 'BuildKit built it, but the case expects both builds to fail (a case bug?)', indent(bk.output));
      if (dd.ok) throw failure(c, 'drydock built it; BuildKit fails it', indent(bk?.output ?? ''));
      // A user's error is one line naming the step, never a crash (issue 14, problem 4).
      if (/internal error|^\s+at .*:\d+:\d+\)?$/m.test(dd.output)) throw failure(c, 'drydock failed, but with an internal error or a stack trace', indent(dd.output));
      t.diagnostic(`buildkit ${timing(bk)}, drydock ${timing(dd)} (both failed, as expected)`);
      return;
    }
    if (bk && !bk.ok) throw failure(c, 'BuildKit failed to build the case (a case bug?)', indent(bk.output));
    if (!dd.ok) throw failure(c, 'drydock failed to build it', indent(dd.output));
    const t1 = performance.now();
    // Each platform's pair of images (one pair without a "platform").
    const platforms = c.spec.platform?.split(',') ?? [undefined];
    const multi = platforms.length > 1;
    const diff: string[] = [];
    for (const p of platforms) {
      const ddImage = await readSavedImage(archiveFor(path.join(work, 'drydock.tar'), p, multi));
      let d: string[];
      let bkImage: SavedImage | undefined;
      if (expected) {
        const want = JSON.parse(await fs.readFile(path.join(c.dir, 'expected.json'), 'utf8')) as Expected;
        d = checkExpected(ddImage, want);
      } else {
        bkImage = await readSavedImage(archiveFor(path.join(work, 'buildkit.tar'), p, multi));
        const n = normalizeV08(bkImage, ddImage, await fs.readFile(input.dockerfile, 'utf8'));
        d = compareImages(n.bk, n.dd);
      }
      if (p) d.push(...platformDiff(p, ddImage.config, 'drydock'), ...(bkImage ? platformDiff(p, bkImage.config, 'BuildKit') : []));
      diff.push(...(multi ? d.map((l) => `[${p}] ${l}`) : d));
    }
    t.diagnostic(`buildkit ${timing(bk)}, drydock ${timing(dd)}, builds ${((t1 - t0) / 1000).toFixed(1)}s, compare ${((performance.now() - t1) / 1000).toFixed(2)}s`);
    if (diff.length) throw failure(c, expected ? `drydock differs from expected.json (${c.spec.source})` : 'drydock and BuildKit differ', diff);
  } finally {
    if (process.env.CONFORMANCE_KEEP) t.diagnostic(`kept: ${work} (buildkit.tar, drydock.tar, ctx/)`);
    else await fs.rm(work, { recursive: true, force: true });
  }
}

/** Registers shard `i` of `n` of a set of the corpus (narrowed by $CONFORMANCE_CASE) as tests. */
export function defineShard(i: number, n: number, set: CaseSet = 'cases'): void {
  const cases = shardOf(loadCases(set), i, n, set);
  const b = new Builders();
  let started: Promise<void> | undefined;
  const platformCases = cases.filter((c) => c.spec.platform && !c.spec.skip && !c.invalid);
  const debian = platformCases.some((c) => /\bdebian\b/.test(readFileSync(path.join(c.dir, 'Dockerfile'), 'utf8')));
  const ready = () => (started ??= b.start({ platforms: platformCases.length > 0, debian }));
  before(() => { if (cases.some((c) => !c.spec.skip)) return ready(); });
  after(() => b.stop(Boolean(process.env.CONFORMANCE_KEEP)));
  for (const c of cases) {
    test(`${c.name}: ${c.spec.probe}`, { skip: c.spec.skip }, async (t) => {
      await ready();
      await runCase(b, c, t);
    });
  }
}
