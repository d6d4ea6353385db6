/**
 * OCI annotations an output asks for with `annotation[-TYPE][[PLATFORM]].KEY=VALUE` attributes
 * (what `--annotation [TYPE[,TYPE…]:]KEY=VALUE` becomes, as buildx's ParseAnnotations makes
 * them; BuildKit exporter/containerimage/exptypes/annotations.go ParseAnnotationKey reads them).
 * drydock exports one single-platform image, as BuildKit's exporter does for a build without
 * attestations (exporter/containerimage/writer.go, the !isMap path): `manifest` annotations go in
 * the manifest, `manifest-descriptor` ones on the descriptor that points at it (the store's
 * record, an archive's index.json), and `index`/`index-descriptor` are an error there. A
 * multi-platform build exports an index: those then go on it and on the descriptor naming it.
 */
import type { Platform } from '../image/oci.js';
import { formatPlatform, normalizePlatform, parsePlatform } from '../image/platform.js';
import { DrydockError } from '../util/errors.js';

export interface ImageAnnotations {
  manifest: Record<string, string>;
  manifestDescriptor: Record<string, string>;
}

const KEY = /^annotation(?:-([a-z-]+))?(?:\[([A-Za-z0-9_/-]+)\])?\.(\S+)$/;
const TYPES = ['index', 'index-descriptor', 'manifest', 'manifest-descriptor'];

/** True for an attribute that names an annotation. */
export function isAnnotationAttr(key: string): boolean {
  return KEY.test(key);
}

/**
 * The annotations `attrs` give an image for `platform`. A platform-qualified one applies when it
 * names the image's platform and is left out otherwise (BuildKit's AnnotationsGroup.Platform).
 */
export function imageAnnotations(attrs: Readonly<Record<string, string>>, platform: Platform, what: string, opts: { index?: boolean } = {}): ImageAnnotations {
  const out: ImageAnnotations = { manifest: {}, manifestDescriptor: {} };
  const own = formatPlatform(normalizePlatform(platform));
  for (const [k, v] of Object.entries(attrs)) {
    const m = KEY.exec(k);
    if (!m) continue;
    const type = m[1] ?? 'manifest';
    if (!TYPES.includes(type)) throw new DrydockError('USAGE', `${what}: unrecognized annotation type ${type} in "${k}"`);
    if (type === 'index' || type === 'index-descriptor') {
      if (opts.index) continue; // a multi-platform export's index: indexAnnotations()
      throw new DrydockError('USAGE', `${what}: index annotations not supported for single platform export ("${k}")`);
    }
    if (m[2] !== undefined) {
      const p = parsePlatform(m[2]);
      if (!p) throw new DrydockError('USAGE', `${what}: invalid platform "${m[2]}" in "${k}"`);
      if (formatPlatform(normalizePlatform(p)) !== own) continue;
    }
    (type === 'manifest' ? out.manifest : out.manifestDescriptor)[m[3]!] = v;
  }
  return out;
}

/**
 * `--annotation` values as output attributes (buildx util/buildflags ParseAnnotations, then
 * AnnotationKey.String()): `KEY=V` is `annotation.KEY`; `TYPE[,TYPE…]:KEY=V`, each TYPE
 * optionally `TYPE[os/arch]`, is one attribute per type.
 */
export function annotationAttrs(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of values) {
    if (s === '') continue;
    const eq = s.indexOf('=');
    if (eq < 0) throw new DrydockError('USAGE', `invalid annotation "${s}", expected key=value`);
    const k = s.slice(0, eq);
    const v = s.slice(eq + 1);
    const colon = k.indexOf(':');
    if (colon < 0) {
      out[`annotation.${k}`] = v;
      continue;
    }
    const key = k.slice(colon + 1);
    for (const t of k.slice(0, colon).split(',')) {
      const m = /^([a-z-]+)(?:\[([A-Za-z0-9_/-]+)\])?$/.exec(t);
      if (!m) throw new DrydockError('USAGE', `invalid annotation type "${t}", expected type and optional platform in square brackets`);
      if (!TYPES.includes(m[1]!)) throw new DrydockError('USAGE', `unknown annotation type "${m[1]}"`);
      let plat = '';
      if (m[2] !== undefined) {
        const p = parsePlatform(m[2]);
        if (!p) throw new DrydockError('USAGE', `invalid platform "${m[2]}" in annotation "${s}"`);
        // the platform qualifier is kept only on manifest types (AnnotationKey.String)
        if (m[1]!.startsWith('manifest')) plat = `[${formatPlatform(normalizePlatform(p))}]`;
      }
      out[`annotation-${m[1]}${plat}.${key}`] = v;
    }
  }
  return out;
}

/** A multi-platform export's `index` annotations and those of the descriptor pointing at the index. */
export function indexAnnotations(attrs: Readonly<Record<string, string>>): { index: Record<string, string>; indexDescriptor: Record<string, string> } {
  const out = { index: {} as Record<string, string>, indexDescriptor: {} as Record<string, string> };
  for (const [k, v] of Object.entries(attrs)) {
    const m = KEY.exec(k);
    if (m?.[1] === 'index') out.index[m[3]!] = v;
    else if (m?.[1] === 'index-descriptor') out.indexDescriptor[m[3]!] = v;
  }
  return out;
}
