/**
 * COPY --link (a layer that does not depend on what is below it: same key and same bytes when
 * the base changes), --parents, --exclude, and --chmod with octal and symbolic modes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../../../src/store/index.js';
import { resolveImage } from '../../../src/image/resolve.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith, contextDir, imageFiles, cliBuild, exists, walk } from './util.js';

let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });
after(removeTmpStoreRoots);

async function diffIDs(ref: string): Promise<string[]> {
  const rec = await store.images.get(ref);
  return (await resolveImage(store, rec!.target)).config.rootfs.diff_ids;
}

test('COPY --link: the layer is cached and identical whatever the base below it', async () => {
  const ctx = await contextDir({
    Dockerfile: `
FROM busybox
ARG BASE=one
RUN echo "$BASE" > /base-marker && mkdir -p /app && echo from-base > /app/keep
COPY --link app/ /app/
COPY --link --chown=1000:1001 app/a.txt /owned
RUN cat /app/a.txt /app/keep /base-marker > /after
`,
    'app/a.txt': 'linked\n',
  });
  await cliBuild(root, ['-t', 'link:1', '--build-arg', 'BASE=one', ctx]);
  const second = await cliBuild(root, ['-t', 'link:2', '--build-arg', 'BASE=two', ctx]);
  // the RUN before re-executed, the link copy did not, the RUN after did (its parent changed)
  assert.match(second.stderr, /COPY --link app\/ \/app\/\n#\d+ CACHED/);
  const [one, two] = [await diffIDs('link:1'), await diffIDs('link:2')];
  const n = one.length;
  assert.notEqual(one[n - 4], two[n - 4], 'the base layers differ');
  assert.equal(one[n - 3], two[n - 3], 'a --link layer must be the same bytes on both bases');
  assert.equal(one[n - 2], two[n - 2]);
  // (its output names the base: two builds within one second would otherwise make the same bytes)
  assert.notEqual(one[n - 1], two[n - 1]);
  const img = await imageFiles(store, 'link:2');
  try {
    assert.equal(await readFile(join(img.dir, 'after'), 'utf8'), 'linked\nfrom-base\ntwo\n');
    assert.equal(await readFile(join(img.dir, 'base-marker'), 'utf8'), 'two\n');
    const owned = await stat(join(img.dir, 'owned'));
    assert.deepEqual([owned.uid, owned.gid], [1000, 1001]);
  } finally { await img.cleanup(); }

});

test('COPY --parents, --exclude and --chmod', async () => {
  const ctx = await contextDir({
    Dockerfile: `
FROM busybox
COPY --parents x/*/file.txt /out/
COPY --parents ./x/./a/file.txt /pivot/
COPY --exclude=*.log --exclude=tmp src/ /ex/
COPY --exclude=**/*.log src/ /ex-deep/
COPY --chmod=640 f /octal
COPY --chmod=u=rwx,g=rx,o= f /symbolic
COPY --chmod=a+x f /plus-x
COPY --chmod=go-rwx,u+X tree/ /tree/
`,
    'x/a/file.txt': 'a\n', 'x/b/file.txt': 'b\n', 'x/b/other.txt': 'other\n',
    'src/keep.txt': 'k\n', 'src/drop.log': 'd\n', 'src/sub/deep.log': 'd\n', 'src/sub/deep.txt': 'k\n', 'src/tmp/t.txt': 't\n',
    f: 'mode test\n',
    'tree/file': 'f\n', 'tree/dir/file': 'g\n',
  });
  for (const p of ['f', 'tree/file', 'tree/dir/file']) await chmod(join(ctx, p), 0o644);
  await chmod(join(ctx, 'tree/dir'), 0o755);
  await cliBuild(root, ['-t', 'copyflags:1', ctx]);
  const img = await imageFiles(store, 'copyflags:1');
  try {
    const rel = async (d: string) => (await walk(join(img.dir, d))).map((p) => p.slice(img.dir.length)).sort();
    assert.deepEqual(await rel('out'), ['/out/x/a/file.txt', '/out/x/b/file.txt']);
    assert.deepEqual(await rel('pivot'), ['/pivot/a/file.txt']);
    // patterns match paths from the source root, as .dockerignore: *.log only at the top
    assert.deepEqual(await rel('ex'), ['/ex/keep.txt', '/ex/sub/deep.log', '/ex/sub/deep.txt']);
    assert.deepEqual(await rel('ex-deep'), ['/ex-deep/keep.txt', '/ex-deep/sub/deep.txt', '/ex-deep/tmp/t.txt']);
    assert.equal(await exists(join(img.dir, 'ex/tmp')), false);
    const mode = async (p: string) => (await stat(join(img.dir, p))).mode & 0o7777;
    assert.equal(await mode('octal'), 0o640);
    assert.equal(await mode('symbolic'), 0o750);
    assert.equal(await mode('plus-x'), 0o755);
    assert.equal(await mode('tree/file'), 0o600);
    assert.equal(await mode('tree/dir'), 0o700);
    assert.equal(await mode('tree/dir/file'), 0o600);
  } finally { await img.cleanup(); }
});
