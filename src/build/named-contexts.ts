/**
 * `--build-context NAME=VALUE`: what each named context holds, found as buildx and BuildKit find
 * it. buildx (build/opt.go LoadInputs) reads VALUE as a git or http(s) URL, `docker-image://REF`,
 * `oci-layout://PATH[:TAG|@DIGEST]`, or else a local directory; BuildKit's dockerui
 * (namedcontext.go) loads it: an image resolved like FROM's (local store, then the registry),
 * the layout's image, a git checkout, a URL's file named `context`, or the directory with its own
 * .dockerignore. Each is loaded once, when the build first uses it.
 */
import { stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { Store } from '../store/index.js';
import type { Platform } from '../image/oci.js';
import type { ImageResolver, ResolvedImage } from '../solver/images.js';
import type { NamedSource, NamedSources } from '../solver/named.js';
import type { BuildContext } from '../context/index.js';
import { contextKey } from '../dockerfile/index.js';
import { DrydockError } from '../util/errors.js';
import { isGitURL } from '../git/url.js';
import { parseLayoutRef, type LayoutRef } from './oci-layout.js';

export type ContextSpec =
  | { kind: 'local'; path: string }
  | { kind: 'image'; ref: string }
  | { kind: 'oci-layout'; layout: LayoutRef }
  | { kind: 'git'; url: string }
  | { kind: 'http'; url: string };

/**
 * The named contexts of a build by key (names compared as BuildKit compares them, see
 * contextKey): each VALUE classified, local directories checked now, as buildx checks them.
 */
export async function namedContextSpecs(contexts: Readonly<Record<string, string>> = {}): Promise<Map<string, ContextSpec>> {
  const out = new Map<string, ContextSpec>();
  for (const [name, value] of Object.entries(contexts)) {
    const key = contextKey(name);
    if (key === undefined) throw new DrydockError('USAGE', `invalid context name ${name}: a build context name must be a valid image reference (lower case)`);
    out.set(key, await classify(name, value));
  }
  return out;
}

async function classify(name: string, value: string): Promise<ContextSpec> {
  if (isGitURL(value)) return { kind: 'git', url: value };
  if (/^https?:\/\//i.test(value)) return { kind: 'http', url: value };
  if (value.startsWith('docker-image://')) return { kind: 'image', ref: value.slice('docker-image://'.length) };
  if (value.startsWith('oci-layout://')) return { kind: 'oci-layout', layout: parseLayoutRef(value) };
  const st = await stat(value).catch((e: NodeJS.ErrnoException) => {
    throw new DrydockError('NOT_FOUND', `failed to get build context ${name}: ${e.code === 'ENOENT' ? `${value}: no such file or directory` : e.message}`);
  });
  if (!st.isDirectory()) throw new DrydockError('USAGE', `failed to get build context path ${name}=${value}: not a directory`);
  return { kind: 'local', path: resolvePath(value) };
}

export interface NamedContextDeps {
  store: Store;
  images: ImageResolver;
  platform: Platform;
  /** The build's content-hash memo (local directories use it as the build context does). */
  memoPath?: string;
  signal?: AbortSignal;
}

export class NamedContexts implements NamedSources {
  private readonly loaded = new Map<string, Promise<NamedSource>>();
  private readonly releases: Array<() => Promise<void>> = [];

  constructor(private readonly specs: ReadonlyMap<string, ContextSpec>, private readonly deps: NamedContextDeps) {}

  resolve(name: string): Promise<NamedSource> {
    let p = this.loaded.get(name);
    if (!p) {
      const spec = this.specs.get(name);
      if (!spec) return Promise.reject(new DrydockError('INTERNAL', `no named context ${name}`));
      p = this.load(name, spec).catch((e: unknown) => {
        if (e instanceof DrydockError) throw new DrydockError(e.code, `build context ${name}: ${e.message}`, { cause: e });
        throw e;
      });
      this.loaded.set(name, p);
    }
    return p;
  }

  /** Removes what loading made (git checkouts, downloads). */
  async release(): Promise<void> {
    for (const r of this.releases.splice(0)) await r().catch(() => undefined);
  }

  private async load(name: string, spec: ContextSpec): Promise<NamedSource> {
    switch (spec.kind) {
      case 'image':
        return { kind: 'image', image: await this.deps.images.resolve(spec.ref) };
      case 'oci-layout':
        return { kind: 'image', image: await this.layoutImage(name, spec.layout) };
      case 'local': {
        const { openContext } = await import('../context/index.js');
        return this.dir(await openContext({ dir: spec.path }), `local source for ${name}`, this.deps.memoPath);
      }
      case 'git': {
        const { parseGitURL, resolveGitCommit, checkoutGit } = await import('../git/index.js');
        const src = parseGitURL(spec.url);
        const commit = await resolveGitCommit(src, { signal: this.deps.signal });
        const checkout = await checkoutGit(src, commit, { signal: this.deps.signal });
        this.releases.push(() => checkout.release());
        return this.dir(await plainDir(checkout.path), `git snapshot for ${src.remote}#${commit}`);
      }
      case 'http': {
        // BuildKit's llb.HTTP(url, Filename("context")): one file, 0600, not unpacked
        const [{ mkdtemp, rm }, { join }, { fetchURL }] = await Promise.all([import('node:fs/promises'), import('node:path'), import('../fileop/index.js')]);
        const dir = await mkdtemp(join(this.deps.store.root, 'tmp', 'named-http-'));
        this.releases.push(() => rm(dir, { recursive: true, force: true }));
        await fetchURL(spec.url, dir, '/context', { signal: this.deps.signal });
        return this.dir(await plainDir(dir), `http url ${spec.url}`);
      }
    }
  }

  private async dir(context: BuildContext, description: string, memoPath?: string): Promise<NamedSource> {
    this.releases.push(() => context.release());
    const { hashSources } = await import('../context/index.js');
    return {
      kind: 'dir', context, description,
      hash: async (sel) => (await hashSources(context, sel.sources, { exclude: sel.exclude, memoPath })).digest,
    };
  }

  private async layoutImage(name: string, layout: LayoutRef): Promise<ResolvedImage> {
    const [{ importFromLayout }, { resolveImage }] = await Promise.all([import('./oci-layout.js'), import('../image/resolve.js')]);
    const target = await importFromLayout(this.deps.store, layout, this.deps.platform);
    const img = await resolveImage(this.deps.store, target, this.deps.platform);
    const diffIDs = img.config.rootfs?.diff_ids ?? [];
    if (diffIDs.length !== img.manifest.layers.length) {
      throw new DrydockError('FORMAT', `image config lists ${diffIDs.length} layers but the manifest has ${img.manifest.layers.length}`);
    }
    return {
      ref: `oci-layout://${layout.path}${layout.digest ? `@${layout.digest}` : `:${layout.tag}`} (${name})`,
      manifestDigest: img.manifestDescriptor.digest, config: img.config, source: 'local',
      layers: img.manifest.layers.map((d, i) => ({ descriptor: d, diffID: diffIDs[i]! })),
    };
  }
}

/** A directory as a context without a .dockerignore (git and http sources have none applied). */
async function plainDir(root: string): Promise<BuildContext> {
  const { createIgnoreMatcher, ContentCache } = await import('../context/index.js');
  const contents = new ContentCache();
  return { root, dockerignore: createIgnoreMatcher([]), contents, release: async () => contents.clear() };
}
