/**
 * What the corpus compares between BuildKit's image and drydock's (test/conformance/README.md):
 * config keys, history, the number of layers, each layer's own entries, and the flattened root
 * filesystem; the result is a readable list of differences (empty: the images agree).
 */
import type { ImageConfigJSON, SavedImage } from './archive.js';
import { applyLayer, layerView, withLinkGroups, type FsNode, type Rootfs } from './layers.js';

export const CONFIG_KEYS = ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'Labels', 'ExposedPorts', 'Volumes',
  'StopSignal', 'Healthcheck', 'Shell', 'OnBuild', 'ArgsEscaped'] as const;

/** At most this many differing paths or keys are shown per section. */
const SHOW = 30;

export function fmtNode(n: FsNode | 'whiteout' | undefined): string {
  if (n === undefined) return '(absent)';
  if (n === 'whiteout') return 'whiteout';
  const parts = [n.type, n.mode.toString(8).padStart(4, '0'), `${n.uid}:${n.gid}`];
  if (n.type === 'file') parts.push(`${n.size}B`, `sha256:${n.sha256!.slice(0, 12)}`);
  if (n.linkname !== undefined) parts.push(`-> ${JSON.stringify(n.linkname)}`);
  if (n.dev) parts.push(`dev=${n.dev.join(',')}`);
  if (n.links) parts.push(`links=[${n.links.join(' ')}]`);
  if (n.xattrs) parts.push(`xattrs=${JSON.stringify(Object.fromEntries(Object.entries(n.xattrs).sort()))}`);
  return parts.join(' ');
}

/**
 * A config value for comparison. Empty and absent are one thing where Docker treats them alike
 * (Go's omitempty in one writer and `null` or `{}` in another): Labels, ports, volumes, ONBUILD,
 * an empty WorkingDir/User/StopSignal, ArgsEscaped false. Cmd, Entrypoint and Shell stay strict:
 * `[]` and unset differ there.
 */
export function configValue(config: ImageConfigJSON, key: string): string {
  const v = config.config?.[key];
  if (v === undefined || v === null || v === '' || v === false) return 'null';
  if (Array.isArray(v) && v.length === 0 && !['Cmd', 'Entrypoint', 'Shell'].includes(key)) return 'null';
  if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return 'null';
  return canonical(v);
}

/** JSON with object keys sorted (maps such as Labels have no order). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

export function historyOf(config: ImageConfigJSON): string[] {
  return (config.history ?? []).map((h) => `${JSON.stringify(h.created_by ?? '')}${h.empty_layer ? ' (empty layer)' : ''}`);
}

/** The history line of each layer (the history entries that made one). */
function layerTitles(config: ImageConfigJSON): string[] {
  return (config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by ?? '');
}

/** The keys whose values differ (the same object is the same value: a node of a shared layer). */
function diffMaps<T>(a: Map<string, T>, b: Map<string, T>, fmt: (v: T | undefined) => string): string[] {
  const keys: string[] = [];
  for (const [k, v] of a) if (v !== b.get(k)) keys.push(k);
  for (const k of b.keys()) if (!a.has(k)) keys.push(k);
  const out: string[] = [];
  for (const k of keys.sort()) {
    const x = fmt(a.get(k));
    const y = fmt(b.get(k));
    if (x !== y) out.push(`${k}\n        buildkit: ${x}\n        drydock:  ${y}`);
  }
  return out;
}

function section(title: string, lines: string[]): string[] {
  if (lines.length === 0) return [];
  const more = lines.length > SHOW ? [`    … and ${lines.length - SHOW} more`] : [];
  return [`  ${title}: ${lines.length} difference(s)`, ...lines.slice(0, SHOW).map((l) => `    ${l}`), ...more];
}

/** Differences between BuildKit's image `bk` and drydock's `dd`, as readable lines. */
export function compareImages(bk: SavedImage, dd: SavedImage): string[] {
  const out: string[] = [];
  const cfg = CONFIG_KEYS.flatMap((k) => {
    const x = configValue(bk.config, k);
    const y = configValue(dd.config, k);
    return x === y ? [] : [`${k}\n        buildkit: ${x}\n        drydock:  ${y}`];
  });
  out.push(...section('config', cfg));
  const hb = historyOf(bk.config);
  const hd = historyOf(dd.config);
  const hist: string[] = [];
  for (let i = 0; i < Math.max(hb.length, hd.length); i++) {
    if (hb[i] !== hd[i]) hist.push(`[${i}]\n        buildkit: ${hb[i] ?? '(none)'}\n        drydock:  ${hd[i] ?? '(none)'}`);
  }
  out.push(...section('history', hist));
  if (bk.layers.length !== dd.layers.length) out.push(`  layers: buildkit has ${bk.layers.length}, drydock ${dd.layers.length}`);

  const titles = layerTitles(bk.config);
  const [fb, fd]: [Rootfs, Rootfs] = [new Map(), new Map()];
  for (let i = 0; i < Math.max(bk.layers.length, dd.layers.length); i++) {
    const [lb, ld] = [bk.layers[i], dd.layers[i]];
    if (lb && ld && lb !== ld) { // the same object: the same diff ID, read once
      const lines = diffMaps(layerView(lb, fb), layerView(ld, fd), fmtNode);
      out.push(...section(`layer ${i} (${titles[i] ?? '?'})`, lines));
    }
    if (lb) applyLayer(fb, lb);
    if (ld) applyLayer(fd, ld);
  }
  out.push(...section('root filesystem', diffMaps(withLinkGroups(fb), withLinkGroups(fd), fmtNode)));
  return out;
}

/** A platform case's images must both be for that platform (os/architecture/variant of the config). */
export function platformDiff(want: string, config: ImageConfigJSON, who: string): string[] {
  const got = [config.os, config.architecture, config.variant].filter((x) => typeof x === 'string' && x).join('/');
  return got === want ? [] : [`${who}'s image is for ${got}, the case's platform is ${want}`];
}
