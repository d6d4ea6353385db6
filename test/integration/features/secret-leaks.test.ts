/**
 * Secrets leave no trace in anything a build writes (issue 15, part 7): not in `-o` outputs
 * (docker, OCI with zstd layers, local), `--cache-to` (gzip and zstd), `--progress=rawjson`,
 * `--metadata-file`, `--report`, the build record or any other file of the store. The scanner
 * (test/helpers/leaks.ts) first proves it finds planted leaks in each of those shapes; and an
 * `env=` secret's runc config.json is written to a memory filesystem only.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnDrydock } from '../../helpers/cli.js';
import { findLeaks } from '../../helpers/leaks.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { bundlesRoot } from '../../../src/exec/runc.js';
import { cliBuild, contextDir, imageFiles, storeWith } from './util.js';

const FILE_SECRET = 'leakcheck-file-6d1e0b7a93c2';
const ENV_SECRET = 'leakcheck-env-c0ffee5eed17';
let work: string;

before(async () => { work = await mkdtemp(join(tmpdir(), 'drydock-leaks-')); });
after(async () => {
  await rm(work, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

test('the scanner finds planted leaks: plain, gzip, zstd, inside a tar, inside a gzipped layer inside a tar', async () => {
  const d = join(work, 'planted');
  await mkdir(join(d, 'layer'), { recursive: true });
  const secret = 'planted-leak-1b2c3d';
  await writeFile(join(d, 'plain.json'), `{"x":"${secret}"}`);
  await writeFile(join(d, 'blob.gz'), gzipSync(Buffer.from(`aaa${secret}bbb`)));
  await writeFile(join(d, 'blob.zst'), execFileSync('zstd', ['-c', '-q'], { input: Buffer.from(`zzz${secret}`) }));
  await writeFile(join(d, 'layer', 'etc-file'), `line\n${secret}\n`);
  execFileSync('tar', ['-C', join(d, 'layer'), '-cf', join(d, 'layer.tar'), 'etc-file']);
  await writeFile(join(d, 'layer.tar.gz'), gzipSync(await readFile(join(d, 'layer.tar'))));
  await rm(join(d, 'layer'), { recursive: true });
  await rm(join(d, 'layer.tar'));
  await mkdir(join(d, 'save'));
  await writeFile(join(d, 'save', 'abc.tar.gz'), await readFile(join(d, 'layer.tar.gz')));
  execFileSync('tar', ['-C', join(d, 'save'), '-cf', join(d, 'save.tar'), 'abc.tar.gz']);
  await rm(join(d, 'save'), { recursive: true });
  await writeFile(join(d, 'clean.txt'), 'nothing to see');
  const hits = (await findLeaks([d], secret)).map((h) => h.slice(d.length + 1)).sort();
  assert.deepEqual(hits, [
    'blob.gz (gunzipped)',
    'blob.zst (zstd)',
    'layer.tar.gz (gunzipped)!etc-file',
    'plain.json',
    'save.tar!abc.tar.gz (gunzipped)!etc-file',
  ]);
});

test('secrets appear in no output, cache export, progress stream, metadata, report or store file', async () => {
  const { root, store } = await storeWith('busybox');
  await writeFile(join(work, 'tok'), FILE_SECRET);
  const ctx = await contextDir({
    Dockerfile: [
      'FROM busybox AS build',
      'RUN --mount=type=secret,id=tok wc -c < /run/secrets/tok > /n && cat /run/secrets/tok > /dev/null',
      'RUN --mount=type=secret,id=envtok,env=API sh -c \'test "${#API}" -gt 0 && echo ok > /ok\'',
      'FROM busybox',
      'COPY --from=build /n /ok /',
      'RUN --mount=type=secret,id=tok,target=/etc/tok cp /etc/passwd /copied',
    ].join('\n'),
  });
  const out = join(work, 'out');
  await mkdir(out);
  const r = await cliBuild(root, [
    '--secret', `id=tok,src=${join(work, 'tok')}`, '--secret', 'id=envtok,env=MY_TOKEN',
    '-t', 'leaks:1', '--progress=rawjson',
    '-o', `type=docker,dest=${join(out, 'docker.tar')}`,
    '-o', `type=oci,dest=${join(out, 'oci.tar')},compression=zstd,force-compression=true`,
    '-o', `type=local,dest=${join(out, 'local')}`,
    '-o', 'type=image',
    '--cache-to', `type=local,dest=${join(out, 'cache-gz')},mode=max`,
    '--cache-to', `type=local,dest=${join(out, 'cache-zst')},mode=max,compression=zstd,force-compression=true`,
    '--metadata-file', join(out, 'metadata.json'),
    '--report', join(out, 'report.html'),
    ctx,
  ], { env: { MY_TOKEN: ENV_SECRET } });
  // The RUNs really had the secrets (so a missing leak is not a missing secret).
  const img = await imageFiles(store, 'leaks:1');
  try {
    assert.equal((await readFile(join(img.dir, 'n'), 'utf8')).trim(), String(FILE_SECRET.length));
    assert.equal(await readFile(join(img.dir, 'ok'), 'utf8'), 'ok\n');
  } finally {
    await img.cleanup();
  }
  // Every kind of output was written, so the scan below covers it.
  for (const f of ['docker.tar', 'oci.tar', 'local/n', 'cache-gz/index.json', 'cache-zst/index.json', 'metadata.json', 'report.html']) {
    await readFile(join(out, f)).catch(() => assert.fail(`${f} was not written`));
  }
  assert.ok((await findLeaks([join(out, 'oci.tar')], 'ok\n')).some((h) => h.includes('(zstd)')), 'the OCI output has zstd layers');
  await writeFile(join(out, 'progress.rawjson'), r.stderr);
  await writeFile(join(out, 'stdout'), r.stdout);
  for (const secret of [FILE_SECRET, ENV_SECRET]) {
    assert.deepEqual(await findLeaks([out, root], secret), [], `${secret} leaked`);
  }
});

/** The config.json files under `dir` holding `needle`, with the type of filesystem each is on. */
async function configsWith(dir: string, needle: string): Promise<Array<{ path: string; fsType: number }>> {
  const hits: Array<{ path: string; fsType: number }> = [];
  for (const b of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, b, 'config.json');
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.includes(needle)) hits.push({ path, fsType: (await statfs(path)).type });
  }
  return hits;
}

test("an env= secret's runc config.json is on a memory filesystem, never on disk", async () => {
  const { root } = await storeWith('busybox');
  // The RUN sleeps: the test looks at its bundle meanwhile, then cancels the build.
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN --mount=type=secret,id=envtok,env=API sleep 60\n' });
  const child = spawnDrydock(['build', '--no-cache', '--secret', 'id=envtok,env=MY_TOKEN', ctx], { root, env: { MY_TOKEN: ENV_SECRET } });
  const exited = new Promise((r) => child.once('exit', r));
  const dirs = [await bundlesRoot(), '/run/drydock/bundles'];
  let hits: Array<{ path: string; fsType: number }> = [];
  for (let i = 0; i < 300 && hits.length === 0; i++) {
    hits = (await Promise.all(dirs.map((d) => configsWith(d, ENV_SECRET)))).flat();
    if (!hits.length) await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGINT');
  await exited;
  assert.ok(hits.length > 0, 'the running RUN has a config.json holding its environment');
  for (const h of hits) assert.equal(h.fsType, 0x01021994, `${h.path} is on tmpfs`);
  assert.deepEqual((await Promise.all(dirs.map((d) => configsWith(d, ENV_SECRET)))).flat(), [], 'the bundle is removed when the build is cancelled');
});
