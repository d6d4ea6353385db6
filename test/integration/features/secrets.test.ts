/**
 * RUN --mount=type=secret with `drydock build --secret`: the file (default /run/secrets/<id>,
 * 0400 root), env= secrets, mode/uid/gid, required, and the promise that the secret's bytes
 * appear nowhere: not in any blob (compressed or not), the step cache, the image config or
 * history, nor in the progress output; and that they are not part of the cache key.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Store } from '../../../src/store/index.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { storeWith, contextDir, imageFiles, cliBuild, filesContaining, exists } from './util.js';

const FILE_SECRET = 'file-secret-4f9c2e71d0b8';
const ENV_SECRET = 'env-secret-a73b19e5c2d4';
let root: string;
let store: Store;
let secretDir: string;

before(async () => {
  ({ root, store } = await storeWith('busybox'));
  secretDir = await mkdtemp(join(tmpdir(), 'drydock-secret-src-'));
  await writeFile(join(secretDir, 'token'), FILE_SECRET);
});
after(async () => {
  await rm(secretDir, { recursive: true, force: true });
  await removeTmpStoreRoots();
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
// The Dockerfile (and so history) holds only digests of the secrets, to compare them inside the RUN.
const DOCKERFILE = `
FROM busybox
RUN --mount=type=secret,id=token test "$(sha256sum < /run/secrets/token | cut -d' ' -f1)" = "${sha256(FILE_SECRET)}" && stat -c '%a %u %g' /run/secrets/token > /perm-default
RUN --mount=type=secret,id=token,target=/etc/app/tok,mode=0440,uid=1000,gid=1001 stat -c '%a %u %g' /etc/app/tok > /perm-custom && cat /etc/app/tok | wc -c > /size
RUN --mount=type=secret,id=envtok,env=API_TOKEN test "$(printf %s "$API_TOKEN" | sha256sum | cut -d' ' -f1)" = "${sha256(ENV_SECRET)}" && test ! -e /run/secrets/envtok && echo ok > /env-ok
RUN --mount=type=secret,id=absent,env=ABSENT ls /run/secrets > /absent-ls 2>&1; echo "[$ABSENT]" > /absent-env
RUN ls -a /run > /run-after; ls /etc > /etc-after
`;

test('secret files and env secrets reach the RUN and nothing else', async () => {
  const ctx = await contextDir({ Dockerfile: DOCKERFILE });
  const r = await cliBuild(root, ['-t', 'secrets:1', '--secret', `id=token,src=${join(secretDir, 'token')}`, '--secret', 'id=envtok,env=MY_TOKEN', ctx], { env: { MY_TOKEN: ENV_SECRET } });

  const img = await imageFiles(store, 'secrets:1');
  try {
    const read = (p: string) => readFile(join(img.dir, p), 'utf8');
    assert.equal(await read('perm-default'), '400 0 0\n');
    assert.equal(await read('perm-custom'), '440 1000 1001\n');
    assert.equal((await read('size')).trim(), String(FILE_SECRET.length));
    assert.equal(await read('env-ok'), 'ok\n');
    // an optional secret the build was not given: no file, no variable
    assert.match(await read('absent-ls'), /No such file or directory/);
    assert.equal(await read('absent-env'), '[]\n');
    // mount points leave nothing behind: no /run/secrets, no /etc/app
    assert.equal(await exists(join(img.dir, 'run/secrets')), false);
    assert.equal(await exists(join(img.dir, 'etc/app')), false);
    assert.doesNotMatch(await read('etc-after'), /^app$/m);
    assert.doesNotMatch(JSON.stringify(img.config), new RegExp(`${FILE_SECRET}|${ENV_SECRET}`));
  } finally {
    await img.cleanup();
  }
  for (const secret of [FILE_SECRET, ENV_SECRET]) {
    assert.deepEqual(await filesContaining(root, secret), [], `${secret} was written into the store`);
    assert.equal(r.stderr.includes(secret), false, 'the secret shows in the progress output');
    assert.equal(r.stdout.includes(secret), false);
  }
});

test('a secret is not part of the cache key: new secret values reuse the cached steps', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN --mount=type=secret,id=k,required cat /run/secrets/k > /dev/null && date +%s%N > /stamp\n' });
  const other = join(secretDir, 'other');
  await writeFile(other, 'first-value');
  const first = await cliBuild(root, ['-t', 'secrets:2', '--secret', `id=k,src=${other}`, ctx]);
  assert.match(first.stderr, /RUN --mount=type=secret,id=k,required/);
  assert.doesNotMatch(first.stderr, /CACHED/);
  await writeFile(other, 'second-value');
  const second = await cliBuild(root, ['-t', 'secrets:2', '--secret', `id=k,src=${other}`, ctx]);
  assert.match(second.stderr, /CACHED/);
});

test('a required secret the build was not given fails the step with a clear error', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN --mount=type=secret,id=npmrc,required=true cat /run/secrets/npmrc\n' });
  const r = await cliBuild(root, [ctx], { expectFail: true });
  assert.match(r.stderr, /Dockerfile:2: secret npmrc: not found/);
});

test('--secret values are checked before the build starts', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN true\n' });
  const missing = await cliBuild(root, ['--secret', 'id=a,src=/nonexistent/file', ctx], { expectFail: true });
  assert.match(missing.stderr, /secret a: failed to stat \/nonexistent\/file: no such file or directory/);
  const bad = await cliBuild(root, ['--secret', 'id=a,colour=red', ctx], { expectFail: true });
  assert.match(bad.stderr, /invalid secret "id=a,colour=red": unexpected key 'colour'/);
  const big = join(secretDir, 'big');
  await writeFile(big, Buffer.alloc(500 * 1024 + 1, 0x61));
  const tooBig = await cliBuild(root, ['--secret', `id=big,src=${big}`, ctx], { expectFail: true });
  assert.match(tooBig.stderr, /secret big too big\. max size 500KB/);
});
