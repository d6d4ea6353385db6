/**
 * The corpus on disk (test/conformance/cases/<name>/, format in test/conformance/README.md):
 * read and checked when a test file loads, so a malformed case fails by name, not mid-run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

/** The corpus's two sets: small cases, and real-world multi-stage Dockerfiles (slow: apt, compilers). */
export type CaseSet = 'cases' | 'realworld';
export const setDir = (set: CaseSet) => path.join(repoRoot, 'test/conformance', set);

export interface CaseSpec {
  probe: string;
  args?: Record<string, string>;
  target?: string;
  secrets?: Record<string, string>;
  reference?: 'buildkit' | 'expected';
  source?: string;
  expectError?: boolean;
  skip?: string;
  /**
   * Where drydock deliberately differs from BuildKit: the heading of its entry in
   * docs/differences.md (with "reference": "expected", whose expected.json is drydock's documented result).
   */
  differs?: string;
  /**
   * `--platform` for both builders, one or a comma-separated list: drydock builds the list in
   * one build, BuildKit (docker 20.10 builds one platform at a time) once per platform, and each
   * platform's images are compared. Base images come from a loopback registry that both use as
   * their docker.io mirror (busybox as an index of CASE_PLATFORMS).
   */
  platform?: string;
}

/** The platforms the corpus's busybox index holds (test/helpers/platform-fixtures.ts). */
export const CASE_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] as const;

export interface Case {
  name: string;
  dir: string;
  spec: CaseSpec;
  /** Set when case.json or the directory is malformed: the case's test fails with it. */
  invalid?: string;
}

const KEYS = new Set(['probe', 'args', 'target', 'secrets', 'reference', 'source', 'expectError', 'skip', 'differs', 'platform']);

/** The headings of docs/differences.md: each deliberate difference a case pins. */
const differences = (() => {
  try {
    return new Set(readFileSync(path.join(repoRoot, 'docs/differences.md'), 'utf8').split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim()));
  } catch {
    return new Set<string>();
  }
})();

function check(name: string, dir: string, spec: CaseSpec): string | undefined {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) return `case name ${name}: lower-case letters, digits, '.', '_', '-' only`;
  if (!existsSync(path.join(dir, 'Dockerfile'))) return 'no Dockerfile';
  const extra = Object.keys(spec).filter((k) => !KEYS.has(k));
  if (extra.length) return `case.json: unknown keys ${extra.join(', ')}`;
  if (typeof spec.probe !== 'string' || !spec.probe.trim() || spec.probe.includes('\n')) return 'case.json: "probe" must be one line';
  if (spec.reference !== undefined && spec.reference !== 'buildkit' && spec.reference !== 'expected') return 'case.json: "reference" is "buildkit" or "expected"';
  const expected = existsSync(path.join(dir, 'expected.json'));
  if (spec.reference === 'expected' && !expected) return 'reference "expected" needs expected.json';
  if (spec.reference === 'expected' && !spec.source) return 'reference "expected" needs a "source" citation';
  if (spec.reference !== 'expected' && expected) return 'expected.json is used only with "reference": "expected"';
  if (spec.differs !== undefined && (spec.reference !== 'expected' || !differences.has(spec.differs))) {
    return `case.json: "differs" names a "## " heading of docs/differences.md (found: ${JSON.stringify(spec.differs)}) and goes with "reference": "expected"`;
  }
  if (spec.platform !== undefined) {
    const list = typeof spec.platform === 'string' ? spec.platform.split(',') : [];
    if (!list.length || list.some((p) => !(CASE_PLATFORMS as readonly string[]).includes(p)) || new Set(list).size !== list.length) {
      return `case.json: "platform" is one or more (comma-separated, no repeats) of ${CASE_PLATFORMS.join(', ')}`;
    }
  }
  for (const k of ['args', 'secrets'] as const) {
    const v = spec[k];
    if (v !== undefined && (typeof v !== 'object' || Object.values(v).some((x) => typeof x !== 'string'))) return `case.json: "${k}" maps names to strings`;
  }
  return undefined;
}

function readCase(set: CaseSet, name: string): Case {
  const dir = path.join(setDir(set), name);
  let spec: CaseSpec;
  try {
    spec = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseSpec;
  } catch (e) {
    return { name, dir, spec: { probe: '(unreadable case.json)' }, invalid: `case.json: ${(e as Error).message}` };
  }
  return { name, dir, spec, invalid: check(name, dir, spec) };
}

/** `*`, `?` and `,`-separated alternatives, matched against the whole case name. */
function globMatcher(globs: string): (name: string) => boolean {
  const res = globs.split(',').map((g) => g.trim()).filter(Boolean)
    .map((g) => new RegExp('^' + g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$'));
  return (name) => res.length === 0 || res.some((r) => r.test(name));
}

/** Every case of a set (sorted), narrowed by $CONFORMANCE_CASE (a glob, e.g. `copy-*`). */
export function loadCases(set: CaseSet, filter = process.env.CONFORMANCE_CASE ?? ''): Case[] {
  const match = globMatcher(filter);
  const dir = setDir(set);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort()
    .filter((n) => statSync(path.join(dir, n)).isDirectory() && match(n))
    .map((n) => readCase(set, n));
}

const hash = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0);

/**
 * Shard `i` of `n`: the cases whose name hashes to i. By name, not by position, so a case added
 * while another shard file is already loaded still lands in exactly one shard.
 */
export function shardOf(all: Case[], i: number, n: number, set: CaseSet = 'cases'): Case[] {
  return all.filter((c) => (set === 'realworld' ? toolchainShard(c.name) : hash(c.name)) % n === i);
}

/**
 * A real-world case runs in the shard of its toolchain, the word before the first '-' of its
 * name: that shard's builders install the toolchain (apt-get of Go, a JDK, Rust, Node…) once and
 * its other cases find it in their caches. Split by hand for balance (go-gitea-frontend installs
 * Node too); a new toolchain goes by the hash of its word.
 */
const TOOLCHAIN_SHARD: Record<string, number> = { go: 0, node: 0, c: 0, java: 1, py: 1, rust: 1 };

function toolchainShard(name: string): number {
  const word = name.split('-')[0]!;
  return TOOLCHAIN_SHARD[word] ?? hash(word);
}
