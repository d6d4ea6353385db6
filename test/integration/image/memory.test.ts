import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, rm, truncate, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, runningFromSource } from '../../helpers/paths.js';
import { tempDir } from './fixtures.js';

const exec = promisify(execFile);
const LIMIT_KB = 200 * 1024;
const GB = 1 << 30;

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Runs drydock under GNU time and returns its peak RSS in KiB. */
async function peakRss(args: string[]): Promise<number> {
  const entry = runningFromSource ? ['--import', 'tsx', join(repoRoot, 'src/cli/run.ts')] : [join(repoRoot, 'dist/src/cli/run.js')];
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  const r = await exec('/usr/bin/time', ['-v', process.execPath, ...entry, ...args], { env, maxBuffer: 16 << 20 }).catch((e: NodeJS.ErrnoException & { stderr?: string }) => {
    if (e.code === 'ENOENT') throw new Error('/usr/bin/time is not installed (Debian package time)');
    throw new Error(`drydock ${args.join(' ')} failed: ${e.stderr}`);
  });
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return Number(m[1]);
}

test('1 GiB layers stream through import, load and save without being held in memory', async (t) => {
  const dir = await tempDir('memory');
  dirs.push(dir);
  const store = join(dir, 'store');
  const rootfs = join(dir, 'rootfs');
  await mkdir(rootfs);
  await writeFile(join(rootfs, 'sparse'), '');
  await truncate(join(rootfs, 'sparse'), GB);

  const importRss = await peakRss(['--root', store, 'import', rootfs, 'big:1']);
  assert.ok(importRss < LIMIT_KB, `import peak RSS ${importRss} KiB`);

  // A docker-save archive with a 1 GiB uncompressed layer, as docker save writes them.
  execFileSync('sh', ['-c', `cd ${dir} && mkdir x && tar -C rootfs -cf x/layer.tar . && cat > x/manifest.json <<E
[{"Config":"config.json","RepoTags":["big:2"],"Layers":["layer.tar"]}]
E
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' $(sha256sum x/layer.tar | cut -d' ' -f1) > x/config.json && tar -C x -cf big.tar manifest.json config.json layer.tar && rm -r x`]);
  const loadRss = await peakRss(['--root', store, 'load', '-i', join(dir, 'big.tar')]);
  assert.ok(loadRss < LIMIT_KB, `load peak RSS ${loadRss} KiB`);
  await rm(join(dir, 'big.tar'));

  const out = join(dir, 'out.tar');
  const saveRss = await peakRss(['--root', store, 'save', '-o', out, 'big:2']);
  assert.ok(saveRss < LIMIT_KB, `save peak RSS ${saveRss} KiB`);
  t.diagnostic(`peak RSS KiB: import ${importRss}, load ${loadRss}, save ${saveRss}`);
  assert.ok((await stat(out)).size > GB);
});
