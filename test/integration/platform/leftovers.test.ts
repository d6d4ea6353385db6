/**
 * A two-platform build (linux/amd64, linux/arm64) through the CLI, checked against the tools that
 * read its outputs and against docker 20.10's BuildKit:
 *   -o type=docker (arm64 and the host's) loads into a real dockerd, which reports the platform
 *   and runs the arm64 image under QEMU; -o type=oci is an index skopeo and podman read;
 *   `rm` by an id of the index or of one platform; a failing RUN names its platform;
 *   a scratch final stage gets the target platform, as BuildKit stamps it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openStore } from '../../../src/store/index.js';
import { checkEmulation } from '../../../src/exec/binfmt.js';
import { hostPlatform } from '../../../src/image/oci.js';
import { runDrydock, type RunResult } from '../../helpers/cli.js';
import { startDockerd, type DockerdFixture } from '../../helpers/dockerd.js';
import { busyboxIndex, fixturePlatform } from '../../helpers/platform-fixtures.js';
import { removeTmpStoreRoots, tmpStoreRoot } from '../../helpers/store.js';
import { contextDir } from '../build/util.js';

const exec = promisify(execFile);
const DOCKER = '/usr/bin/docker';
const PLATFORMS = 'linux/amd64,linux/arm64';
const DOCKERFILE = 'FROM busybox\nRUN uname -m > /arch\nCMD ["cat", "/arch"]\n';

after(removeTmpStoreRoots);

function ok(r: RunResult, what: string): RunResult {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
  return r;
}

async function tool(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return (await exec(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 64 << 20 })).stdout;
}

/** Each platform's image id as `drydock images` shows it (the config digest's first 12). */
async function imageIds(root: string, repo: string): Promise<Record<string, string>> {
  const out = ok(await runDrydock(['images'], { root }), 'images').stdout;
  // REPOSITORY TAG PLATFORM IMAGE-ID …: every row of a multi-platform image has a platform.
  return Object.fromEntries(out.split('\n').filter((l) => l.startsWith(`${repo} `)).map((l) => l.split(/\s+/).slice(2, 4) as [string, string]));
}

async function inspect(root: string, ref: string, platform?: string): Promise<{ Os: string; Architecture: string; Variant?: string; RepoDigests: string[] }> {
  return JSON.parse(ok(await runDrydock(['inspect', ...(platform ? ['--platform', platform] : []), ref], { root }), `inspect ${ref}`).stdout)[0];
}

describe('a two-platform build and its readers', () => {
  let root: string;
  let ctx: string;
  let out: string;
  let dockerd: DockerdFixture;
  const docker = (args: string[]) => tool(DOCKER, args, { ...dockerd.env, DOCKER_BUILDKIT: '1' });

  before(async () => {
    root = await tmpStoreRoot();
    await busyboxIndex(await openStore(root), ['linux/amd64', 'linux/arm64']);
    ctx = await contextDir({ Dockerfile: DOCKERFILE });
    out = await mkdtemp(join(tmpdir(), 'drydock-lo-'));
    ok(await runDrydock(['build', '--platform', PLATFORMS, '-t', 'mp:1', '-o', 'type=image',
      '-o', `type=docker,platform=linux/arm64,dest=${join(out, 'arm64.tar')}`, '-o', `type=docker,dest=${join(out, 'host.tar')}`,
      '-o', `type=oci,dest=${join(out, 'oci.tar')}`, ctx], { root }), 'build');
    dockerd = await startDockerd();
  });
  after(async () => {
    await dockerd?.stop();
    await rm(out, { recursive: true, force: true });
  });

  it('docker 20.10 loads type=docker of each platform with its architecture and id, and runs the arm64 one under QEMU', async (t) => {
    const ids = await imageIds(root, 'mp');
    for (const [file, arch, uname] of [['arm64.tar', 'arm64', 'aarch64'], ['host.tar', hostPlatform().architecture, 'x86_64']] as const) {
      assert.match(await docker(['load', '-i', join(out, file)]), /Loaded image: mp:1/);
      const [a, os, id] = (await docker(['image', 'inspect', 'mp:1', '--format', '{{.Architecture}} {{.Os}} {{.Id}}'])).trim().split(' ');
      assert.equal(`${os}/${a}`, `linux/${arch}`, file);
      assert.equal(id!.slice(7, 19), ids[`linux/${arch}`], `${file}: docker's image id is drydock's id of that platform`);
      if (arch === 'arm64' && !checkEmulation(fixturePlatform('linux/arm64'), hostPlatform()).ok) {
        t.diagnostic('no arm64 emulator registered: docker run of the arm64 image skipped');
        continue;
      }
      const platform = arch === 'arm64' ? ['--platform', 'linux/arm64'] : [];
      assert.equal((await docker(['run', '--rm', '--network', 'none', ...platform, 'mp:1'])).trim(), uname, `${file}: run`);
    }
  });

  it('type=oci is an index skopeo lists and picks arm64 from, and podman loads', async () => {
    const archive = `oci-archive:${join(out, 'oci.tar')}`;
    const index = JSON.parse(await tool('skopeo', ['inspect', '--raw', archive])) as { manifests: Array<{ digest: string; platform: { architecture: string } }> };
    assert.deepEqual(index.manifests.map((m) => m.platform.architecture), ['amd64', 'arm64']);
    const arm = JSON.parse(await tool('skopeo', ['inspect', '--override-arch', 'arm64', archive])) as { Architecture: string };
    assert.equal(arm.Architecture, 'arm64');
    await tool('skopeo', ['copy', '--override-arch', 'arm64', archive, `oci:${join(out, 'arm-layout')}:x`]);
    const copied = JSON.parse(await tool('cat', [join(out, 'arm-layout', 'index.json')])) as { manifests: Array<{ digest: string }> };
    assert.equal(copied.manifests[0]!.digest, index.manifests[1]!.digest, 'skopeo copies the arm64 manifest unchanged');
    const proot = await mkdtemp('/tmp/pm-');
    try {
      const podman = ['--root', join(proot, 'root'), '--runroot', join(proot, 'run'), '--storage-driver', 'vfs'];
      await tool('podman', [...podman, 'load', '-i', join(out, 'oci.tar')]);
      const images = JSON.parse(await tool('podman', [...podman, 'images', '--format', 'json'])) as Array<{ Id: string }>;
      const ids = await imageIds(root, 'mp');
      assert.ok(images.some((i) => i.Id.startsWith(ids['linux/amd64']!)), `podman loads the host's image: ${JSON.stringify(images)}`);
    } finally {
      await rm(proot, { recursive: true, force: true });
    }
  });

  it('inspect, run and tag take another platform\'s id from drydock images, and the index digest build prints (--iidfile)', async (t) => {
    const ids = await imageIds(root, 'mp');
    const arm = JSON.parse(ok(await runDrydock(['inspect', ids['linux/arm64']!], { root }), 'inspect arm64 id').stdout)[0] as { Id: string; Architecture: string };
    assert.deepEqual([arm.Id.slice(7, 19), arm.Architecture], [ids['linux/arm64'], 'arm64']);
    const iid = join(out, 'iid');
    ok(await runDrydock(['build', '-q', '--platform', PLATFORMS, '--iidfile', iid, ctx], { root }), 'build --iidfile');
    const index = (await readFile(iid, 'utf8')).trim();
    const byIndex = JSON.parse(ok(await runDrydock(['inspect', index], { root }), 'inspect index digest').stdout)[0] as { Id: string };
    assert.equal(byIndex.Id.slice(7, 19), ids['linux/amd64'], 'the index digest names the image: the host platform is shown');
    ok(await runDrydock(['tag', ids['linux/arm64']!, 'mparm:1'], { root }), 'tag arm64 id');
    assert.equal((await inspect(root, 'mparm:1')).Architecture, 'arm64');
    ok(await runDrydock(['rm', 'mparm:1'], { root }), 'rm mparm:1');
    if (!checkEmulation(fixturePlatform('linux/arm64'), hostPlatform()).ok) return t.skip('no arm64 emulator registered with binfmt_misc');
    assert.equal(ok(await runDrydock(['run', '--network', 'none', ids['linux/arm64']!], { root }), 'run arm64 id').stdout, 'aarch64\n');
    assert.equal(ok(await runDrydock(['run', '--network', 'none', index], { root }), 'run index digest').stdout, 'x86_64\n');
  });

  it('rm by the index digest untags it; by another platform\'s id is a conflict naming the tag, and -f removes it', async () => {
    const ids = await imageIds(root, 'mp');
    const index = (await inspect(root, 'mp:1')).RepoDigests[0]!.split('@')[1]!;
    ok(await runDrydock(['tag', 'mp:1', 'mp:2'], { root }), 'tag');
    const refused = await runDrydock(['rm', ids['linux/arm64']!], { root });
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim(), `error: conflict: unable to delete ${ids['linux/arm64']} (must be forced) - it is the linux/arm64 image of mp:1, mp:2 (linux/amd64, linux/arm64): remove mp:1, mp:2 to delete every platform`);
    assert.deepEqual(Object.keys(await imageIds(root, 'mp')).sort(), ['linux/amd64', 'linux/arm64'], 'nothing removed');
    const forced = ok(await runDrydock(['rm', '-f', ids['linux/arm64']!], { root }), 'rm -f');
    assert.match(forced.stdout, /Untagged: mp:1\nUntagged: mp:2\n/);
    assert.deepEqual(await imageIds(root, 'mp'), {});
    ok(await runDrydock(['build', '-q', '--platform', PLATFORMS, '-t', 'mp:1', ctx], { root }), 'rebuild');
    const byIndex = ok(await runDrydock(['rm', index.slice(7, 19)], { root }), 'rm index digest');
    assert.match(byIndex.stdout, /^Untagged: mp:1\n/);
    assert.deepEqual(await imageIds(root, 'mp'), {});
    // `rm $(drydock images -q)`: every row's id, the whole image named too: no conflict.
    ok(await runDrydock(['build', '-q', '--platform', PLATFORMS, '-t', 'mp:1', ctx], { root }), 'rebuild');
    const again = await imageIds(root, 'mp');
    const all = ok(await runDrydock(['rm', again['linux/arm64']!, again['linux/amd64']!], { root }), 'rm every row');
    assert.match(all.stdout, /^Untagged: mp:1\n/);
    assert.deepEqual(await imageIds(root, 'mp'), {});
  });

  it('a RUN failing for one platform names it after the Dockerfile line', async () => {
    const bad = await contextDir({ Dockerfile: 'FROM busybox\nARG TARGETARCH\nRUN test "$TARGETARCH" != arm64\n' });
    const r = await runDrydock(['build', '--progress', 'quiet', '--platform', PLATFORMS, bad], { root });
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').at(-1), 'error: Dockerfile:3: [linux/arm64] process "/bin/sh -c test "$TARGETARCH" != arm64" did not complete successfully: exit code: 1');
    // A builder on $BUILDPLATFORM failing for the arm64 target: BuildKit's `[linux/amd64->arm64 b 3/3]`.
    const cross = await contextDir({ Dockerfile: 'FROM --platform=$BUILDPLATFORM busybox AS b\nARG TARGETARCH\nRUN test "$TARGETARCH" != arm64\nFROM busybox\nCOPY --from=b /bin/sh /x\n' });
    const c = await runDrydock(['build', '--progress', 'quiet', '--platform', PLATFORMS, cross], { root });
    assert.equal(c.code, 1);
    assert.equal(c.stderr.trim().split('\n').at(-1), 'error: Dockerfile:3: [linux/amd64->arm64] process "/bin/sh -c test "$TARGETARCH" != arm64" did not complete successfully: exit code: 1');
    // The foreign-RUN guard names the platform itself: no second label.
    if (!checkEmulation({ os: 'linux', architecture: 's390x' }, hostPlatform()).ok) {
      const g = await runDrydock(['build', '--progress', 'quiet', '--platform', 'linux/amd64,linux/s390x', await contextDir({ Dockerfile: 'FROM scratch\nRUN true\n' })], { root });
      assert.equal(g.code, 1);
      assert.match(g.stderr.trim().split('\n').at(-1)!, /^error: Dockerfile:2: --platform linux\/s390x: RUN true must run linux\/s390x programs on this linux\/amd64 host, but /);
    }
  });

  // BuildKit gives a scratch stage the target platform whatever its FROM --platform says
  // (frontend/dockerfile/dockerfile2llb/convert.go: emptyImage(platformOpt.targetPlatform)), in v0.8 as now.
  it('a scratch final stage, with or without FROM --platform, gets each target platform as BuildKit gives it', async () => {
    for (const from of ['FROM scratch', 'FROM --platform=linux/arm64 scratch', 'FROM --platform=$BUILDPLATFORM scratch']) {
      const dir = await contextDir({ Dockerfile: `${from}\nCOPY f /\n`, f: 'hi\n' });
      ok(await runDrydock(['build', '-q', '--platform', 'linux/amd64,linux/arm64,linux/arm/v7', '-t', 'sc:1', dir], { root }), from);
      for (const p of ['linux/amd64', 'linux/arm64', 'linux/arm/v7']) {
        await docker(['build', '-q', '--platform', p, '-t', 'sc:1', dir]);
        const want = (await docker(['image', 'inspect', 'sc:1', '--format', '{{.Os}}/{{.Architecture}}/{{.Variant}}'])).trim();
        const c = await inspect(root, 'sc:1', p);
        const got = `${c.Os}/${c.Architecture}/${c.Variant ?? ''}`;
        assert.equal(got, want, `${from}, --platform ${p}`);
        assert.equal(want, p.split('/').length === 2 ? `${p}/` : p);
      }
      // Without --platform: the host's, whatever FROM --platform says.
      ok(await runDrydock(['build', '-q', '-t', 'sc:host', dir], { root }), `${from}, no --platform`);
      await docker(['build', '-q', '-t', 'sc:host', dir]);
      const c = await inspect(root, 'sc:host');
      assert.equal(`${c.Os}/${c.Architecture}/${c.Variant ?? ''}`, (await docker(['image', 'inspect', 'sc:host', '--format', '{{.Os}}/{{.Architecture}}/{{.Variant}}'])).trim(), `${from}, no --platform`);
    }
  });
});
