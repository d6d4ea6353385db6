/**
 * Hostile layers through every CLI path that unpacks an image's layers (GNU tar's path,
 * src/archive/gnu.ts, and extract.ts where it falls back): pulled from the loopback registry
 * (`pull`, a `build` FROM it with `-o type=local`, `run`), `load` of a docker-archive then a
 * build, `import` then a build, and a layer swapped into a `--cache-from type=local` cache.
 * For each input: refused with one clear line, or accepted with everything inside the layer;
 * the sentinel outside stays empty and every store passes fsck. ADD and stdin contexts are in
 * hostile-files.test.ts, sizes and bombs in hostile-size.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { diffIDOf, hostileCases, TarBuilder, type HostileCase } from '../../helpers/hostile-tars.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { swapCacheLayers } from './cache-layout.js';
import { busyboxLayer, cacheStage, dockerArchive, gzipLayer, hasLayer, layerFs, pushHostile, pushLayers, storeWithBusybox } from './images.js';
import { assertNoProblems, assertSentinelEmpty, assertStoreClean, drydock, judge, makeSentinel, pool, removeQuietly, report } from './util.js';

const WIDTH = 3;
const sentinel = makeSentinel();
const cases = hostileCases(sentinel);
const tars = new Map(cases.map((c) => [c.id, c.tar()]));
let registry: RegistryFixture;
let work: string;

before(async () => {
  work = await tmpStoreRoot();
  registry = await startRegistry();
  const src = await openStore(await tmpStoreRoot());
  const busybox = await busyboxLayer(src);
  for (const c of cases) {
    const layer = gzipLayer(tars.get(c.id)!);
    await pushHostile(src, busybox, layer, `${registry.host}/hostile/${c.id}:1`);
    writeFileSync(path.join(work, `${c.id}.docker.tar`), dockerArchive(busybox, layer, `hostile/${c.id}:1`));
    writeFileSync(path.join(work, `${c.id}.tar`), tars.get(c.id)!);
  }
  // One layer that claims busybox's diffID but holds something else.
  const poison = gzipLayer(new TarBuilder().file('poisoned', 'yes').done());
  await pushLayers(src, [{ ...poison, diffID: busybox.diffID }], `${registry.host}/hostile/liar:1`);
});

after(async () => {
  report();
  await registry?.stop();
  await removeTmpStoreRoots();
  removeQuietly(sentinel);
});

/** A refused layer is named in the error (a pull or a build may unpack many): undefined when it is, or accepted. */
function named(where: string, c: HostileCase, r: { code: number; stderr: string }): string | undefined {
  return r.code !== 0 && !/layer sha256:[0-9a-f]{64}/.test(r.stderr) ? `${where} × ${c.id}: the error does not name the layer: ${r.stderr.trim()}` : undefined;
}

const build = (root: string, dockerfile: string, extra: string[] = []) => drydock(['build', '-q', ...extra, '-'], { root, input: Buffer.from(dockerfile) });

describe('hostile layers', () => {
  it('from the registry: drydock pull', async () => {
    const root = await tmpStoreRoot();
    const problems = await pool(WIDTH, cases.map((c) => async () => {
      const r = await drydock(['pull', `${registry.host}/hostile/${c.id}:1`], { root });
      return named('pull', c, r) ?? judge('pull', c, r, () => ({ root: layerFs(root, diffIDOf(tars.get(c.id)!)), kind: 'layer' }));
    }));
    assertSentinelEmpty(sentinel);
    await assertStoreClean(root);
    assertNoProblems(problems);
  });

  it('from the registry: drydock build FROM it (-o type=local), then drydock run', async () => {
    const root = await tmpStoreRoot();
    const problems = await pool(WIDTH, cases.map((c) => async () => {
      const ref = `${registry.host}/hostile/${c.id}:1`;
      const out = path.join(work, `out-${c.id}`);
      const b = await build(root, `FROM ${ref}\nRUN true\n`, ['-o', `type=local,dest=${out}`]);
      const built = await judge('build FROM (pulled)', c, b, () => ({ root: layerFs(root, diffIDOf(tars.get(c.id)!)), kind: 'layer' }));
      // The exported rootfs (flattened by extract.ts) holds the same tree.
      const exported = built || b.code !== 0 ? undefined : await judge('build -o type=local', c, b, () => ({ root: out, kind: 'layer' }));
      const r = await drydock(['run', ref, 'true'], { root });
      const ran = await judge('run', c, r, () => ({ root: layerFs(root, diffIDOf(tars.get(c.id)!)), kind: 'layer' }));
      return [built, exported, ran];
    }));
    assertSentinelEmpty(sentinel);
    await assertStoreClean(root);
    assertNoProblems(problems.flat());
  });

  it('drydock load of a docker-archive, then a build FROM it', async () => {
    const root = await tmpStoreRoot();
    const problems = await pool(WIDTH, cases.map((c) => async () => {
      const tree = () => ({ root: layerFs(root, diffIDOf(tars.get(c.id)!)), kind: 'layer' as const });
      const l = await drydock(['load', '-i', path.join(work, `${c.id}.docker.tar`)], { root });
      if (l.code !== 0) return named('load', c, l) ?? judge('load', c, l);
      return judge('load + build FROM', c, await build(root, `FROM hostile/${c.id}:1\nRUN true\n`), tree);
    }));
    assertSentinelEmpty(sentinel);
    await assertStoreClean(root);
    assertNoProblems(problems);
  });

  it('drydock import of the tar as a rootfs, then a build that copies from it', async () => {
    const root = await storeWithBusybox();
    const store = await openStore(root);
    const problems = await pool(WIDTH, cases.map((c) => async () => {
      const ref = `imported/${c.id}:1`;
      const i = await drydock(['import', path.join(work, `${c.id}.tar`), ref], { root });
      if (i.code !== 0) return judge('import', c, i);
      const b = await build(root, `FROM busybox\nCOPY --from=${ref} / /imported/\n`);
      let fs: string | undefined;
      if (b.code === 0) {
        const img = await resolveImage(store, (await store.images.get(ref))!.target);
        fs = layerFs(root, img.config.rootfs.diff_ids[0]!);
      }
      return judge('import + build', c, b, () => (fs ? { root: fs, kind: 'layer' } : undefined));
    }));
    assertSentinelEmpty(sentinel);
    await assertStoreClean(root);
    assertNoProblems(problems);
  });

  it('a layer that is not the diffID its config claims (busybox\'s) is refused, and poisons no later build', async () => {
    const root = await storeWithBusybox(); // busybox tagged, its layer not unpacked yet
    const c: HostileCase = {
      id: 'wrong-diffid', what: 'a layer whose content is not the diffID its image config claims (another image\'s)', tar: () => Buffer.alloc(0),
      expect: { reject: /does not match|diffID/ },
    };
    const problems = [await judge('pull', c, await drydock(['pull', `${registry.host}/hostile/liar:1`], { root }))];
    problems.push(await judge('build FROM (pulled)', c, await build(root, `FROM ${registry.host}/hostile/liar:1\nRUN true\n`)));
    const honest = await build(root, 'FROM busybox\nRUN test ! -e /poisoned\n');
    assert.equal(honest.code, 0, `busybox's layer was replaced by the liar's: ${honest.stderr}`);
    await assertStoreClean(root);
    assertNoProblems(problems);
  });

  it('--cache-from type=local with a hostile layer swapped into the cache', async () => {
    // One cache for every case: a stage per case whose RUN's layer is replaced by the hostile one.
    const stage = (c: HostileCase) => cacheStage(c.id);
    const exporter = await storeWithBusybox();
    const cacheDir = path.join(work, 'cache');
    const all = `${cases.map(stage).join('')}FROM busybox\n${cases.map((c) => `COPY --from=s-${c.id} /marker /m-${c.id}\n`).join('')}`;
    const x = await build(exporter, all, ['--cache-to', `type=local,dest=${cacheDir},mode=max`]);
    assert.equal(x.code, 0, x.stderr);
    const swapped = swapCacheLayers(cacheDir, (createdBy) => {
      const c = cases.find((k) => createdBy.includes(`echo ${k.id} > /marker`));
      return c && gzipLayer(tars.get(c.id)!);
    });
    assert.equal(swapped, cases.length);

    const root = await storeWithBusybox();
    const problems = await pool(WIDTH, cases.map((c) => async () => {
      const b = await build(root, `${stage(c)}RUN true\n`, ['--cache-from', `type=local,src=${cacheDir}`]);
      // The RUN that the cache answered must really have come from it (the hostile layer).
      if (b.code === 0 && !hasLayer(root, diffIDOf(tars.get(c.id)!))) return `cache × ${c.id}: the cache was not used`;
      return named('--cache-from', c, b) ?? judge('--cache-from', c, b, () => ({ root: layerFs(root, diffIDOf(tars.get(c.id)!)), kind: 'layer' }));
    }));
    assertSentinelEmpty(sentinel);
    await assertStoreClean(root);
    assertNoProblems(problems);
  });
});
