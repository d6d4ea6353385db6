/**
 * RUN --mount=type=cache|bind|tmpfs end to end: cache directories persist between builds and
 * never reach a layer, honour id, uid/gid/mode, from/source and sharing=locked across parallel
 * stages, and `drydock prune --cache` clears them; bind mounts from the context, a stage and an
 * image, with rw writes thrown away; tmpfs with a size.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../../../src/store/index.js';
import { runDrydock } from '../../helpers/cli.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { fixtureImage } from '../../helpers/fixtures.js';
import { openStore } from '../../../src/store/index.js';
import { storeWith, contextDir, imageFiles, cliBuild, exists } from './util.js';

let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });
after(removeTmpStoreRoots);

async function files(ref: string, paths: string[]): Promise<Record<string, string | undefined>> {
  const img = await imageFiles(store, ref);
  try {
    const out: Record<string, string | undefined> = {};
    for (const p of paths) out[p] = await readFile(join(img.dir, p), 'utf8').catch(() => undefined);
    return out;
  } finally {
    await img.cleanup();
  }
}

test('cache mounts persist between builds, never reach the layer, and prune --cache clears them', async () => {
  const ctx = await contextDir({ Dockerfile: `
FROM busybox AS seed
RUN mkdir -p /seed/sub && echo seeded > /seed/sub/file && chown 1234:5678 /seed/sub/file
FROM busybox
RUN --mount=type=cache,target=/var/cache/app echo run >> /var/cache/app/runs && wc -l < /var/cache/app/runs > /count
RUN --mount=type=cache,target=/c,uid=1000,gid=1001,mode=0750 stat -c '%a %u %g' /c > /cache-perm
RUN --mount=type=cache,id=shared-id,target=/a echo via-a > /a/f
RUN --mount=type=cache,id=shared-id,target=/b,ro cat /b/f > /shared
RUN --mount=type=cache,target=/s,from=seed,source=/seed cat /s/sub/file > /seeded && stat -c %u:%g /s/sub/file > /seeded-owner && echo more >> /s/sub/file
RUN --mount=type=cache,target=/s,from=seed,source=/seed cat /s/sub/file > /seeded-after
` });
  await cliBuild(root, ['-t', 'cache:1', ctx]);
  let f = await files('cache:1', ['count', 'cache-perm', 'shared', 'seeded', 'seeded-owner', 'seeded-after', 'var/cache/app/runs', 'a/f', 's/sub/file']);
  assert.equal(f.count, '1\n');
  assert.equal(f['cache-perm'], '750 1000 1001\n');
  assert.equal(f.shared, 'via-a\n');
  assert.equal(f.seeded, 'seeded\n');
  assert.equal(f['seeded-owner'], '1234:5678\n');
  assert.equal(f['seeded-after'], 'seeded\nmore\n');
  for (const p of ['var/cache/app/runs', 'a/f', 's/sub/file']) assert.equal(f[p], undefined, `${p} leaked into the image`);
  const img = await imageFiles(store, 'cache:1');
  try {
    for (const p of ['var/cache', 'c', 'a', 'b', 's']) assert.equal(await exists(join(img.dir, p)), false, `mount point /${p} left in the image`);
  } finally { await img.cleanup(); }

  // the cache outlives the build: rebuilt without the step cache, the RUN sees its earlier run
  await cliBuild(root, ['-t', 'cache:1', '--no-cache', ctx]);
  f = await files('cache:1', ['count', 'seeded']);
  assert.equal(f.count, '2\n');
  assert.equal(f.seeded, 'seeded\nmore\n');

  const pruned = await runDrydock(['prune', '--cache'], { root });
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /Deleted build cache: \d+ step records, [1-9]\d* cache mounts/);
  assert.deepEqual(await readdir(join(root, 'cache', 'mounts')).catch(() => []), []);
  assert.deepEqual((await readdir(join(root, 'cache', 'steps')).catch(() => [])).filter((n) => n.endsWith('.json')), []);
  const again = await cliBuild(root, ['-t', 'cache:1', ctx]);
  assert.doesNotMatch(again.stderr, /CACHED/, 'step records survived prune --cache');
  f = await files('cache:1', ['count']);
  assert.equal(f.count, '1\n', 'the cache mount survived prune --cache');
});

test('sharing=locked serialises parallel stages on one cache', async () => {
  // each RUN logs when it holds the cache; with the lock the holds never interleave
  const hold = (who: string) => `RUN --mount=type=cache,id=locked-one,target=/c,sharing=locked echo "start ${who}" >> /c/log && sleep 1 && echo "end ${who}" >> /c/log && echo ${who} > /done`;
  const ctx = await contextDir({ Dockerfile: `
FROM busybox AS one
${hold('one')}
FROM busybox AS two
${hold('two')}
FROM busybox
COPY --from=one /done /one
COPY --from=two /done /two
RUN --mount=type=cache,id=locked-one,target=/c,sharing=locked cp /c/log /log
` });
  await cliBuild(root, ['-t', 'locked:1', ctx]);
  const log = (await files('locked:1', ['log'])).log!.trim().split('\n');
  assert.equal(log.length, 4);
  assert.match(log[0]!, /^start (one|two)$/);
  const first = log[0]!.split(' ')[1];
  assert.deepEqual(log.slice(1).map((l) => l.split(' ')), [['end', first], ['start', first === 'one' ? 'two' : 'one'], ['end', first === 'one' ? 'two' : 'one']]);
});

test('sharing=locked also holds across two drydock processes building at once', async () => {
  const hold = (who: string) => `FROM busybox\nRUN --mount=type=cache,id=locked-two,target=/c,sharing=locked echo "start ${who}" >> /c/log && sleep 1 && echo "end ${who}" >> /c/log\n`;
  const [a, b] = [await contextDir({ Dockerfile: hold('a') }), await contextDir({ Dockerfile: hold('b') })];
  await Promise.all([cliBuild(root, [a]), cliBuild(root, [b])]);
  const reader = await contextDir({ Dockerfile: 'FROM busybox\nRUN --mount=type=cache,id=locked-two,target=/c,sharing=locked cp /c/log /log\n' });
  await cliBuild(root, ['-t', 'locked:2', reader]);
  const log = (await files('locked:2', ['log'])).log!.trim().split('\n');
  assert.equal(log.length, 4);
  const first = log[0]!.split(' ')[1]!;
  const second = first === 'a' ? 'b' : 'a';
  assert.deepEqual(log, [`start ${first}`, `end ${first}`, `start ${second}`, `end ${second}`]);
});

test('prune --cache keeps a cache mount a running build is using', async () => {
  const own = await tmpStoreRoot();
  await fixtureImage(await openStore(own), 'busybox', 'busybox:latest');
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN --mount=type=cache,id=busy,target=/c touch /c/started && while [ ! -e /c/go ]; do sleep 0.1; done\n' });
  let failed: unknown;
  const build = cliBuild(own, [ctx]);
  build.catch((e) => { failed = e; });
  const mounts = join(own, 'cache', 'mounts');
  // wait until the RUN is inside its cache mount
  let data: string | undefined;
  while (!data) {
    if (failed) throw failed;
    for (const d of await readdir(mounts).catch(() => [] as string[])) if (await exists(join(mounts, d, 'data', 'started'))) data = join(mounts, d, 'data');
    await new Promise((r) => setTimeout(r, 50));
  }
  const pruned = await runDrydock(['prune', '--cache'], { root: own });
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /, 0 cache mounts/);
  assert.equal(await exists(join(data, 'started')), true);
  await writeFile(join(data, 'go'), '');
  await build;
  assert.match((await runDrydock(['prune', '--cache'], { root: own })).stdout, /, 1 cache mounts/);
  assert.deepEqual(await readdir(mounts), []);
});

test('sharing=private: a cache in use gets a second instance; free again, the first is reused', async () => {
  const ctx = await contextDir({ Dockerfile: `
FROM busybox
RUN --mount=type=cache,id=priv,target=/a,sharing=private --mount=type=cache,id=priv,target=/b,sharing=private echo a > /a/f && (test -e /b/f && echo same || echo distinct) > /instances
RUN --mount=type=cache,id=priv,target=/c,sharing=private cat /c/f > /reused
` });
  await cliBuild(root, ['-t', 'private:1', ctx]);
  const f = await files('private:1', ['instances', 'reused']);
  assert.equal(f.instances, 'distinct\n');
  assert.equal(f.reused, 'a\n');
});

test('bind mounts: context, stage and image sources; rw writes are thrown away', async () => {
  const ctx = await contextDir({
    Dockerfile: `
FROM busybox AS tools
RUN mkdir /out && echo from-stage > /out/msg && chown 42:43 /out/msg
FROM busybox
RUN --mount=type=bind,target=/ctx cat /ctx/data/hello > /from-context && ls /ctx > /context-list
RUN --mount=type=bind,source=data,target=/d,rw echo changed > /d/hello && echo new > /d/new && cat /d/hello > /rw-saw
RUN --mount=type=bind,source=data,target=/d cat /d/hello > /after-rw && (test ! -e /d/new && echo ok > /new-gone) && (echo x > /d/ro 2>/dev/null || echo refused > /ro-write)
RUN --mount=type=bind,from=tools,source=/out,target=/t cat /t/msg > /from-stage
RUN --mount=type=bind,from=tools,source=/out,target=/t,rw stat -c %u:%g /t/msg > /rw-owner && echo x >> /t/msg
RUN --mount=type=bind,from=busybox:latest,source=/bin,target=/bb /bb/busybox true && echo ok > /from-image
`,
    'data/hello': 'hello from context\n',
  });
  await cliBuild(root, ['-t', 'bind:1', ctx]);
  const f = await files('bind:1', ['from-context', 'context-list', 'rw-saw', 'after-rw', 'new-gone', 'ro-write', 'from-stage', 'rw-owner', 'from-image']);
  assert.equal(f['from-context'], 'hello from context\n');
  assert.match(f['context-list']!, /^Dockerfile\ndata\n$/);
  assert.equal(f['rw-saw'], 'changed\n');
  assert.equal(f['after-rw'], 'hello from context\n');
  assert.equal(f['new-gone'], 'ok\n');
  assert.equal(f['ro-write'], 'refused\n');
  assert.equal(f['from-stage'], 'from-stage\n');
  assert.equal(f['rw-owner'], '42:43\n');
  assert.equal(f['from-image'], 'ok\n');
  assert.equal(await readFile(join(ctx, 'data/hello'), 'utf8'), 'hello from context\n', 'rw bind wrote into the context');
  assert.equal(await exists(join(ctx, 'data/new')), false);

  // a changed context file changes the bind-mounting RUN's key
  await writeFile(join(ctx, 'data/hello'), 'edited\n');
  await cliBuild(root, ['-t', 'bind:1', ctx]);
  assert.equal((await files('bind:1', ['from-context']))['from-context'], 'edited\n');

  const missing = await contextDir({ Dockerfile: 'FROM busybox\nRUN --mount=type=bind,source=nope,target=/n true\n' });
  const r = await cliBuild(root, [missing], { expectFail: true });
  assert.match(r.stderr, /Dockerfile:2: .*"\/nope": not found/);
});

test('bind mounts of the context show only what .dockerignore lets in', async () => {
  const ctx = await contextDir({
    Dockerfile: `
FROM busybox
RUN --mount=type=bind,target=/ctx cd /ctx && find . -type f | sort > /seen
RUN --mount=type=bind,source=data,target=/d,rw cd /d && find . -type f | sort > /seen-rw
RUN --mount=type=bind,source=data/keep.txt,target=/k cat /k > /file
`,
    '.dockerignore': 'ignored.txt\ndata/*.log\n',
    'ignored.txt': 'no\n',
    'data/keep.txt': 'yes\n',
    'data/drop.log': 'no\n',
  });
  await cliBuild(root, ['-t', 'bind:2', ctx]);
  const f = await files('bind:2', ['seen', 'seen-rw', 'file']);
  assert.equal(f.seen, './.dockerignore\n./Dockerfile\n./data/keep.txt\n');
  assert.equal(f['seen-rw'], './keep.txt\n');
  assert.equal(f.file, 'yes\n');
});

test('tmpfs mounts: sized, empty, and gone after the step', async () => {
  const ctx = await contextDir({ Dockerfile: `
FROM busybox
RUN --mount=type=tmpfs,target=/scratch,size=2m df -k /scratch | tail -1 | awk '{print $2}' > /size && echo data > /scratch/f && grep -q ' /scratch tmpfs ' /proc/mounts && echo ok > /is-tmpfs
RUN --mount=type=tmpfs,target=/scratch ls -A /scratch | wc -l > /empty-count
` });
  await cliBuild(root, ['-t', 'tmpfs:1', ctx]);
  const f = await files('tmpfs:1', ['size', 'is-tmpfs', 'empty-count', 'scratch/f']);
  assert.equal(f.size, '2048\n');
  assert.equal(f['is-tmpfs'], 'ok\n');
  assert.equal(f['empty-count'], '0\n');
  assert.equal(f['scratch/f'], undefined);
});
