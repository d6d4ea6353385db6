/**
 * The image store: references -> manifest/index descriptors, one file per reference under
 * <root>/refs/<sha256(ref)>.json, replaced atomically (temp + rename). One file per reference
 * means no read-modify-write, so concurrent taggers never lose each other's updates.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DrydockError } from '../util/errors.js';
import { isIndexMediaType, type Descriptor, type Digest } from '../image/oci.js';
import { isDigest } from '../image/digest.js';
import { parseReference, type ImageReference } from '../image/reference.js';
import { resolveFromContent, resolvePlatforms } from '../image/resolve.js';
import type { ContentStore } from './content.js';
import { atomicWrite, isNotFound } from './fsutil.js';

export interface ImageRecord {
  /** Normalised reference: docker.io/library/busybox:latest */
  ref: string;
  /** Manifest or index descriptor. */
  target: Descriptor;
  created: string;
}

export class ImageStore {
  readonly dir: string;

  constructor(root: string, private readonly tmpDir: string, private readonly content: ContentStore) {
    this.dir = join(root, 'refs');
  }

  private file(ref: string): string {
    return join(this.dir, `${createHash('sha256').update(ref).digest('hex')}.json`);
  }

  /**
   * Finds an image by reference (any form parseReference takes) or by id (config digest or a
   * unique prefix). `platforms` (default true): an id may also be a multi-platform image's index
   * digest (what `build` prints, `--iidfile`: that record) or another platform's config digest (a
   * row of `drydock images`: the record with that platform's manifest as its target).
   */
  async get(ref: string, opts: { platforms?: boolean } = {}): Promise<ImageRecord | undefined> {
    let parsed: ImageReference | undefined;
    try {
      parsed = parseReference(ref);
    } catch {
      parsed = undefined;
    }
    if (parsed) {
      const rec = await this.read(parsed.toString());
      if (rec) return rec;
      if (parsed.digest) {
        // name@digest also finds an image of that repository whose manifest has that digest.
        const byDigest = (await this.list()).find((r) => r.target.digest === parsed!.digest && repositoryOf(r.ref) === parsed!.repository);
        if (byDigest) return byDigest;
      }
    }
    const id = /^(?:sha256:)?([a-f0-9]{1,64})$/.exec(ref);
    if (!id) return undefined;
    const matches = new Map<Digest, ImageRecord>();
    for (const r of await this.list()) {
      const imageId = await this.imageId(r).catch(() => undefined);
      if (imageId && imageId.slice(7).startsWith(id[1]!) && !matches.has(imageId)) matches.set(imageId, r);
    }
    if (matches.size > 1) throw new DrydockError('USAGE', `image id prefix ${JSON.stringify(ref)} is ambiguous`);
    if (matches.size === 0 && opts.platforms !== false) return this.byPlatformId(ref, id[1]!);
    return matches.values().next().value;
  }

  /** An index digest or one platform's config digest (prefix) of a multi-platform image. */
  private async byPlatformId(ref: string, hex: string): Promise<ImageRecord | undefined> {
    const matches = new Map<Digest, ImageRecord>();
    for (const r of await this.list()) {
      if (!isIndexMediaType(r.target.mediaType)) continue;
      if (r.target.digest.slice(7).startsWith(hex) && !matches.has(r.target.digest)) matches.set(r.target.digest, r);
      for (const p of await resolvePlatforms(this.content, r.target).catch(() => [])) {
        const id = p.configDescriptor.digest;
        if (id.slice(7).startsWith(hex) && !matches.has(id)) matches.set(id, { ...r, target: { ...p.manifestDescriptor, platform: p.platform } });
      }
    }
    if (matches.size > 1) throw new DrydockError('USAGE', `image id prefix ${JSON.stringify(ref)} is ambiguous`);
    return matches.values().next().value;
  }

  /** Every record pointing at the image with this id. */
  async byId(id: Digest): Promise<ImageRecord[]> {
    const out: ImageRecord[] = [];
    for (const r of await this.list()) if ((await this.imageId(r).catch(() => undefined)) === id) out.push(r);
    return out;
  }

  /**
   * The image id (config digest of the host-platform manifest), as docker shows it; for an index
   * without the host's platform in the store, its first stored platform's.
   */
  async imageId(r: ImageRecord): Promise<Digest> {
    try {
      return (await resolveFromContent(this.content, r.target)).configDescriptor.digest;
    } catch (e) {
      if (!(e instanceof DrydockError && e.code === 'NOT_FOUND')) throw e;
      const first = (await resolvePlatforms(this.content, r.target))[0];
      if (!first) throw e;
      return first.configDescriptor.digest;
    }
  }

  async put(ref: string, target: Descriptor): Promise<void> {
    if (!isDigest(target.digest)) throw new DrydockError('USAGE', `invalid target digest ${String(target.digest)}`);
    const name = parseReference(ref).toString();
    const rec: ImageRecord = { ref: name, target: { mediaType: target.mediaType, digest: target.digest, size: target.size, ...(target.annotations ? { annotations: target.annotations } : {}) }, created: new Date().toISOString() };
    await atomicWrite(this.tmpDir, this.file(name), JSON.stringify(rec));
  }

  async delete(ref: string): Promise<boolean> {
    const name = parseReference(ref).toString();
    try {
      await unlink(this.file(name));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  async list(): Promise<ImageRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if (isNotFound(e)) return [];
      throw e;
    }
    const out: ImageRecord[] = [];
    for (const n of names.filter((x) => x.endsWith('.json')).sort()) {
      const rec = await this.readFile(join(this.dir, n));
      if (rec) out.push(rec);
    }
    return out.sort((a, b) => a.ref.localeCompare(b.ref));
  }

  /** Record files that cannot be parsed (fsck reports and removes them). */
  async invalidFiles(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const bad: string[] = [];
    for (const n of names) if (!n.endsWith('.json') || !(await this.readFile(join(this.dir, n)))) bad.push(join(this.dir, n));
    return bad;
  }

  private async read(name: string): Promise<ImageRecord | undefined> {
    return this.readFile(this.file(name));
  }

  private async readFile(p: string): Promise<ImageRecord | undefined> {
    try {
      const rec = JSON.parse(await readFile(p, 'utf8')) as ImageRecord;
      return typeof rec.ref === 'string' && isDigest(rec.target?.digest) ? rec : undefined;
    } catch {
      return undefined;
    }
  }
}

function repositoryOf(ref: string): string {
  return parseReference(ref, { defaultTag: false }).repository;
}
