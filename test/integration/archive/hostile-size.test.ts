/**
 * Size attacks through every CLI path that unpacks an archive: a gzip and a zstd stream of 128 MiB
 * of zeros (a few hundred KiB each) against a store on a 64 MiB tmpfs, and a real archive of
 * 100,000 empty files. A bomb must fail with one line saying the disk is full, leave nothing
 * half-written (the tmpfs back at its level before, fsck clean), and the next build must work;
 * the many files must unpack whole in sane time and memory (each run's wall time and peak RSS
 * are recorded for docs/reliability.md).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../../src/store/index.js';
import { MediaType } from '../../../src/image/oci.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { compress, countFiles, digestStream, manyFilesTar, TarBuilder, zerosTar, type HostileCase } from '../../helpers/hostile-tars.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { swapCacheLayers } from './cache-layout.js';
import { busyboxLayer, cacheStage, dockerArchive, gzipLayer, layerFs, pushHostile, storeWithBusybox, type Busybox, type LayerBlob } from './images.js';
import { assertNoProblems, assertStoreClean, drydock, judge, outcomes, pool, report, type Measured } from './util.js';

const BOMB = 128 << 20;
const DISK = '64m';
const MANY = 100_000;
let registry: RegistryFixture;
let work: string;
let busybox: Busybox;

before(async () => {
  work = await tmpStoreRoot();
  registry = await startRegistry();
  busybox = await busyboxLayer(await openStore(await tmpStoreRoot()));
});

after(async () => {
  report();
  await registry?.stop();
  await removeTmpStoreRoots();
});

const build = (root: string, dockerfile: string, extra: string[] = [], env?: Record<string, string>) =>
  drydock(['build', '-q', ...extra, '-'], { root, input: Buffer.from(dockerfile), env, timeoutMs: 180_000 });

/**
 * Every path a layer blob can come in by, `width` at a time; `check` judges each result.
 * `store()` gives the store for each path: one shared (a refused layer is unpacked again each
 * time), or a fresh one each (an accepted layer is unpacked once per store).
 */
async function layerPaths(
  id: string, layer: LayerBlob, rawTar: string, store: () => Promise<string>, cacheDir: string, copySource: string, width: number,
  check: (where: string, r: Measured, fs?: string) => Promise<string | undefined>,
): Promise<Array<string | undefined>> {
  const ref = `${registry.host}/size/${id}:1`;
  const archive = path.join(work, `${id}.docker.tar`);
  writeFileSync(archive, dockerArchive(busybox, layer, `size/${id}:1`));
  const limit = { timeoutMs: 180_000 };
  const at = (where: string, run: (root: string) => Promise<Measured>) => async () => {
    const root = await store();
    return check(where, await run(root), layerFs(root, layer.diffID));
  };
  return pool(width, [
    at('pull', (root) => drydock(['pull', ref], { root, ...limit })),
    at('build FROM (pulled)', (root) => build(root, `FROM ${ref}\nRUN test -d /\n`)),
    at('run', async (root) => {
      const packed = await drydock(['pull', '--no-unpack', ref], { root });
      assert.equal(packed.code, 0, packed.stderr);
      return drydock(['run', ref, 'true'], { root, ...limit });
    }),
    at('load', (root) => drydock(['load', '-i', archive], { root, ...limit })),
    async () => {
      const root = await store();
      const imported = await drydock(['import', rawTar, `imported/${id}:1`], { root, ...limit });
      if (imported.code !== 0) return check('import', imported);
      const b = await build(root, `FROM busybox\nCOPY --from=imported/${id}:1 ${copySource} /copied\n`);
      const s = await openStore(root);
      const img = await resolveImage(s, (await s.images.get(`imported/${id}:1`))!.target);
      return check('import + build', b, layerFs(root, img.config.rootfs.diff_ids[0]!));
    },
    at('--cache-from', (root) => build(root, `${cacheStage(id)}RUN true\n`, ['--cache-from', `type=local,src=${cacheDir}`])),
  ]);
}

/** A cache export holding one record per id, each swapped for its layer. */
async function cacheWith(layers: Map<string, LayerBlob>): Promise<string> {
  const exporter = await storeWithBusybox();
  const dir = path.join(work, `cache-${[...layers.keys()].join('-')}`);
  const ids = [...layers.keys()];
  const all = `${ids.map(cacheStage).join('')}FROM busybox\n${ids.map((id) => `COPY --from=s-${id} /marker /m-${id}\n`).join('')}`;
  const x = await build(exporter, all, ['--cache-to', `type=local,dest=${dir},mode=max`]);
  assert.equal(x.code, 0, x.stderr);
  const swapped = swapCacheLayers(dir, (createdBy) => {
    const id = ids.find((k) => createdBy.includes(`echo ${k} > /marker`));
    return id ? layers.get(id) : undefined;
  });
  assert.equal(swapped, ids.length);
  return dir;
}

function usedBytes(dir: string): number {
  const s = statfsSync(dir);
  return (s.blocks - s.bfree) * s.bsize;
}

describe('archives that expand beyond the disk', () => {
  let small: string;
  before(() => {
    small = path.join(work, 'small');
    mkdirSync(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK}`, 'tmpfs', small]);
  });
  after(() => {
    if (small) execFileSync('umount', ['-l', small]);
  });

  it(`gzip and zstd bombs (${BOMB >> 20} MiB of zeros) against a ${DISK} store: one line, nothing left, the next build works`, async () => {
    const root = await storeWithBusybox(small);
    const tmp = path.join(small, 'tmp');
    mkdirSync(tmp);
    const bombs = new Map<string, LayerBlob>();
    const raw = new Map<string, string>();
    const diffID = await digestStream(zerosTar(BOMB));
    for (const how of ['gzip', 'zstd'] as const) {
      const blob = await compress(zerosTar(BOMB), how);
      const id = `${how}-bomb`;
      bombs.set(id, { blob, diffID, mediaType: how === 'gzip' ? MediaType.OciLayerGzip : MediaType.OciLayerZstd });
      await pushHostile(await openStore(await tmpStoreRoot()), busybox, bombs.get(id)!, `${registry.host}/size/${id}:1`);
      raw.set(id, path.join(work, `${id}.tar.${how === 'gzip' ? 'gz' : 'zst'}`));
      writeFileSync(raw.get(id)!, blob);
    }
    const cacheDir = await cacheWith(bombs);
    const baseline = usedBytes(small);
    const problems: Array<string | undefined> = [];
    for (const [id, layer] of bombs) {
      const c: HostileCase = { id, what: `a ${id.slice(0, 4)} stream of ${BOMB >> 20} MiB of zeros`, tar: () => Buffer.alloc(0), expect: { reject: /no space left on device/i } };
      const check = async (where: string, r: Measured) => {
        const p = await judge(where, c, r);
        // Nothing half-written: the space is back (blobs of the refused image, a few hundred KiB, stay).
        const grown = usedBytes(small) - baseline;
        return p ?? (grown > 4 << 20 ? `${where} × ${id}: ${grown >> 20} MiB left behind on the store's disk` : undefined);
      };
      problems.push(...await layerPaths(id, layer, raw.get(id)!, async () => root, cacheDir, '/zeros', 1, check));
      // ADD of the compressed archive, and a whole context on stdin (extracted under TMPDIR, on the same disk).
      const ctx = path.join(work, `ctx-${id}`);
      mkdirSync(ctx);
      writeFileSync(path.join(ctx, path.basename(raw.get(id)!)), layer.blob);
      writeFileSync(path.join(ctx, 'Dockerfile'), `FROM scratch\nADD ${path.basename(raw.get(id)!)} /dest/\n`);
      problems.push(await check('ADD', await drydock(['build', '-q', ctx], { root, timeoutMs: 180_000 })));
      const dockerfile = new TarBuilder().file('Dockerfile', 'FROM scratch\nCOPY zeros /\n').done();
      const context = await compress(zerosTar(BOMB, dockerfile.subarray(0, dockerfile.length - 1024)), id.startsWith('gzip') ? 'gzip' : 'zstd');
      problems.push(await check('context on stdin', await drydock(['build', '-q', '-'], { root, input: context, env: { TMPDIR: tmp }, timeoutMs: 180_000 })));
    }
    await assertStoreClean(root);
    const next = await build(root, 'FROM busybox\nRUN echo ok > /ok\n');
    assert.equal(next.code, 0, `the next build after the bombs: ${next.stderr}`);
    assertNoProblems(problems);
  });
});

describe(`${MANY.toLocaleString('en')} empty files`, () => {
  it('unpack whole through every path, in sane time and memory', async () => {
    const tar = manyFilesTar(MANY);
    const layer = gzipLayer(tar);
    await pushHostile(await openStore(await tmpStoreRoot()), busybox, layer, `${registry.host}/size/many:1`);
    const rawTar = path.join(work, 'many.tar');
    writeFileSync(rawTar, tar);
    const cacheDir = await cacheWith(new Map([['many', layer]]));
    const c: HostileCase = {
      id: 'many-files', what: `${MANY.toLocaleString('en')} empty files in 100 directories`, tar: () => tar,
      expect: { accept: (fs) => assert.equal(countFiles(path.join(fs, 'many')), MANY) },
    };
    const check = async (where: string, r: Measured, fs?: string) => {
      const p = await judge(where, c, r, () => (fs ? { root: fs, kind: 'layer' } : undefined));
      const o = outcomes.filter((x) => x.path === where && x.id === c.id).at(-1)!;
      o.result += ` (${(r.ms / 1000).toFixed(1)} s, ${r.cpuS.toFixed(1)} s CPU, ${r.peakMiB} MiB)`;
      return p ?? (r.peakMiB > 1024 ? `${where} × many-files: peak RSS ${r.peakMiB} MiB` : undefined);
    };
    const problems = await layerPaths('many', layer, rawTar, () => storeWithBusybox(), cacheDir, '/many/d0/f0', 2, check);
    const root = await storeWithBusybox();
    // ADD, and a context on stdin (counted inside a RUN: no copy of 100,000 files to export).
    const count = (dir: string) => `test "$(find ${dir} -type f | wc -l)" = ${MANY}`;
    const ctx = path.join(work, 'ctx-many');
    mkdirSync(ctx);
    writeFileSync(path.join(ctx, 'many.tar'), tar);
    writeFileSync(path.join(ctx, 'Dockerfile'), `FROM busybox\nADD many.tar /m/\nRUN ${count('/m/many')}\n`);
    const [add, stdin] = await pool(2, [
      () => drydock(['build', '-q', ctx], { root, timeoutMs: 180_000 }),
      () => drydock(['build', '-q', '-'], {
        root, timeoutMs: 180_000,
        input: Buffer.concat([new TarBuilder().file('Dockerfile', `FROM busybox\nRUN --mount=type=bind,target=/m ${count('/m/many')}\n`).done().subarray(0, -1024), tar]),
      }),
    ]);
    problems.push(await check('ADD', add!), await check('context on stdin', stdin!));
    await assertStoreClean(root);
    assertNoProblems(problems);
  });
});
