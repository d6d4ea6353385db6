/**
 * The one place where docker 20.10's BuildKit (v0.8) and current BuildKit, the spec drydock
 * follows, are known to differ in what the corpus compares. Each rule maps both images onto
 * v0.8's form, narrowly, and cites the current BuildKit source that defines the newer behaviour.
 * Anything not listed here is compared as it is.
 */
import path from 'node:path';
import type { ImageConfigJSON, SavedImage } from './archive.js';
import { applyLayer, type FsNode, type Layer, type Rootfs } from './layers.js';

/**
 * History text, mapped onto one form for both images (a no-op where a rule does not apply):
 * - COPY/ADD: current BuildKit writes --chown/--chmod into the message
 *   (dockerfile2llb/convert_copy.go, `commitMessage`), v0.8 did not: the flags are dropped.
 * - EXPOSE: current BuildKit prints the port list, `EXPOSE [80/tcp]`
 *   (dockerfile2llb/convert_expose.go), v0.8 Go's map, `EXPOSE map[80/tcp:{}]`: the map form.
 * - ARG: current BuildKit writes the value the ARG got (a --build-arg, the global default;
 *   convert.go dispatchArg), v0.8 the Dockerfile's text (`ARG FOO` even with --build-arg
 *   FOO=1): only the names are kept. The values still show in every RUN's `|N K=V` prefix.
 * - RUN's `|N K=V …` prefix: v0.8 lists an ARG declared twice twice; current BuildKit once, at
 *   its first place with its last value (convert.go runCommandString): the repeats are dropped.
 * - HEALTHCHECK: current BuildKit prints the struct with `%+v`, `{Test:[CMD-SHELL x] Interval:5s …}`
 *   (convert.go dispatchHealthcheck), v0.8 with `%q` of its pointer, `&{["CMD-SHELL" "x"] "5s" …}`:
 *   both become `HEALTHCHECK test=[…] interval=… timeout=… start=… retries=N` (StartInterval is
 *   newer than v0.8 and left out).
 */
export function canonicalHistory(createdBy: string, argNamesDeclared: Set<string>): string {
  return createdBy
    .replace(/^(COPY|ADD)((?: --(?:chown|chmod)=\S+)+) /, '$1 ')
    .replace(/^EXPOSE \[(.*)\]$/, (_m, ports: string) => `EXPOSE map[${ports.split(' ').sort().map((p) => `${p}:{}`).join(' ')}]`)
    .replace(/^ARG (.*)$/s, (_m, args: string) => `ARG ${argNames(args, argNamesDeclared)}`)
    .replace(/^RUN \|(\d+) (.*)$/s, (m, n: string, rest: string) => dedupRunArgs(Number(n), rest) ?? m)
    .replace(/^HEALTHCHECK (.*)$/s, (m, h: string) => canonicalHealthcheck(h) ?? m);
}

function canonicalHealthcheck(h: string): string | undefined {
  const out = (test: string, i: string, t: string, s: string, r: number) => `HEALTHCHECK test=[${test}] interval=${i} timeout=${t} start=${s} retries=${r}`;
  const now = /^\{Test:\[(.*)\] Interval:(\S+) Timeout:(\S+) StartPeriod:(\S+)(?: StartInterval:\S+)? Retries:(\d+)\}$/s.exec(h);
  if (now) return out(now[1]!, now[2]!, now[3]!, now[4]!, Number(now[5]));
  const v08 = /^&\{\[(.*)\] "(\S+)" "(\S+)" "(\S+)" '(.+)'\}$/s.exec(h);
  if (!v08) return undefined;
  const test = v08[1] ? (JSON.parse(`[${v08[1].replace(/" "/g, '","')}]`) as string[]).join(' ') : '';
  return out(test, v08[2]!, v08[3]!, v08[4]!, goRune(v08[5]!));
}

/** The number a Go `%q` printed as a rune literal: '\x04', '\n', 'a'. */
function goRune(q: string): number {
  const esc: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39 };
  if (!q.startsWith('\\')) return q.codePointAt(0)!;
  if (/^\\[xuU]/.test(q)) return parseInt(q.slice(2), 16);
  if (/^\\[0-7]{3}$/.test(q)) return parseInt(q.slice(1), 8);
  return esc[q.slice(1)] ?? NaN;
}

/** Every name an ARG in the Dockerfile declares. */
export function declaredArgs(dockerfile: string): Set<string> {
  const out = new Set<string>();
  for (const m of dockerfile.matchAll(/^[ \t]*ARG[ \t]+(.*)$/gim)) {
    for (const w of m[1]!.split(/\s+/)) {
      const k = /^([A-Za-z_][A-Za-z0-9_]*)(=|$)/.exec(w);
      if (k) out.add(k[1]!);
    }
  }
  return out;
}

/** `A=1 B=x y C` -> `A B C`: the words that start with a declared name (values can hold spaces). */
function argNames(args: string, names: Set<string>): string {
  return args.split(' ').map((w) => w.split('=')[0]!).filter((k) => names.has(k)).join(' ');
}

/**
 * `|3 A=1 B=x y A=1 cmd…` -> `|2 A=1 B=x y cmd…`. An entry starts at a `KEY=` word and runs to
 * the next one; the last entry is one word (where the command starts cannot be told otherwise).
 */
function dedupRunArgs(n: number, rest: string): string | undefined {
  const words = rest.split(' ');
  const entries: string[] = [];
  let i = 0;
  while (entries.length < n && i < words.length) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) return undefined;
    let e = words[i++]!;
    if (entries.length < n - 1) while (i < words.length && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) e += ' ' + words[i++]!;
    entries.push(e);
  }
  const byKey = new Map<string, string>();
  for (const e of entries) byKey.set(e.slice(0, e.indexOf('=')), e); // first place, last value
  if (byKey.size === entries.length) return undefined;
  return `RUN |${byKey.size} ${[...byKey.values(), ...words.slice(i)].join(' ')}`;
}

function withHistory(config: ImageConfigJSON, f: (s: string) => string): ImageConfigJSON {
  return { ...config, history: (config.history ?? []).map((h) => (h.created_by === undefined ? h : { ...h, created_by: f(h.created_by) })) };
}

/** Where a RUN mounts something: the Dockerfile's `--mount` targets, and the resolv.conf and hosts every RUN gets. */
export function mountTargets(dockerfile: string): Set<string> {
  const out = new Set<string>();
  const add = (p: string) => { for (let q = path.posix.resolve('/', p); q !== '/'; q = path.posix.dirname(q)) out.add(q); };
  add('/etc/resolv.conf');
  add('/etc/hosts');
  for (const m of dockerfile.matchAll(/--mount=(\S+)/g)) {
    const kv = Object.fromEntries(m[1]!.split(',').map((p) => [p.split('=')[0]!, p.slice(p.indexOf('=') + 1)]));
    const target = kv.target ?? kv.dst ?? kv.destination
      ?? (kv.type === 'secret' ? `/run/secrets/${kv.id ?? kv.source ?? kv.src}` : kv.type === 'ssh' ? '/run/buildkit/ssh_agent.0' : undefined);
    if (target) add(target);
  }
  return out;
}

const sameMeta = (a: FsNode, b: FsNode) => a.type === b.type && a.mode === b.mode && a.uid === b.uid && a.gid === b.gid
  && JSON.stringify(a.xattrs ?? {}) === JSON.stringify(b.xattrs ?? {});

/**
 * Mount stubs. For a mount target missing from the rootfs, runc creates an empty file or
 * directory (and its missing parents); v0.8 leaves them in the RUN's layer, and the directory
 * they were made in (its mtime changed). Current BuildKit removes the stubs that are still empty
 * and restores their parent's times, so neither is in the layer (executor/stubs.go,
 * MountStubsCleaner, recursive for the Dockerfile frontend: client/llb/exec.go). Dropped from
 * BuildKit's RUN layer: a mount target or one of its parents, that drydock's layer does not
 * have, that has nothing under it left in the layer, and that is either new and empty or an
 * existing directory with its attributes unchanged.
 */
function dropMountStubs(layer: Layer, lower: Rootfs, ours: Layer | undefined, targets: Set<string>): Layer {
  let entries: Map<string, FsNode> | undefined;
  for (const p of [...targets].sort((a, b) => b.length - a.length)) {
    const n = (entries ?? layer.entries).get(p);
    if (!n || ours?.entries.has(p) || ours?.hardlinks.has(p)) continue;
    const below = [...(entries ?? layer.entries).keys(), ...layer.hardlinks.keys()].some((k) => k.startsWith(p + '/'));
    if (below) continue;
    const was = lower.get(p)?.node;
    const stub = was ? sameMeta(was, n) : n.type === 'dir' || (n.type === 'file' && n.size === 0);
    if (!stub) continue;
    entries ??= new Map(layer.entries);
    entries.delete(p);
  }
  return entries ? { ...layer, entries } : layer;
}

/**
 * COPY/ADD onto a directory that exists. Since fsutil 766d471 (BuildKit v0.11), the copier gives
 * such a destination directory the source directory's times even when nothing lands in it
 * (copy/copy.go: restoreFileTimestamp, copyFileTimestamp), and dockerd's overlay2 differ records
 * the directory thus copied up; v0.8 left it untouched, so its layer lacks it (a Spring Boot
 * `COPY --from=builder application/snapshot-dependencies/ ./` of an empty layer directory).
 * Dropped from drydock's COPY/ADD layer: a directory BuildKit's layer lacks, with nothing under
 * it in the layer, whose attributes equal the ones below.
 */
function dropRestoredDirs(ours: Layer, theirs: Layer, lower: Rootfs): Layer {
  const parents = new Set<string>();
  for (const k of [...ours.entries.keys(), ...ours.hardlinks.keys(), ...ours.whiteouts, ...ours.opaque]) {
    for (let d = path.posix.dirname(k); !parents.has(d); d = path.posix.dirname(d)) {
      parents.add(d);
      if (d === '/') break;
    }
  }
  let entries: Map<string, FsNode> | undefined;
  for (const [p, n] of ours.entries) {
    if (n.type !== 'dir' || theirs.entries.has(p) || parents.has(p) || ours.opaque.has(p)) continue;
    const was = lower.get(p)?.node;
    if (!was || !sameMeta(was, n)) continue;
    entries ??= new Map(ours.entries);
    entries.delete(p);
  }
  return entries ? { ...ours, entries } : ours;
}

/**
 * BuildKit's and drydock's images, normalized where v0.8 is known to differ from current
 * BuildKit. `dockerfile`: the case's, for the RUN mount targets and the ARG names.
 */
export function normalizeV08(bk: SavedImage, dd: SavedImage, dockerfile: string): { bk: SavedImage; dd: SavedImage } {
  const targets = mountTargets(dockerfile);
  const titles = (bk.config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by ?? '');
  const lower: Rootfs = new Map();
  const ddLayers = [...dd.layers];
  const layers = bk.layers.map((l, i) => {
    const out = titles[i]?.startsWith('RUN ') ? dropMountStubs(l, lower, dd.layers[i], targets) : l;
    if (/^(COPY|ADD) /.test(titles[i] ?? '') && ddLayers[i]) ddLayers[i] = dropRestoredDirs(ddLayers[i]!, l, lower);
    applyLayer(lower, l);
    return out;
  });
  const names = declaredArgs(dockerfile);
  const history = (h: string) => canonicalHistory(h, names);
  return { bk: { ...bk, layers, config: withHistory(bk.config, history) }, dd: { ...dd, layers: ddLayers, config: withHistory(dd.config, history) } };
}
