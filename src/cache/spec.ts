/**
 * `--cache-to` / `--cache-from` values, parsed as buildx spells them:
 *   type=registry,ref=REG/REPO:tag[,mode=min|max][,compression=gzip|zstd|uncompressed]...
 *   type=local,dest=DIR (export) / type=local,src=DIR (import)[,tag=NAME]
 *   type=inline (export only: the records travel in the image config)
 *   mounts=true|ID1:ID2[,mounts-max-size=SIZE] (registry/local export: cache mounts' contents too)
 *   REF alone means type=registry,ref=REF.
 */
import type { Compression } from '../image/oci.js';
import { DrydockError } from '../util/errors.js';
import { parseSize } from '../util/units.js';

/** min: the records of the final image's stages; max: those of every stage the build ran. */
export type CacheMode = 'min' | 'max';

export type CacheLocation =
  | { type: 'registry'; ref: string }
  /** An OCI image layout directory; `tag` names the cache in its index.json (default `latest`). */
  | { type: 'local'; dir: string; tag?: string }
  | { type: 'inline' };

export interface CacheExportTuning {
  mode?: CacheMode;
  /** Layers in another compression are converted for the export (see forceCompression). */
  compression?: Compression;
  compressionLevel?: number;
  /** Convert every layer, not only the ones this build made. */
  forceCompression?: boolean;
  /** A failed export becomes a warning instead of failing the build. */
  ignoreError?: boolean;
  /** Export the contents of the cache mounts the build used: all (true) or these cache ids. */
  mounts?: true | string[];
  /** Bytes of content a mount may hold to be exported (src/cache/mounts DEFAULT_MOUNT_MAX_SIZE). */
  mountsMaxSize?: number;
}

export type CacheSpec = CacheLocation & CacheExportTuning;

export type CacheDirection = 'to' | 'from';

export function parseCacheSpec(spec: string, direction: CacheDirection): CacheSpec {
  const flag = `--cache-${direction}`;
  if (!spec.includes('=')) {
    if (!spec.trim()) throw new DrydockError('USAGE', `${flag}: empty value`);
    return { type: 'registry', ref: spec.trim() };
  }
  const attrs = new Map<string, string>();
  for (const part of spec.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) throw new DrydockError('USAGE', `invalid ${flag} "${spec}": expected key=value pairs`);
    attrs.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const take = (k: string) => { const v = attrs.get(k); attrs.delete(k); return v; };
  const type = take('type');
  let loc: CacheLocation;
  if (type === 'registry') {
    const ref = take('ref');
    if (!ref) throw new DrydockError('USAGE', `${flag} type=registry needs ref=REGISTRY/REPOSITORY[:TAG]`);
    loc = { type, ref };
  } else if (type === 'local') {
    const key = direction === 'to' ? 'dest' : 'src';
    const dir = take(key);
    if (!dir) throw new DrydockError('USAGE', `${flag} type=local needs ${key}=DIR`);
    const tag = take('tag');
    loc = { type, dir, ...(tag ? { tag } : {}) };
  } else if (type === 'inline') {
    if (direction === 'from') {
      throw new DrydockError('USAGE', `--cache-from type=inline: import an image's inline cache with type=registry,ref=IMAGE`);
    }
    loc = { type };
  } else {
    throw new DrydockError('USAGE', `invalid ${flag} "${spec}": type must be registry, local${direction === 'to' ? ' or inline' : ''}`);
  }
  const tuning = direction === 'to' ? exportTuning(take, flag, loc.type) : {};
  take('ignore-error'); // accepted on import too (an import never fails the build)
  if (attrs.size) throw new DrydockError('USAGE', `${flag}: unknown attribute "${[...attrs.keys()][0]}" for type=${loc.type}`);
  return { ...loc, ...tuning };
}

function exportTuning(take: (k: string) => string | undefined, flag: string, type: CacheLocation['type']): CacheExportTuning {
  const t: CacheExportTuning = {};
  const mode = take('mode');
  if (mode !== undefined) {
    if (mode !== 'min' && mode !== 'max') throw new DrydockError('USAGE', `${flag}: mode must be min or max, got "${mode}"`);
    if (type === 'inline' && mode === 'max') throw new DrydockError('USAGE', `${flag} type=inline supports only mode=min`);
    t.mode = mode;
  }
  Object.assign(t, parseCompressionAttrs(take, flag));
  const ignore = take('ignore-error');
  if (ignore !== undefined) t.ignoreError = parseBool(ignore, `${flag} ignore-error`);
  const mounts = take('mounts');
  if (mounts !== undefined && type === 'inline') throw new DrydockError('USAGE', `${flag} type=inline cannot carry cache mounts (use type=registry or type=local)`);
  if (mounts === 'true' || mounts === '1') t.mounts = true;
  else if (mounts !== undefined && mounts !== 'false' && mounts !== '0') {
    const ids = mounts.split(':').filter(Boolean);
    if (!ids.length) throw new DrydockError('USAGE', `${flag}: mounts must be true, false or cache ids separated by ':'`);
    t.mounts = ids;
  }
  const max = take('mounts-max-size');
  if (max !== undefined) {
    try {
      t.mountsMaxSize = parseSize(max);
    } catch (e) {
      throw new DrydockError('USAGE', `${flag} mounts-max-size: ${(e as Error).message}`);
    }
  }
  return t;
}

/** compression=, compression-level=, force-compression= (shared with `-o type=oci|docker`). */
export function parseCompressionAttrs(take: (k: string) => string | undefined, what: string): Pick<CacheExportTuning, 'compression' | 'compressionLevel' | 'forceCompression'> {
  const t: Pick<CacheExportTuning, 'compression' | 'compressionLevel' | 'forceCompression'> = {};
  const c = take('compression');
  if (c !== undefined) {
    if (c !== 'gzip' && c !== 'zstd' && c !== 'uncompressed') throw new DrydockError('USAGE', `${what}: compression must be gzip, zstd or uncompressed, got "${c}"`);
    t.compression = c;
  }
  const level = take('compression-level');
  if (level !== undefined) {
    const n = Number(level);
    const max = t.compression === 'zstd' ? 19 : 9;
    const min = t.compression === 'zstd' ? 1 : 0;
    if (!t.compression || t.compression === 'uncompressed') throw new DrydockError('USAGE', `${what}: compression-level needs compression=gzip or zstd`);
    if (!Number.isInteger(n) || n < min || n > max) throw new DrydockError('USAGE', `${what}: compression-level for ${t.compression} must be ${min}-${max}, got "${level}"`);
    t.compressionLevel = n;
  }
  const force = take('force-compression');
  if (force !== undefined) t.forceCompression = parseBool(force, `${what}: force-compression`);
  return t;
}

function parseBool(v: string, what: string): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new DrydockError('USAGE', `${what} must be true or false, got "${v}"`);
}
