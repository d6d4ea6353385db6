/**
 * zstd layers end to end through the CLI: pushed to a registry, pulled as a build's base, built
 * on (a RUN unpacks them) and pushed again; stored (`-o type=image,compression=zstd`) and read
 * back; written by skopeo and read by drydock; read by skopeo and podman. Docker 20.10's `docker
 * load` cannot read zstd, so `-o type=docker,compression=zstd` is refused in one line.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { runDrydock } from '../../helpers/cli.js';
import { openStore } from '../../../src/store/index.js';
import type { Manifest } from '../../../src/image/oci.js';
import { contextDir, machine } from '../cache/util.js';
import { tool } from './fixtures.js';

const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';

let registry: RegistryFixture;
let out: string;
before(async () => {
  registry = await startRegistry();
  out = await mkdtemp(join(tmpdir(), 'drydock-zstd-'));
});
after(async () => {
  await registry?.stop();
  await removeTmpStoreRoots();
  await rm(out, { recursive: true, force: true });
});

async function drydock(root: string, args: string[]): Promise<string> {
  const r = await runDrydock(args, { root });
  assert.equal(r.code, 0, `drydock ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function remoteManifest(ref: string): Promise<Manifest> {
  return JSON.parse(await tool('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`])) as Manifest;
}

/**
 * podman, in a private store, stores `image` (from the loopback registry or an archive: it unpacks
 * every layer) and copies `file` out of a container made from it. No process runs: this sandbox
 * refuses podman's rlimits.
 */
async function podmanRead(image: string, file: string): Promise<string> {
  // podman refuses a --runroot over 50 characters: a short temp dir of its own.
  const proot = await mkdtemp(join(tmpdir(), 'pm-'));
  const p = ['--root', join(proot, 'root'), '--runroot', join(proot, 'run'), '--storage-driver', 'vfs'];
  try {
    await tool('podman', [...p, 'pull', '--tls-verify=false', image]);
    const ctr = (await tool('podman', [...p, 'create', image, 'true'])).trim();
    await tool('podman', [...p, 'cp', `${ctr}:${file}`, join(proot, 'out')]);
    const text = await readFile(join(proot, 'out'), 'utf8');
    await tool('podman', [...p, 'rm', ctr]);
    return text;
  } finally {
    await rm(proot, { recursive: true, force: true, maxRetries: 3 });
  }
}

test('zstd through a registry: pushed, pulled as a base on an empty store, built on, pushed again; skopeo and podman read it', async () => {
  const base = `${registry.host}/zstd/base:1`;
  const app = `${registry.host}/zstd/app:1`;
  const a = await machine();
  await drydock(a, ['build', '--progress=plain', '-o', `type=registry,name=${base},compression=zstd,force-compression=true`,
    await contextDir({ Dockerfile: 'FROM busybox\nRUN echo base > /base.txt\n' })]);
  const bm = await remoteManifest(base);
  assert.ok(bm.layers.length >= 2 && bm.layers.every((l) => l.mediaType === ZSTD), JSON.stringify(bm.layers));

  // An empty store: the zstd base is pulled, unpacked under a RUN, and its layers pushed as they are.
  const b = await tmpStoreRoot();
  await drydock(b, ['build', '--progress=plain', '-o', `type=registry,name=${app},compression=zstd`,
    await contextDir({ Dockerfile: `FROM ${base}\nRUN cat /base.txt > /app.txt && echo app >> /app.txt\n` })]);
  const am = await remoteManifest(app);
  assert.deepEqual(am.layers.slice(0, -1), bm.layers, 'the base layers are sent as pulled, not recompressed');
  assert.equal(am.layers.at(-1)!.mediaType, ZSTD);
  await tool('skopeo', ['copy', '--src-tls-verify=false', `docker://${app}`, `dir:${join(out, 'skopeo-dir')}`]); // verifies every digest
  assert.equal(await podmanRead(app, '/app.txt'), 'base\napp\n');

  // For `docker load` (20.10 reads no zstd), the zstd base layers go as gzip.
  await drydock(b, ['build', '--progress=plain', '-o', `type=docker,dest=${join(out, 'd.tar')}`,
    await contextDir({ Dockerfile: `FROM ${base}\nRUN cat /base.txt > /app.txt && echo app >> /app.txt\n` })]);
  const unpacked = join(out, 'd');
  await mkdir(unpacked);
  await tool('tar', ['-xf', join(out, 'd.tar'), '-C', unpacked]);
  const [entry] = JSON.parse(await readFile(join(unpacked, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
  for (const l of entry!.Layers) {
    const magic = (await readFile(join(unpacked, l))).subarray(0, 2).toString('hex');
    assert.equal(magic, '1f8b', `${l} is gzip, not zstd`);
  }
  await tool('skopeo', ['copy', `docker-archive:${join(out, 'd.tar')}`, `dir:${join(out, 'docker-dir')}`]); // every digest checked

  // drydock reads its own zstd back: a third, empty store builds on the app image.
  const c = await tmpStoreRoot();
  await drydock(c, ['build', '--progress=plain', '-o', `type=local,dest=${join(out, 'fs')}`,
    await contextDir({ Dockerfile: `FROM ${app}\nRUN cp /app.txt /again.txt\n` })]);
  assert.equal(await readFile(join(out, 'fs', 'again.txt'), 'utf8'), 'base\napp\n');
});

test('zstd written by skopeo (another encoder) is pulled and built on by drydock', async () => {
  const a = await machine();
  const archive = join(out, 'gz.tar');
  await drydock(a, ['build', '--progress=plain', '-o', `type=oci,dest=${archive},name=sk:1`, await contextDir({ Dockerfile: 'FROM busybox\nRUN echo sk > /sk.txt\n' })]);
  const ref = `${registry.host}/zstd/skopeo:1`;
  await tool('skopeo', ['copy', '--dest-tls-verify=false', '--dest-compress-format', 'zstd', `oci-archive:${archive}`, `docker://${ref}`]);
  assert.ok((await remoteManifest(ref)).layers.every((l) => l.mediaType === ZSTD));
  const b = await tmpStoreRoot();
  await drydock(b, ['build', '--progress=plain', '-o', `type=local,dest=${join(out, 'sk')}`,
    await contextDir({ Dockerfile: `FROM ${ref}\nRUN cp /sk.txt /sk2.txt\n` })]);
  assert.equal(await readFile(join(out, 'sk', 'sk2.txt'), 'utf8'), 'sk\n');
});

test('-o type=image,compression=zstd stores zstd layers that later builds and `save` read; type=docker,compression=zstd is refused', async () => {
  const root = await machine();
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nRUN echo local > /l.txt\n' });
  await drydock(root, ['build', '--progress=plain', '-o', 'type=image,name=zlocal:1,compression=zstd', ctx]);
  const store = await openStore(root);
  const m = JSON.parse((await store.content.readBytes((await store.images.get('zlocal:1'))!.target.digest)).toString()) as Manifest;
  assert.equal(m.layers.at(-1)!.mediaType, ZSTD);
  assert.notEqual(m.layers[0]!.mediaType, ZSTD, 'the base layer keeps its compression without force-compression');
  await drydock(root, ['build', '--progress=plain', '-o', `type=local,dest=${join(out, 'l')}`,
    await contextDir({ Dockerfile: 'FROM zlocal:1\nRUN cp /l.txt /l2.txt\n' })]);
  assert.equal(await readFile(join(out, 'l', 'l2.txt'), 'utf8'), 'local\n');
  await drydock(root, ['save', '--format', 'oci', '-o', join(out, 'zl.tar'), 'zlocal:1']);
  assert.equal(await podmanRead(`oci-archive:${join(out, 'zl.tar')}`, '/l.txt'), 'local\n');

  const r = await runDrydock(['build', '-o', `type=docker,dest=${join(out, 'd.tar')},compression=zstd`, ctx], { root });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), 'error: output type=docker,compression=zstd: Docker 20.10 cannot load zstd layers (its `docker load` reads gzip or uncompressed ones); use type=oci for zstd, or compression=gzip');
});
