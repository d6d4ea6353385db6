/**
 * Differential test: the same Dockerfile built by Docker's BuildKit (dockerd 20.10, started by
 * the test) and by drydock must give the same config, history and layer contents; drydock's
 * image must load and run in docker and in podman.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { createReadStream } from 'node:fs';
import { build } from '../../../src/build/build.js';
import { saveImages } from '../../../src/image/archive/index.js';
import type { Store } from '../../../src/store/index.js';
import { startDockerd, type DockerdFixture } from '../../helpers/dockerd.js';
import { storeWith, contextDir } from './util.js';

const run = promisify(execFile);
const DOCKER = '/usr/bin/docker';

let dockerd: DockerdFixture;
let root: string;
let store: Store;
let work: string;

async function docker(args: string[], input?: string) {
  return run(DOCKER, args, { env: { ...process.env, ...dockerd.env, DOCKER_BUILDKIT: '1' }, maxBuffer: 1 << 26, ...(input ? { input } : {}) } as never) as unknown as Promise<{ stdout: string; stderr: string }>;
}

async function saveTo(names: string[], file: string) {
  await pipeline(await saveImages(store, names, 'docker'), createWriteStream(file));
}

before(async () => {
  ({ root, store } = await storeWith('busybox'));
  dockerd = await startDockerd();
  work = await mkdtemp(join(tmpdir(), 'drydock-diff-'));
  // The same busybox base on both sides.
  await saveTo(['busybox:latest'], join(work, 'busybox.tar'));
  await docker(['load', '-i', join(work, 'busybox.tar')]);
});

after(async () => {
  await dockerd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Entry { name: string; type: string; mode: number; uid: number; gid: number; size: number; linkname?: string }

/** config + per-layer entries of the image in a `docker save` archive. */
async function readArchive(file: string) {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on('entry', (h, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => chunks.push(c as Buffer));
    body.on('end', () => { files.set(h.name.replace(/^\.\//, ''), Buffer.concat(chunks)); next(); });
  });
  await pipeline(createReadStream(file), extract);
  const manifest = JSON.parse(files.get('manifest.json')!.toString())[0];
  const config = JSON.parse(files.get(manifest.Config)!.toString());
  const layers: Entry[][] = [];
  for (const l of manifest.Layers as string[]) {
    const entries: Entry[] = [];
    const x = tar.extract();
    x.on('entry', (h, body, next) => {
      entries.push({ name: h.name.replace(/^\.\//, '').replace(/\/$/, ''), type: h.type!, mode: h.mode! & 0o7777, uid: h.uid!, gid: h.gid!, size: h.size!, linkname: h.linkname ?? undefined });
      body.resume(); body.on('end', next);
    });
    const { Readable } = await import('node:stream');
    const { createGunzip } = await import('node:zlib');
    const buf = files.get(l)!;
    const src = Readable.from([buf]);
    await pipeline(buf[0] === 0x1f ? src.pipe(createGunzip()) : src, x);
    layers.push(entries.sort((a, b) => a.name.localeCompare(b.name)));
  }
  return { config, layers };
}

// docker 20.10's BuildKit leaves the RUN mountpoint dirs (dev, proc, sys, etc) in RUN layers;
// current BuildKit and drydock do not create /etc there. Bare top-level directory entries of
// those names are not part of the comparison.
const mountDirs = new Set(['dev', 'proc', 'sys', 'etc']);
/**
 * drydock writes history as current BuildKit does; docker 20.10's older BuildKit differs in two
 * known ways: COPY/ADD --chown/--chmod were not in the message, and EXPOSE printed Go's map.
 */
function as2010(createdBy: string): string {
  return createdBy
    .replace(/^(COPY|ADD)((?: --(?:chown|chmod)=\S+)+) /, '$1 ')
    .replace(/^EXPOSE \[(.*)\]$/, (_m, ports: string) => `EXPOSE map[${ports.split(' ').sort().map((p) => `${p}:{}`).join(' ')}]`);
}

const comparable = (l: Entry[]) => l.filter((e) => !(mountDirs.has(e.name) && e.type === 'directory'));

test('drydock and BuildKit build the same image from the same Dockerfile', async () => {
  const ctx = await contextDir({
    Dockerfile: `
FROM busybox AS builder
WORKDIR /src
COPY app.sh lib/ ./
RUN chmod 755 app.sh && mkdir -p /out && cp app.sh /out/app && echo built > /out/stamp
RUN rm /bin/vi && echo gone

FROM busybox
ARG GREETING=hello
ENV GREETING=$GREETING APP_DIR=/opt/app
LABEL org.opencontainers.image.title="diff test"
WORKDIR $APP_DIR
COPY --from=builder /out/ ./
# (into an existing directory: current BuildKit gives directories COPY creates the --chmod mode, 20.10 gave 0755)
COPY --chown=nobody:nogroup --chmod=640 lib/data.txt ./
RUN ln -s app /opt/app/app-link && ln /opt/app/stamp /opt/app/stamp-hard && rm -rf /tmp && mkdir /tmp
EXPOSE 8080
USER nobody
CMD ["./app"]
`,
    'app.sh': '#!/bin/sh\necho "$GREETING from app"\n',
    'lib/data.txt': 'data\n',
    'lib/more.txt': 'more\n',
  });
  await docker(['build', '--network', 'host', '-q', '-t', 'diff:docker', ctx]);
  await docker(['save', '-o', join(work, 'docker.tar'), 'diff:docker']);
  await build({ context: ctx, root, tags: ['diff:drydock'] });
  await saveTo(['diff:drydock'], join(work, 'drydock.tar'));

  const d = await readArchive(join(work, 'docker.tar'));
  const y = await readArchive(join(work, 'drydock.tar'));
  for (const k of ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'Labels', 'ExposedPorts', 'Volumes']) {
    assert.deepEqual(y.config.config[k] ?? null, d.config.config[k] ?? null, `config.${k}`);
  }
  assert.deepEqual(
    y.config.history.map((h: { created_by?: string; empty_layer?: boolean }) => [as2010(h.created_by ?? ''), !!h.empty_layer]),
    d.config.history.map((h: { created_by?: string; empty_layer?: boolean }) => [h.created_by ?? '', !!h.empty_layer]),
  );
  assert.equal(y.layers.length, d.layers.length);
  for (let i = 1; i < d.layers.length; i++) {
    assert.deepEqual(comparable(y.layers[i]), comparable(d.layers[i]), `layer ${i} (${d.config.history.filter((h: { empty_layer?: boolean }) => !h.empty_layer)[i]?.created_by})`);
  }
});

test('drydock images load and run in docker and in podman', async () => {
  const ctx = await contextDir({ Dockerfile: 'FROM busybox\nCOPY msg /msg\nENTRYPOINT ["cat"]\nCMD ["/msg"]\n', msg: 'hello from a drydock image\n' });
  const out = join(work, 'run.tar');
  await build({ context: ctx, root, tags: ['runme:1'], outputs: [{ type: 'docker', dest: out, attrs: {} }, { type: 'image', attrs: {} }] });
  await docker(['load', '-i', out]);
  const r = await docker(['run', '--rm', '--network', 'host', 'runme:1']);
  assert.equal(r.stdout, 'hello from a drydock image\n');

  // podman refuses a --runroot over 50 characters: a short temp dir of its own.
  const podmanRoot = await mkdtemp(join(tmpdir(), 'pm-'));
  const podman = (args: string[]) => run('podman', ['--root', join(podmanRoot, 'root'), '--runroot', join(podmanRoot, 'run'), '--runtime', '/usr/sbin/runc', '--cgroup-manager', 'cgroupfs', ...args], { maxBuffer: 1 << 24 });
  await podman(['load', '-i', out]);
  const p = await podman(['run', '--rm', '--network', 'host', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096', 'runme:1']);
  assert.equal(p.stdout, 'hello from a drydock image\n');
  await rm(podmanRoot, { recursive: true, force: true });
  void readFile;
});
