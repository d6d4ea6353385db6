/**
 * Hostile archives through the paths that use extract.ts directly: `ADD hostile.tar /dest/`
 * (names climbing above the destination stop at it there, as BuildKit's chrootarchive.Untar
 * does), and a build context on stdin (`drydock build - < ctx.tar`, a Dockerfile plus the
 * hostile entries). Each accepted archive is checked in the image's exported rootfs
 * (`-o type=local`, flattened by extract.ts once more); the sentinel outside stays empty and the
 * store passes fsck.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hostileCases, TarBuilder } from '../../helpers/hostile-tars.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { assertNoProblems, assertSentinelEmpty, assertStoreClean, drydock, judge, makeSentinel, pool, removeQuietly, report } from './util.js';

const WIDTH = 3;
const sentinel = makeSentinel();
const cases = hostileCases(sentinel);
let work: string;

before(async () => {
  work = await tmpStoreRoot();
});

after(async () => {
  report();
  await removeTmpStoreRoots();
  removeQuietly(sentinel);
});

describe('hostile archives', () => {
  it('ADD hostile.tar /dest/', async () => {
    const root = await tmpStoreRoot();
    const problems = await pool(WIDTH, cases.map((c) => async () => {
      const ctx = path.join(work, `add-${c.id}`);
      mkdirSync(ctx);
      writeFileSync(path.join(ctx, 'hostile.tar'), c.tar());
      writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nADD hostile.tar /dest/\n');
      const out = path.join(work, `add-out-${c.id}`);
      const r = await drydock(['build', '-q', '-o', `type=local,dest=${out}`, ctx], { root });
      return judge('ADD', c, r, () => ({ root: path.join(out, 'dest'), kind: 'layer' }), true);
    }));
    assertSentinelEmpty(sentinel);
    await assertStoreClean(root);
    assertNoProblems(problems);
  });

  it('a build context on stdin: drydock build - < ctx.tar', async () => {
    const root = await tmpStoreRoot();
    const dockerfile = new TarBuilder().file('Dockerfile', 'FROM scratch\nCOPY . /ctx/\n').done();
    const problems = await pool(WIDTH, cases.map((c) => async () => {
      // The Dockerfile first, then the hostile archive's entries (its end-of-archive marker dropped).
      const input = Buffer.concat([dockerfile.subarray(0, dockerfile.length - 1024), c.tar()]);
      const out = path.join(work, `ctx-out-${c.id}`);
      const r = await drydock(['build', '-q', '-o', `type=local,dest=${out}`, '-'], { root, input });
      return judge('context on stdin', c, r, () => ({ root: path.join(out, 'ctx'), kind: 'layer' }));
    }));
    assertSentinelEmpty(sentinel);
    await assertStoreClean(root);
    assertNoProblems(problems);
  });
});
