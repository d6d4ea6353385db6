/**
 * reference "expected": drydock's image against the documented current BuildKit behaviour a case
 * records in expected.json (paths in the flattened root filesystem, a config subset, the number
 * of layers), for features docker 20.10's BuildKit v0.8 lacks.
 */
import { createHash } from 'node:crypto';
import type { SavedImage } from './archive.js';
import { configValue, fmtNode } from './compare.js';
import { flatten, type FsNode } from './layers.js';

export interface ExpectedPath {
  type: FsNode['type'];
  mode?: string;
  uid?: number;
  gid?: number;
  content?: string;
  /** For content too large to write here: its size and sha256 (hex). */
  size?: number;
  sha256?: string;
  linkname?: string;
  /** Extended attributes as the layers carry them (name → value, as the runner reads them). */
  xattrs?: Record<string, string>;
}

export interface Expected {
  paths?: Record<string, ExpectedPath | null>;
  config?: Record<string, unknown>;
  layers?: number;
}

function pathProblem(want: ExpectedPath, got: FsNode): string | undefined {
  const bad: string[] = [];
  if (want.type !== got.type) bad.push(`type ${want.type}`);
  if (want.mode !== undefined && parseInt(want.mode, 8) !== got.mode) bad.push(`mode ${want.mode}`);
  if (want.uid !== undefined && want.uid !== got.uid) bad.push(`uid ${want.uid}`);
  if (want.gid !== undefined && want.gid !== got.gid) bad.push(`gid ${want.gid}`);
  if (want.linkname !== undefined && want.linkname !== got.linkname) bad.push(`linkname ${JSON.stringify(want.linkname)}`);
  if (want.size !== undefined && want.size !== got.size) bad.push(`size ${want.size}`);
  if (want.sha256 !== undefined && want.sha256 !== got.sha256) bad.push(`sha256:${want.sha256.slice(0, 12)}`);
  if (want.xattrs !== undefined && JSON.stringify(Object.entries(want.xattrs).sort()) !== JSON.stringify(Object.entries(got.xattrs ?? {}).sort())) {
    bad.push(`xattrs ${JSON.stringify(want.xattrs)}`);
  }
  if (want.content !== undefined) {
    const sha = createHash('sha256').update(want.content).digest('hex');
    if (sha !== got.sha256) bad.push(`content ${JSON.stringify(want.content.slice(0, 60))} (sha256:${sha.slice(0, 12)})`);
  }
  return bad.length ? `expected ${bad.join(', ')}` : undefined;
}

/** Differences between drydock's image and expected.json, as readable lines. */
export function checkExpected(dd: SavedImage, want: Expected): string[] {
  const out: string[] = [];
  const fs = flatten(dd.layers);
  for (const [p, w] of Object.entries(want.paths ?? {})) {
    const got = fs.get(p);
    if (w === null) {
      if (got) out.push(`  ${p}: expected absent, drydock has ${fmtNode(got)}`);
    } else if (!got) out.push(`  ${p}: expected ${w.type}, drydock has nothing there`);
    else {
      const why = pathProblem(w, got);
      if (why) out.push(`  ${p}: ${why}; drydock has ${fmtNode(got)}`);
    }
  }
  for (const [k, v] of Object.entries(want.config ?? {})) {
    const expect = configValue({ config: { [k]: v } }, k);
    const got = configValue(dd.config, k);
    if (expect !== got) out.push(`  config.${k}: expected ${expect}, drydock has ${got}`);
  }
  if (want.layers !== undefined && want.layers !== dd.layers.length) out.push(`  layers: expected ${want.layers}, drydock has ${dd.layers.length}`);
  return out;
}
