/**
 * Build outputs through the CLI: several at once (store, OCI and Docker archives, a directory, a
 * tar, a registry push without storing), archive re-compression, and --platform for another
 * architecture when no RUN step has to execute. Archives are checked with skopeo and zstd.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { removeTmpStoreRoots } from '../../helpers/store.js';
import { runDrydock } from '../../helpers/cli.js';
import { openStore } from '../../../src/store/index.js';
import { hostPlatform, type Descriptor, type ImageConfig, type Index, type Manifest } from '../../../src/image/oci.js';
import { contextDir, machine } from './util.js';

const run = promisify(execFile);

let registry: RegistryFixture;
let root: string;
let out: string;
before(async () => {
  registry = await startRegistry();
  root = await machine();
  out = await mkdtemp(join(tmpdir(), 'drydock-out-'));
});
after(async () => {
  await registry?.stop();
  await removeTmpStoreRoots();
});

async function drydock(args: string[]): Promise<string> {
  const r = await runDrydock(args, { root });
  assert.equal(r.code, 0, r.stderr);
  return r.stderr;
}

/** An OCI layout tar unpacked: its index.json, and a reader for its blobs. */
async function unpack(tarPath: string) {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-layout-'));
  await run('tar', ['-xf', tarPath, '-C', dir]);
  const blob = (d: string) => readFile(join(dir, 'blobs/sha256', d.slice('sha256:'.length)));
  const json = async <T>(d: string) => JSON.parse((await blob(d)).toString('utf8')) as T;
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as Index;
  return { dir, index, blob, json };
}

async function skopeo(args: string[]): Promise<string> {
  try {
    return (await run('skopeo', args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('skopeo is missing: run scripts/setup.sh --test');
    throw e;
  }
}

async function zstdDiffID(path: string): Promise<string> {
  const { stdout } = await run('zstd', ['-dc', path], { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`;
}

test('one build, many outputs: store, zstd OCI archive, Docker archive, directory, tar, registry', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nCOPY a.txt /a.txt\nRUN echo hi > /hi\n', 'a.txt': 'a\n' });
  const pushed = `${registry.host}/multi:1`;
  await drydock([
    'build', '--progress=plain', '--iidfile', join(out, 'iid'),
    '-o', 'type=image,name=multi:1',
    '-o', `type=oci,dest=${join(out, 'x.tar')},compression=zstd,compression-level=5`,
    '-o', `type=docker,dest=${join(out, 'y.tar')}`,
    '-o', `type=local,dest=${join(out, 'fs')}`,
    '-o', `type=tar,dest=${join(out, 'fs.tar')}`,
    '-o', `type=registry,name=${pushed}`,
    ctx,
  ]);
  const imageId = await readFile(join(out, 'iid'), 'utf8');
  const store = await openStore(root);
  const stored = await store.images.get('multi:1');
  assert.ok(stored, 'type=image stored the image');
  assert.equal(await store.images.get(pushed), undefined, 'type=registry does not store');

  // Registry: the stored manifest, byte for byte.
  const remote = JSON.parse(await skopeo(['inspect', '--tls-verify=false', `docker://${pushed}`])) as { Digest: string };
  assert.equal(remote.Digest, stored.target.digest);

  // Directory and tar: the final filesystem.
  assert.equal(await readFile(join(out, 'fs', 'hi'), 'utf8'), 'hi\n');
  const { stdout: listing } = await run('tar', ['-tf', join(out, 'fs.tar')]);
  assert.match(listing, /^(\.\/)?a\.txt$/m);

  // Docker archive: the stored manifest, loadable by skopeo.
  const y = await unpack(join(out, 'y.tar'));
  assert.equal(y.index.manifests[0]!.digest, stored.target.digest);
  await skopeo(['inspect', `docker-archive:${join(out, 'y.tar')}`]);

  // OCI archive, zstd: the layers this build made are zstd, the base layer stays as it was;
  // the config (the image ID) does not change, and each zstd blob is its diffID uncompressed.
  const x = await unpack(join(out, 'x.tar'));
  const manifest = await x.json<Manifest>(x.index.manifests[0]!.digest);
  assert.equal(manifest.config.digest, imageId);
  const config = await x.json<ImageConfig>(manifest.config.digest);
  const types = manifest.layers.map((l) => l.mediaType);
  assert.deepEqual(types.slice(-2), ['application/vnd.oci.image.layer.v1.tar+zstd', 'application/vnd.oci.image.layer.v1.tar+zstd']);
  assert.match(types[0]!, /gzip/);
  for (const [i, l] of manifest.layers.entries()) {
    if (l.mediaType.endsWith('+zstd')) assert.equal(await zstdDiffID(join(x.dir, 'blobs/sha256', l.digest.slice(7))), config.rootfs.diff_ids[i]);
  }
  const copied = await mkdtemp(join(tmpdir(), 'drydock-skopeo-'));
  await skopeo(['copy', `oci-archive:${join(out, 'x.tar')}`, `dir:${copied}`]); // verifies every blob digest
});

test('force-compression=true converts the base layers too', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nCOPY a.txt /a.txt\n', 'a.txt': 'a\n' });
  await drydock(['build', '--progress=plain', '-o', `type=oci,dest=${join(out, 'f.tar')},compression=zstd,force-compression=true`, ctx]);
  const f = await unpack(join(out, 'f.tar'));
  const manifest = await f.json<Manifest>(f.index.manifests[0]!.digest);
  assert.ok(manifest.layers.every((l: Descriptor) => l.mediaType.endsWith('+zstd')), JSON.stringify(manifest.layers));
});

test('--platform for another architecture: COPY-only builds get that platform in the config and the index', async () => {
  const foreign = hostPlatform().architecture === 'arm64' ? 'amd64' : 'arm64';
  const ctx = await contextDir({ Dockerfile: 'FROM scratch\nARG TARGETARCH\nCOPY a.txt /a.txt\nENV ARCH=$TARGETARCH\n', 'a.txt': 'a\n' });
  const pushed = `${registry.host}/plat:1`;
  await drydock(['build', '--progress=plain', '--platform', `linux/${foreign}`, '-t', 'plat',
    '-o', 'type=image', '-o', `type=oci,dest=${join(out, 'p.tar')}`, '-o', `type=registry,name=${pushed}`, ctx]);

  const p = await unpack(join(out, 'p.tar'));
  assert.equal(p.index.manifests[0]!.platform?.architecture, foreign);
  const manifest = await p.json<Manifest>(p.index.manifests[0]!.digest);
  const config = await p.json<ImageConfig>(manifest.config.digest);
  assert.equal(config.architecture, foreign);
  assert.equal(config.os, 'linux');
  assert.ok(config.config?.Env?.includes(`ARCH=${foreign}`), JSON.stringify(config.config?.Env));

  const raw = JSON.parse(await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${pushed}`])) as Index;
  assert.equal(raw.manifests.length, 1);
  assert.equal(raw.manifests[0]!.platform?.architecture, foreign);
  const store = await openStore(root);
  assert.ok(await store.images.get('plat'));
});

// A RUN for another architecture: test/integration/emulation/run.test.ts (QEMU, or the error saying how to enable it).

test('type=image,push=true stores and pushes the tagged names', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nCOPY a.txt /pushed.txt\n', 'a.txt': 'a\n' });
  const name = `${registry.host}/pushed:1`;
  await drydock(['build', '--progress=plain', '-t', name, '-o', 'type=image,push=true', ctx]);
  const stored = await (await openStore(root)).images.get(name);
  assert.ok(stored);
  const remote = JSON.parse(await skopeo(['inspect', '--tls-verify=false', `docker://${name}`])) as { Digest: string };
  assert.equal(remote.Digest, stored.target.digest);
});

test('--platform: a local base stored for the host is not used; the platform\'s image is pulled', async () => {
  const foreign = hostPlatform().architecture === 'arm64' ? 'amd64' : 'arm64';
  const base = `${registry.host}/base:multi`;
  const theirs = await contextDir({ Dockerfile: `FROM scratch\nCOPY a.txt /arch-${foreign}\n`, 'a.txt': 'a\n' });
  await drydock(['build', '--progress=plain', '--platform', `linux/${foreign}`, '-o', `type=registry,name=${base}`, theirs]);
  const ours = await contextDir({ Dockerfile: 'FROM scratch\nCOPY a.txt /arch-host\n', 'a.txt': 'a\n' });
  await drydock(['build', '--progress=plain', '-t', base, ours]);

  const app = await contextDir({ Dockerfile: `FROM ${base}\nCOPY a.txt /app.txt\n`, 'a.txt': 'a\n' });
  await drydock(['build', '--progress=plain', '--platform', `linux/${foreign}`, '-o', `type=local,dest=${join(out, 'foreign-fs')}`, '-o', `type=oci,dest=${join(out, 'foreign.tar')}`, app]);
  assert.equal(await readFile(join(out, 'foreign-fs', `arch-${foreign}`), 'utf8'), 'a\n');
  const p = await unpack(join(out, 'foreign.tar'));
  const config = await p.json<ImageConfig>((await p.json<Manifest>(p.index.manifests[0]!.digest)).config.digest);
  assert.equal(config.architecture, foreign);
});
