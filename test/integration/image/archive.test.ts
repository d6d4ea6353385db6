import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, lstat, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDrydock } from '../../helpers/cli.js';
import { CAP_HEX, LONG_PATH, makeRootfs, tempDir, tool } from './fixtures.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function ok(args: string[], root: string, input?: Buffer): Promise<string> {
  const r = await runDrydock(args, { root, input });
  assert.equal(r.code, 0, `drydock ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function setup() {
  const dir = await tempDir('archive');
  dirs.push(dir);
  const rootfs = await makeRootfs(dir);
  const store = join(dir, 'store');
  const id = (await ok(['import', rootfs, 'example.com/app:1', '-c', 'CMD ["sh"]', '-c', 'ENV A=b', '-c', 'LABEL x=y'], store)).trim();
  assert.match(id, /^sha256:[a-f0-9]{64}$/);
  return { dir, rootfs, store, id };
}

test('save --format docker is read by skopeo, umoci and podman with every file intact', async () => {
  const { dir, store, id } = await setup();
  const archive = join(dir, 'docker.tar');
  await ok(['save', '-o', archive, 'example.com/app:1'], store);
  const info = JSON.parse(await tool('skopeo', ['inspect', `docker-archive:${archive}`]));
  assert.deepEqual(info.Env, ['A=b']);
  assert.deepEqual(info.Labels, { x: 'y' });
  // docker-archive -> OCI layout -> unpacked bundle: the filesystem survived the trip
  await tool('skopeo', ['copy', `docker-archive:${archive}`, `oci:${join(dir, 'layout')}:app`]);
  const bundle = join(dir, 'bundle');
  await tool('umoci', ['unpack', '--image', `${join(dir, 'layout')}:app`, bundle]);
  const rootfs = join(bundle, 'rootfs');
  assert.equal(await readFile(join(rootfs, LONG_PATH), 'utf8'), 'long\n');
  assert.equal((await stat(join(rootfs, 'etc/hostname'))).ino, (await stat(join(rootfs, 'etc/hostname.hard'))).ino);
  assert.equal(await readlink(join(rootfs, 'bin/sh')), 'busybox');
  assert.equal((await stat(join(rootfs, 'etc/owned'))).uid, 3000000);
  assert.ok((await lstat(join(rootfs, 'dev/null'))).isCharacterDevice());
  assert.match(await tool('getfattr', ['-n', 'security.capability', '-e', 'hex', join(rootfs, 'bin/pinger')]), new RegExp(CAP_HEX));
  const config = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8'));
  assert.deepEqual(config.process.args, ['sh']);

  // podman load needs no daemon; its image id is the config digest, as ours
  // podman refuses a --runroot over 50 characters: a short temp dir of its own.
  const proot = await mkdtemp(join(tmpdir(), 'pm-'));
  const podman = ['--root', join(proot, 'root'), '--runroot', join(proot, 'run'), '--storage-driver', 'vfs'];
  await tool('podman', [...podman, 'load', '-i', archive]);
  const pinfo = JSON.parse(await tool('podman', [...podman, 'image', 'inspect', 'example.com/app:1']));
  assert.equal(`sha256:${pinfo[0].Id}`.replace(/^sha256:sha256:/, 'sha256:'), id);
  await rm(proot, { recursive: true, force: true });
});

test('save --format oci is an oci-archive skopeo reads by tag, with our manifest digest', async () => {
  const { dir, store } = await setup();
  const archive = join(dir, 'oci.tar');
  await ok(['save', '--format', 'oci', '-o', archive, 'example.com/app:1'], store);
  const ours = JSON.parse(await ok(['inspect', 'example.com/app:1'], store))[0];
  const info = JSON.parse(await tool('skopeo', ['inspect', `oci-archive:${archive}:1`]));
  assert.equal(info.Digest, ours.Descriptor.digest);
  assert.deepEqual(info.Layers, ours.Manifest.layers.map((l: { digest: string }) => l.digest));
  const listing = await tool('tar', ['-tf', archive]);
  assert.ok(!listing.includes('manifest.json'));
});

test('load reads what skopeo writes: docker-archive, oci-archive, OCI layout dir, gzip on stdin', async () => {
  const { dir, store, id } = await setup();
  const src = join(dir, 'ours.tar');
  await ok(['save', '--format', 'oci', '-o', src, 'example.com/app:1'], store);
  await tool('skopeo', ['copy', `oci-archive:${src}:1`, `docker-archive:${join(dir, 'sk-docker.tar')}:other/app:2`]);
  await tool('skopeo', ['copy', `oci-archive:${src}:1`, `oci:${join(dir, 'sk-layout')}:3`]);
  await tool('skopeo', ['copy', `oci-archive:${src}:1`, `oci-archive:${join(dir, 'sk-oci.tar')}:localhost:5000/third:4`]);

  const fresh = join(dir, 'store2');
  assert.match(await ok(['load', '-i', join(dir, 'sk-docker.tar')], fresh), /Loaded image: other\/app:2/);
  assert.match(await ok(['load', '-i', join(dir, 'sk-oci.tar')], fresh), /Loaded image: localhost:5000\/third:4/);
  // a layout whose ref.name is only a tag names no repository: loaded untagged, kept by id
  assert.match(await ok(['load', '-i', join(dir, 'sk-layout')], fresh), /Loaded image ID: sha256:/);
  const gz = await tool('sh', ['-c', `gzip -c ${join(dir, 'sk-docker.tar')} | base64 -w0`]);
  const fromStdin = await runDrydock(['load'], { root: join(dir, 'store3'), input: Buffer.from(gz, 'base64') });
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.match(fromStdin.stdout, /Loaded image: other\/app:2/);

  // skopeo recompresses, so ids (config digests) are what must survive
  const images = JSON.parse(await ok(['inspect', 'other/app:2', 'localhost:5000/third:4'], fresh));
  for (const img of images) assert.equal(img.Id, id);
  assert.deepEqual(images[0].Config.Env, ['A=b']);
  const fsck = await runDrydock(['fsck'], { root: fresh });
  assert.equal(fsck.code, 0, fsck.stdout + fsck.stderr);
});
