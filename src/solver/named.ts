/**
 * Named contexts (`--build-context NAME=…`) as the solver sees them: an image (its layers and
 * config, like a FROM image), or a directory used the way the build context is (its own
 * .dockerignore, files arriving owned 0:0). What a name holds is resolved by the build
 * (src/build/named-contexts.ts); here a directory becomes a stage's base or a COPY source.
 */
import type { ImageConfig, Platform } from '../image/oci.js';
import { baseKey, cacheKey, type CacheKey, type LayerRef } from '../graph/index.js';
import type { BuildContext } from '../context/index.js';
import type { ResolvedImage } from './images.js';
import { layerAvailable, layerStep } from './workspace.js';
import type { StageEnv, SolveStage } from './stage.js';

export type NamedSource =
  | { kind: 'image'; image: ResolvedImage }
  | {
    kind: 'dir';
    context: BuildContext;
    /** What the history of a stage built FROM it says (`local://NAME`, the URL). */
    description: string;
    /** Content hash of what `sel` selects (the cache key input, as for the build context). */
    hash(sel: { sources: string[]; exclude?: string[] }): Promise<string>;
  };

export interface NamedSources {
  /** The context named `name` (a PlanOptions.namedContexts key); resolved once per build. */
  resolve(name: string): Promise<NamedSource>;
}

export interface NamedBase {
  key: CacheKey;
  config: ImageConfig;
  layers: LayerRef[];
  used?: CacheKey[];
  /** Set for a directory: the stage starts from the frontend's empty image, not this config. */
  noImageConfig?: boolean;
  image?: { ref: string; digest: string };
}

/**
 * FROM NAME. An image is a base like any image. A directory's files become the stage's one
 * base layer (BuildKit's local, git or http source as the root), made like `COPY . /` on
 * scratch and kept in the step cache under the content hash, so an unchanged directory is
 * not copied again. Its history entry is the one BuildKit's exporter adds for a layer no
 * Dockerfile step made (exporter/containerimage/writer.go normalizeLayersAndHistory).
 */
export async function namedBase(stage: SolveStage, name: string, env: StageEnv): Promise<NamedBase> {
  const src = await namedSource(env, name);
  if (src.kind === 'image') {
    const img = src.image;
    env.emit({ type: 'base-resolved', time: Date.now(), stage: stage.index, ref: img.ref, digest: img.manifestDigest, source: img.source });
    return { key: baseKey(img.manifestDigest), config: img.config, layers: img.layers, image: { ref: img.ref, digest: img.manifestDigest } };
  }
  const key = cacheKey('scratch', 'named-context', { content: await src.hash({ sources: ['.'] }) });
  let rec = stage.noCache ? undefined : await env.cache.get(key);
  if (rec?.layer && !(await layerAvailable(env.ws.store, rec.layer))) rec = undefined;
  if (!rec?.layer) {
    const { copyInto } = await import('../fileop/index.js');
    const layer = await layerStep(env.ws, [], (rootfs) => copyInto({
      srcRoot: src.context.root, sources: ['.'], dest: '/', destRoot: rootfs, ignore: src.context.dockerignore,
      contents: src.context.contents, allowWildcards: false,
    }), stage.inImage === false ? 'snapshot' : 'gzip');
    rec = { key, created: new Date().toISOString(), createdBy: src.description, layer };
    await env.cache.put(rec);
  } else {
    await env.cache.touch(key);
  }
  env.emit({ type: 'base-resolved', time: Date.now(), stage: stage.index, ref: src.description, source: 'local' });
  const epoch = env.ws.sourceDateEpoch;
  const created = epoch !== undefined ? new Date(epoch * 1000).toISOString() : rec.created;
  const config: ImageConfig = {
    ...platformFields(env.platform),
    config: {},
    rootfs: { type: 'layers', diff_ids: [rec.layer!.diffID] },
    history: [{ created, created_by: src.description, comment: 'buildkit.exporter.image.v0' }],
  };
  return { key, config, layers: [rec.layer!], used: [key], noImageConfig: true };
}

/** The content identity of what a step reads from a named context. */
export async function namedIdentity(env: StageEnv, name: string, sel: { sources: string[]; exclude?: string[] }): Promise<string> {
  const src = await namedSource(env, name);
  return src.kind === 'image' ? src.image.manifestDigest : `${name}:${await src.hash(sel)}`;
}

export function namedSource(env: StageEnv, name: string): Promise<NamedSource> {
  if (!env.named) throw new Error(`named context ${name} used in a build that has none`);
  return env.named.resolve(name);
}

function platformFields(p: Platform): Pick<ImageConfig, 'architecture' | 'os' | 'variant'> {
  return { architecture: p.architecture, os: p.os, ...(p.variant ? { variant: p.variant } : {}) };
}
