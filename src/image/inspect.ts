/** What `drydock images` and `drydock inspect` show: Docker's image summary and inspect shapes. */
import type { Store, ImageRecord } from '../store/index.js';
import { resolveFromContent, resolvePlatforms, type ResolvedImage } from './resolve.js';
import { formatPlatform, isAttestation, platformMatches } from './platform.js';
import { parseReference } from './reference.js';
import { hostPlatform, isIndexMediaType, type ContainerConfig, type Descriptor, type Digest, type Index, type Manifest, type Platform } from './oci.js';

export interface ImageSummary {
  /** docker.io/library/busybox -> 'busybox' */
  repository: string;
  tag: string;
  id: Digest;
  digest: Digest;
  created?: string;
  /** Bytes of the image's blobs (manifest, config, layers as stored). */
  size: number;
  /** `os/arch[/variant]` of one platform of a multi-platform image (summarizePlatforms). */
  platform?: string;
}

export interface ImageInspect {
  Id: Digest;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created?: string;
  Author: string;
  Config: ContainerConfig | null;
  Architecture: string;
  Variant?: string;
  Os: string;
  Size: number;
  RootFS: { Type: string; Layers: Digest[] };
  Metadata: { LastTagTime?: string };
  Descriptor: Descriptor;
  Manifest: Manifest;
  Index?: Index;
  /** A multi-platform image: each platform of its index, and whether the store holds its image. */
  Platforms?: Array<{ Platform: string; Digest: Digest; Id?: Digest; Size?: number; Present: boolean }>;
}

function imageSize(img: ResolvedImage): number {
  return img.manifestDescriptor.size + img.configDescriptor.size + img.manifest.layers.reduce((a, l) => a + l.size, 0);
}

export async function summarize(store: Store, rec: ImageRecord): Promise<ImageSummary> {
  const img = await resolveFromContent(store.content, rec.target);
  const r = parseReference(rec.ref, { defaultTag: false });
  const familiarRepo = parseReference(r.repository, { defaultTag: false }).familiar();
  return {
    repository: familiarRepo,
    tag: r.tag ?? '<none>',
    id: img.configDescriptor.digest,
    digest: rec.target.digest,
    created: img.config.created,
    size: imageSize(img),
  };
}

/**
 * One summary per platform the store holds of a multi-platform image (an index with several
 * platforms' images present), else the one summary; `drydock images` lists each.
 */
export async function summarizePlatforms(store: Store, rec: ImageRecord): Promise<ImageSummary[]> {
  if (!isIndexMediaType(rec.target.mediaType)) return [await summarize(store, rec)];
  const images = await resolvePlatforms(store.content, rec.target);
  if (images.length === 0) return [await summarize(store, rec)];
  // A single platform is named only when it is not the host's (e.g. a `pull --platform`).
  const named = images.length > 1 || !platformMatches(hostPlatform(), images[0]!.platform);
  const r = parseReference(rec.ref, { defaultTag: false });
  const repository = parseReference(r.repository, { defaultTag: false }).familiar();
  return images.map((img) => ({
    repository, tag: r.tag ?? '<none>', id: img.configDescriptor.digest, digest: rec.target.digest,
    created: img.config.created, size: imageSize(img), ...(named ? { platform: formatPlatform(img.platform) } : {}),
  }));
}

/** One inspect object per image id, with every reference that names it. */
export async function inspectImage(store: Store, rec: ImageRecord, platform?: Platform): Promise<ImageInspect> {
  const img = await resolveFromContent(store.content, rec.target, platform);
  const id = img.configDescriptor.digest;
  const all = await store.images.byId(id);
  const refs = all.length ? all : [rec];
  const tags = refs.map((x) => parseReference(x.ref, { defaultTag: false })).filter((r) => r.tag).map((r) => r.familiar().replace(/@.*$/, ''));
  const digests = [...new Set(refs.map((x) => `${parseReference(parseReference(x.ref).repository, { defaultTag: false }).familiar()}@${x.target.digest}`))];
  const c = img.config as typeof img.config & { comment?: string; author?: string };
  return {
    Id: id,
    RepoTags: [...new Set(tags)],
    RepoDigests: digests,
    Parent: '',
    Comment: c.comment ?? c.history?.at(-1)?.comment ?? '',
    Created: img.config.created,
    Author: c.author ?? '',
    Config: img.config.config ?? null,
    Architecture: img.config.architecture,
    ...(img.config.variant ? { Variant: img.config.variant } : {}),
    Os: img.config.os,
    Size: imageSize(img),
    RootFS: { Type: img.config.rootfs?.type ?? 'layers', Layers: img.config.rootfs?.diff_ids ?? [] },
    Metadata: { LastTagTime: refs.map((x) => x.created).sort().at(-1) },
    Descriptor: rec.target,
    Manifest: img.manifest,
    ...(img.index ? { Index: img.index, Platforms: await platformsOf(store, rec.target, img.index) } : {}),
  };
}

async function platformsOf(store: Store, target: Descriptor, index: Index): Promise<NonNullable<ImageInspect['Platforms']>> {
  const present = new Map((await resolvePlatforms(store.content, target)).map((p) => [p.manifestDescriptor.digest, p]));
  return index.manifests.filter((d) => d.platform && !isAttestation(d)).map((d) => {
    const p = present.get(d.digest);
    return { Platform: formatPlatform(d.platform!), Digest: d.digest, ...(p ? { Id: p.configDescriptor.digest, Size: imageSize(p) } : {}), Present: !!p?.complete };
  });
}
