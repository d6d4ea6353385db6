/** From an image record's target (manifest or index) to the platform manifest and its config. */
import { DrydockError } from '../util/errors.js';
import type { ContentStore, Store } from '../store/index.js';
import {
  hostPlatform, isIndexMediaType, isManifestMediaType,
  type Descriptor, type ImageConfig, type Index, type Manifest, type Platform,
} from './oci.js';
import { formatPlatform, isAttestation, platformMatches } from './platform.js';

export interface ResolvedImage {
  manifest: Manifest;
  manifestDescriptor: Descriptor;
  config: ImageConfig;
  configDescriptor: Descriptor;
  /** The top-level index when the target was multi-platform (kept, not flattened away). */
  index?: Index;
}

export async function resolveImage(store: Store, target: Descriptor, platform?: Platform): Promise<ResolvedImage> {
  return resolveFromContent(store.content, target, platform);
}

export async function resolveFromContent(content: ContentStore, target: Descriptor, platform: Platform = hostPlatform()): Promise<ResolvedImage> {
  let desc = target;
  let index: Index | undefined;
  for (let depth = 0; depth < 8; depth++) {
    const doc = await content.readJSON<Manifest & Index & { schemaVersion?: number }>(desc.digest);
    const mt = doc.mediaType ?? desc.mediaType;
    if (isIndexMediaType(mt) || (mt === undefined && Array.isArray(doc.manifests))) {
      index ??= doc;
      desc = pickManifest(doc, platform);
      continue;
    }
    if (!isManifestMediaType(mt) && !(mt === undefined && doc.config && Array.isArray(doc.layers))) {
      throw new DrydockError('FORMAT', `unsupported manifest type ${JSON.stringify(mt ?? doc.schemaVersion)} for ${desc.digest}`);
    }
    const config = await content.readJSON<ImageConfig>(doc.config.digest);
    return { manifest: doc, manifestDescriptor: desc, config, configDescriptor: doc.config, ...(index ? { index } : {}) };
  }
  throw new DrydockError('FORMAT', `image index nesting too deep at ${target.digest}`);
}

export function pickManifest(index: Index, platform: Platform): Descriptor {
  const candidates = index.manifests.filter((d) => !isAttestation(d));
  const match = candidates.find((d) => platformMatches(platform, d.platform))
    // An index whose only entry has no platform (e.g. a plain OCI layout) is a single image.
    ?? (candidates.length === 1 && !candidates[0]!.platform ? candidates[0] : undefined);
  if (!match) {
    throw new DrydockError('NOT_FOUND', `no matching manifest for ${formatPlatform(platform)} in the manifest list entries`);
  }
  return match;
}

export interface PlatformImage extends ResolvedImage {
  /** The index entry's platform (or the config's, for a single image). */
  platform: Platform;
  /** Every layer blob is in the store too. */
  complete: boolean;
}

/**
 * Each image of `target` whose manifest and config the store holds: every platform of an index
 * (a pulled index may hold only some; containerd keeps such partial indexes), or the one image.
 */
export async function resolvePlatforms(content: ContentStore, target: Descriptor): Promise<PlatformImage[]> {
  const entries = isIndexMediaType(target.mediaType)
    ? (await content.readJSON<Index>(target.digest)).manifests.filter((d) => !isAttestation(d))
    : [target];
  const out: PlatformImage[] = [];
  for (const d of entries) {
    if (isIndexMediaType(d.mediaType)) continue; // nested indexes: only through resolveFromContent
    let img: ResolvedImage;
    try {
      img = await resolveFromContent(content, d);
    } catch (e) {
      if (e instanceof DrydockError && e.code === 'NOT_FOUND') continue;
      throw e;
    }
    const c = img.config;
    const platform = d.platform ?? { os: c.os, architecture: c.architecture, ...(c.variant ? { variant: c.variant } : {}) };
    const present = await Promise.all(img.manifest.layers.map((l) => content.has(l.digest)));
    out.push({ ...img, platform, complete: present.every(Boolean) });
  }
  return out;
}
