/**
 * `drydock rm ID` where ID is not what `images.get` finds by id (the host platform's config): the
 * digest of a multi-platform image's index (what `build` prints and `--iidfile` holds, the image
 * ID of docker's containerd store), or the config ID `drydock images` shows for another platform.
 *   index digest   every tag of that index is untagged, as `rm` by id does
 *   platform ID    refused unless forced, naming the tags to remove: the tag names the whole
 *                  index, and neither docker nor containerd rewrites an index to drop one
 *                  platform, so deleting "the arm64 image" means removing the tag and with it
 *                  every platform; docker refuses a delete by id that would remove more than
 *                  was named ("conflict: unable to delete … (must be forced)"), and -f goes on;
 *                  so does a command that removes those tags anyway (`rm $(drydock images -q)`).
 */
import { formatPlatform } from '../image/platform.js';
import { isIndexMediaType } from '../image/oci.js';
import { parseReference } from '../image/reference.js';
import { resolvePlatforms } from '../image/resolve.js';
import { DrydockError } from '../util/errors.js';
import type { Store } from './index.js';
import type { ImageRecord } from './images.js';

interface Match {
  records: ImageRecord[];
  /** The platform whose config matched; absent for the index digest. */
  platform?: string;
  platforms: string[];
}

/** The records `rm` removes for `name`; `removing`: references the same command already removes. */
export async function platformIdRecords(store: Store, name: string, opts: { force?: boolean; removing?: Set<string> }): Promise<ImageRecord[]> {
  const id = /^(?:sha256:)?([a-f0-9]{1,64})$/.exec(name)?.[1];
  const matches = new Map<string, Match>();
  if (id) {
    for (const r of await store.images.list()) {
      if (!isIndexMediaType(r.target.mediaType)) continue;
      const images = await resolvePlatforms(store.content, r.target).catch(() => []);
      const platforms = images.map((i) => formatPlatform(i.platform));
      const add = (digest: string, platform?: string) => {
        const m = matches.get(digest) ?? { records: [], platforms, ...(platform ? { platform } : {}) };
        if (!m.records.some((x) => x.ref === r.ref)) m.records.push(r);
        matches.set(digest, m);
      };
      if (r.target.digest.slice(7).startsWith(id)) add(r.target.digest);
      for (const i of images) if (i.configDescriptor.digest.slice(7).startsWith(id)) add(i.configDescriptor.digest, formatPlatform(i.platform));
    }
  }
  if (matches.size > 1) throw new DrydockError('USAGE', `image id prefix ${JSON.stringify(name)} is ambiguous`);
  const m = matches.values().next().value;
  if (!m) throw new DrydockError('NOT_FOUND', `No such image: ${name}`);
  const tags = m.records.map((r) => parseReference(r.ref).familiar()).join(', ');
  const repos = new Set(m.records.map((r) => parseReference(r.ref).repository));
  if (opts.force || m.records.every((r) => opts.removing?.has(r.ref))) return m.records;
  if (m.platform) {
    throw new DrydockError('USAGE', `conflict: unable to delete ${name} (must be forced) - it is the ${m.platform} image of ${tags} (${m.platforms.join(', ')}): remove ${tags} to delete every platform`);
  }
  if (repos.size > 1) throw new DrydockError('USAGE', `conflict: unable to delete ${name} (must be forced) - image is referenced in multiple repositories`);
  return m.records;
}
