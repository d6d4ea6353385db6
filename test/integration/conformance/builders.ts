/**
 * The two builders of a shard: BuildKit (a private dockerd 20.10, `DOCKER_BUILDKIT=1
 * /usr/bin/docker build`) and drydock (the real CLI, its own store). Both start from the same
 * base image bytes: drydock's fixtures, `docker load`ed into dockerd on first use. A shard with
 * platform cases also starts a loopback registry holding busybox as an index of CASE_PLATFORMS
 * (and, when a platform case uses it, debian:bookworm for amd64, arm64 and arm/v7), the docker.io
 * mirror of both builders: BuildKit pulls a platform its local image is not for, and so must drydock.
 */
import { execFile } from 'node:child_process';
import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { saveImages } from '../../../src/image/archive/index.js';
import { openStore } from '../../../src/store/index.js';
import { runDrydock } from '../../helpers/cli.js';
import { startDockerd, type DockerdFixture } from '../../helpers/dockerd.js';
import { fixtureImage, type FixtureName } from '../../helpers/fixtures.js';
import { pushBusyboxIndex } from '../../helpers/platform-fixtures.js';
import { debianIndex } from '../../helpers/foreign-debian.js';
import { pushImage } from '../../../src/registry/index.js';
import { startRegistry, type RegistryFixture } from '../../helpers/registry.js';
import { tmpStoreRoot } from '../../helpers/store.js';
import { CASE_PLATFORMS } from './cases.js';

const DOCKER = '/usr/bin/docker';

/** What one build is given: the same on both sides. */
export interface BuildInput {
  dockerfile: string;
  context: string;
  tag: string;
  args: Record<string, string>;
  target?: string;
  /** id -> file holding the secret */
  secrets: Record<string, string>;
  /** `--platform`: one, or a comma-separated list (then `out` per platform: archiveFor) */
  platform?: string;
  /** where the `docker save`-format archive goes */
  out: string;
}

export interface BuildResult { ok: boolean; output: string; ms: number }

const BASES: Record<FixtureName, string> = { busybox: 'busybox:latest', debian: 'debian:bookworm', golang: 'golang:1.19' };

/** The archive of one platform of a multi-platform case: `x.tar` -> `x-linux_arm64.tar`. */
export function archiveFor(out: string, platform: string | undefined, multi: boolean): string {
  return multi && platform ? out.replace(/\.tar$/, `-${platform.replace(/\//g, '_')}.tar`) : out;
}

function flags(b: BuildInput): string[] {
  return [
    '--network', 'host', '--progress', 'plain', '-f', b.dockerfile, '-t', b.tag,
    ...Object.entries(b.args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    ...(b.target ? ['--target', b.target] : []),
    ...Object.entries(b.secrets).flatMap(([id, src]) => ['--secret', `id=${id},src=${src}`]),
    ...(b.platform ? ['--platform', b.platform] : []),
  ];
}

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

export class Builders {
  private dockerd?: DockerdFixture;
  private registry?: RegistryFixture;
  private loaded = new Map<FixtureName, Promise<void>>();
  root = '';
  work = '';

  /**
   * `platforms`: the shard has cases with a "platform" (start the mirror registry); `debian`: one
   * of them uses debian (push its foreign-platform index too).
   */
  async start(opts: { platforms?: boolean; debian?: boolean } = {}): Promise<void> {
    this.work = await fs.mkdtemp(path.join(os.tmpdir(), 'conf-'));
    this.root = await tmpStoreRoot();
    const store = await openStore(this.root);
    for (const f of ['busybox', 'debian'] as const) await fixtureImage(store, f, BASES[f]);
    let mirrors: string[] = [];
    if (opts.platforms) {
      this.registry = await startRegistry();
      await pushBusyboxIndex(this.registry, [...CASE_PLATFORMS]);
      if (opts.debian) {
        const idx = await openStore(await tmpStoreRoot());
        await debianIndex(idx, ['linux/arm64', 'linux/arm/v7'], 'debian-index:bookworm');
        await pushImage(idx, 'debian-index:bookworm', `${this.registry.host}/library/debian:bookworm`);
        await fs.rm(idx.root, { recursive: true, force: true });
      }
      mirrors = [this.registry.url];
      await fs.writeFile(path.join(this.root, 'config.json'), JSON.stringify({ 'registry-mirrors': mirrors }));
    }
    this.dockerd = await startDockerd({ registryMirrors: mirrors });
  }

  /** `keepWork`: leave the cases' work dirs (CONFORMANCE_KEEP) for a look at both archives. */
  async stop(keepWork = false): Promise<void> {
    await this.dockerd?.stop();
    await this.registry?.stop();
    if (this.work && !keepWork) await fs.rm(this.work, { recursive: true, force: true });
    if (this.root) await fs.rm(this.root, { recursive: true, force: true });
  }

  private docker(args: string[]) {
    return exec(DOCKER, args, { ...process.env, ...this.dockerd!.env, DOCKER_BUILDKIT: '1' });
  }

  /** Loads the base images a Dockerfile names into dockerd (once each). */
  async basesFor(dockerfile: string): Promise<void> {
    const text = await fs.readFile(dockerfile, 'utf8');
    const wanted = (['busybox', 'debian'] as const).filter((f) => f === 'busybox' || new RegExp(`\\b${f}\\b`).test(text));
    await Promise.all(wanted.map((f) => {
      let p = this.loaded.get(f);
      if (!p) {
        p = this.loadBase(f);
        this.loaded.set(f, p);
      }
      return p;
    }));
  }

  private async loadBase(f: FixtureName): Promise<void> {
    const file = path.join(this.work, `${f}.tar`);
    const store = await openStore(this.root);
    await pipeline(await saveImages(store, [BASES[f]], 'docker'), createWriteStream(file));
    const r = await this.docker(['load', '-i', file]);
    if (r.code !== 0) throw new Error(`docker load ${BASES[f]}: ${r.output}`);
    await fs.rm(file, { force: true });
  }

  async buildkit(b: BuildInput): Promise<BuildResult> {
    const platforms = b.platform?.split(',') ?? [];
    if (platforms.length > 1) { // docker 20.10: one platform per build
      const t0 = performance.now();
      let output = '';
      for (const p of platforms) {
        const r = await this.buildkit({ ...b, platform: p, tag: `${b.tag}-${p.replace(/\//g, '_')}`, out: archiveFor(b.out, p, true) });
        output += r.output;
        if (!r.ok) return { ok: false, output: output.slice(-6000), ms: performance.now() - t0 };
      }
      return { ok: true, output: output.slice(-6000), ms: performance.now() - t0 };
    }
    const t0 = performance.now();
    const r = await this.docker(['build', ...flags(b), b.context]);
    const ok = r.code === 0;
    if (ok) {
      const s = await this.docker(['save', '-o', b.out, b.tag]);
      if (s.code !== 0) throw new Error(`docker save ${b.tag}: ${s.output}`);
    }
    return { ok, output: r.output.slice(-6000), ms: performance.now() - t0 };
  }

  async drydock(b: BuildInput): Promise<BuildResult> {
    const t0 = performance.now();
    const platforms = b.platform?.split(',') ?? [];
    // One build; for several platforms an archive of each (type=docker holds one platform).
    const outputs = platforms.length > 1
      ? platforms.flatMap((p) => ['-o', `type=docker,platform=${p},dest=${archiveFor(b.out, p, true)}`])
      : ['-o', `type=docker,dest=${b.out}`];
    const r = await runDrydock(['build', ...flags(b), ...outputs, b.context], { root: this.root });
    return { ok: r.code === 0, output: `${r.stdout}${r.stderr}`.slice(-6000), ms: performance.now() - t0 };
  }
}
