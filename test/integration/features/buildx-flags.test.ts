/**
 * `docker buildx build` flags through the CLI. For RUN containers: `--add-host` (lines in
 * /etc/hosts), `--shm-size` (the /dev/shm tmpfs), `--ulimit` (the process's rlimits), each part
 * of the RUN's cache key as in BuildKit's ExecOp. For outputs: `--push`, `--load`, `--annotation`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/index.js';
import { hostPlatform, type Index, type Manifest } from '../../../src/image/oci.js';
import { startRegistry } from '../../helpers/registry.js';
import type { Store } from '../../../src/store/index.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { runDrydock } from '../../helpers/cli.js';
import { storeWith, contextDir, imageFiles, cliBuild } from './util.js';

const run = promisify(execFile);

let root: string;
let store: Store;
before(async () => { ({ root, store } = await storeWith('busybox')); });
after(removeTmpStoreRoots);

async function imageFile(tag: string, path: string): Promise<string> {
  const img = await imageFiles(store, tag);
  try {
    return await readFile(join(img.dir, path), 'utf8');
  } finally { await img.cleanup(); }
}

test('--add-host: each mapping is a line of /etc/hosts in RUN, after the defaults, and never in the layer', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN cat /etc/hosts > /hosts.txt\n' });
  await cliBuild(root, ['-t', 'hosts:1', '--add-host', 'db.internal:10.1.2.3', '--add-host', 'Cache=[2001:db8:0:0:0:0:0:1]', '--add-host', 'gw:host-gateway', ctx]);
  assert.equal(await imageFile('hosts:1', 'hosts.txt'),
    '127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n10.1.2.3\tdb.internal\n2001:db8::1\tcache\n127.0.0.1\tgw\n');
  const img = await imageFiles(store, 'hosts:1');
  try {
    // the bind-mounted file is not part of the image (busybox has an /etc/hosts of its own or none)
    const inImage = await readFile(join(img.dir, 'etc/hosts'), 'utf8').catch(() => '');
    assert.doesNotMatch(inImage, /db\.internal/);
  } finally { await img.cleanup(); }

  // another mapping is another RUN: not a cache hit on the first build
  await cliBuild(root, ['-t', 'hosts:2', '--add-host', 'db.internal=10.9.9.9', ctx]);
  assert.match(await imageFile('hosts:2', 'hosts.txt'), /^10\.9\.9\.9\tdb\.internal$/m);

  const bad = await runDrydock(['build', '--add-host', 'nohost', ctx], { root });
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /invalid --add-host "nohost"/);
  const badIP = await runDrydock(['build', '--add-host', 'a:999.1.1.1', ctx], { root });
  assert.match(badIP.stderr, /"999\.1\.1\.1" is not an IP address/);
});

test('--shm-size: /dev/shm in RUN is a tmpfs of that size (64 MiB without it)', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN grep " /dev/shm " /proc/mounts > /shm.txt && df -k /dev/shm | tail -n 1 > /df.txt\n' });
  await cliBuild(root, ['-t', 'shm:default', ctx]);
  assert.match(await imageFile('shm:default', 'shm.txt'), /size=65536k/);
  await cliBuild(root, ['-t', 'shm:1', '--shm-size', '256m', ctx]);
  const mounts = await imageFile('shm:1', 'shm.txt');
  assert.match(mounts, /^tmpfs \/dev\/shm tmpfs rw,nosuid,(relatime,)?size=262144k /);
  assert.equal(mounts.trim().split('\n').length, 1, 'one mount at /dev/shm, replacing the default');
  assert.equal((await imageFile('shm:1', 'df.txt')).trim().split(/\s+/)[1], '262144');

  const bad = await runDrydock(['build', '--shm-size', 'lots', ctx], { root });
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /invalid --shm-size "lots"/);
});

test('--ulimit: RUN gets the soft and hard limits; nofile keeps its default unless given', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo "$(ulimit -n) $(ulimit -Hn) $(ulimit -u) $(ulimit -Hu) $(ulimit -c)" > /limits.txt\n' });
  await cliBuild(root, ['-t', 'ulimit:default', ctx]);
  const [nofile] = (await imageFile('ulimit:default', 'limits.txt')).trim().split(' ');
  await cliBuild(root, ['-t', 'ulimit:1', '--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=300', '--ulimit', 'core=-1', ctx]);
  assert.equal((await imageFile('ulimit:1', 'limits.txt')).trim(), '1024 2048 300 300 unlimited');
  await cliBuild(root, ['-t', 'ulimit:2', '--ulimit', 'nproc=400:500', ctx]);
  const [n2, , u2, hu2] = (await imageFile('ulimit:2', 'limits.txt')).trim().split(' ');
  assert.deepEqual([n2, u2, hu2], [nofile, '400', '500']);

  const bad = await runDrydock(['build', '--ulimit', 'nofile=10:5', ctx], { root });
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /soft limit must be less than or equal to the hard limit/);
  const badType = await runDrydock(['build', '--ulimit', 'files=10', ctx], { root });
  assert.match(badType.stderr, /unknown type "files"/);
});

test('--push sends the image to its -t names without storing it; --load stores it too; --push alone needs a name', async () => {
  const registry = await startRegistry();
  try {
    const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo pushed > /pushed.txt\n' });
    const ref = `${registry.host}/flags/push:1`;
    await cliBuild(root, ['-t', ref, '--push', ctx]);
    assert.equal(await store.images.get(ref), undefined, '--push alone does not write the local store');
    // pulled into another store, the image is the one built
    const other = await tmpStoreRoot();
    const pulled = await runDrydock(['pull', ref], { root: other });
    assert.equal(pulled.code, 0, pulled.stderr);
    const otherStore = await openStore(other);
    const img = await imageFiles(otherStore, ref);
    try {
      assert.equal(await readFile(join(img.dir, 'pushed.txt'), 'utf8'), 'pushed\n');
    } finally { await img.cleanup(); }

    // --push --load: pushed and stored, the same manifest
    const ref2 = `${registry.host}/flags/push:2`;
    await cliBuild(root, ['-t', ref2, '--push', '--load', ctx]);
    const stored = await store.images.get(ref2);
    assert.ok(stored, '--load stored the image');
    const pulled2 = await runDrydock(['pull', ref2], { root: other });
    assert.equal(pulled2.code, 0, pulled2.stderr);
    assert.equal((await otherStore.images.get(ref2))?.target.digest, stored.target.digest);

    // with -o type=image, --push makes that output push (one push, to the -t name)
    const ref3 = `${registry.host}/flags/push:3`;
    await cliBuild(root, ['-t', ref3, '-o', 'type=image', '--push', ctx]);
    assert.ok(await store.images.get(ref3));
    assert.equal((await runDrydock(['pull', ref3], { root: other })).code, 0);

    const noName = await runDrydock(['build', '--push', ctx], { root });
    assert.equal(noName.code, 1, noName.stderr);
    assert.match(noName.stderr, /--push needs a name/);
  } finally { await registry.stop(); }
});

test('--load with another output also writes the local store', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo loaded > /loaded.txt\n' });
  const dest = await mkdtemp(join(tmpdir(), 'drydock-load-'));
  await cliBuild(root, ['-t', 'loaded:1', '-o', `type=local,dest=${dest}`, ctx]);
  assert.equal(await store.images.get('loaded:1'), undefined, 'an explicit -o replaces the store');
  await cliBuild(root, ['-t', 'loaded:2', '-o', `type=local,dest=${dest}`, '--load', ctx]);
  assert.equal(await readFile(join(dest, 'loaded.txt'), 'utf8'), 'loaded\n');
  assert.equal(await imageFile('loaded:2', 'loaded.txt'), 'loaded\n');
});

test('--annotation: manifest annotations in the stored, archived and pushed manifest; manifest-descriptor ones on its descriptor; the image ID unchanged', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo a > /a\n' });
  const dir = await mkdtemp(join(tmpdir(), 'drydock-ann-'));
  const host = hostPlatform();
  const other = host.architecture === 'arm64' ? 'amd64' : 'arm64';
  await cliBuild(root, ['-t', 'ann:plain', '--iidfile', join(dir, 'plain.iid'), ctx]);
  await cliBuild(root, ['-t', 'ann:1', '--iidfile', join(dir, 'ann.iid'), '-o', 'type=image', '-o', `type=oci,dest=${join(dir, 'ann.tar')}`,
    '--annotation', 'org.opencontainers.image.source=https://example.com/repo',
    '--annotation', 'manifest-descriptor:com.example.desc=d',
    '--annotation', `manifest[linux/${host.architecture}]:com.example.mine=yes`,
    '--annotation', `manifest[linux/${other}]:com.example.other=no`,
    ctx]);
  assert.equal(await readFile(join(dir, 'ann.iid'), 'utf8'), await readFile(join(dir, 'plain.iid'), 'utf8'), 'annotations leave the config alone');

  const rec = (await store.images.get('ann:1'))!;
  const manifest = await store.content.readJSON<Manifest>(rec.target.digest);
  assert.deepEqual(manifest.annotations, { 'org.opencontainers.image.source': 'https://example.com/repo', 'com.example.mine': 'yes' });
  assert.deepEqual(rec.target.annotations, { 'com.example.desc': 'd' });
  assert.equal((await store.images.get('ann:plain'))!.target.annotations, undefined);

  await run('tar', ['-xf', join(dir, 'ann.tar'), '-C', dir]);
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as Index;
  assert.equal(index.manifests[0]!.digest, rec.target.digest, 'the archive holds the same annotated manifest');
  assert.equal(index.manifests[0]!.annotations?.['com.example.desc'], 'd');
  assert.equal(index.manifests[0]!.annotations?.['io.containerd.image.name'], 'docker.io/library/ann:1');

  // pushed: the registry serves the annotated manifest
  const registry = await startRegistry();
  try {
    const ref = `${registry.host}/flags/ann:1`;
    await cliBuild(root, ['-t', ref, '--push', '--annotation', 'com.example.pushed=1', ctx]);
    const otherRoot = await tmpStoreRoot();
    const pulled = await runDrydock(['pull', ref], { root: otherRoot });
    assert.equal(pulled.code, 0, pulled.stderr);
    const otherStore = await openStore(otherRoot);
    const m = await otherStore.content.readJSON<Manifest>((await otherStore.images.get(ref))!.target.digest);
    assert.deepEqual(m.annotations, { 'com.example.pushed': '1' });
  } finally { await registry.stop(); }

  // index annotations have no index to go on in a single-platform export (BuildKit's error)
  const bad = await runDrydock(['build', '--annotation', 'index:foo=bar', ctx], { root });
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /index annotations not supported for single platform export/);
  const badType = await runDrydock(['build', '--annotation', 'layer:foo=bar', ctx], { root });
  assert.match(badType.stderr, /unknown annotation type "layer"/);
});
