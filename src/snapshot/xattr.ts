/**
 * Extended attributes through getfattr/setfattr (apt `attr`): Node has no xattr API and a
 * native addon would need a compiler. One getfattr process dumps a whole tree, so the cost is
 * one spawn per diff, not one per file.
 */
import { runTool } from '../util/tool.js';

/** name → raw value, for one file. */
export type Xattrs = Map<string, Buffer>;

/** overlayfs's own bookkeeping (opaque, origin, impure, redirect): never part of a layer. */
export function isOverlayXattr(name: string): boolean {
  return name.startsWith('trusted.overlay.');
}

export const OPAQUE_XATTR = 'trusted.overlay.opaque';

// getfattr escapes bytes outside printable ASCII, and backslash, as \ooo in file names.
function unescapeName(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && /^[0-7]{3}$/.test(s.slice(i + 1, i + 4))) {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(s[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export function escapeName(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += b > 0x20 && b < 0x7f && b !== 0x5c && b !== 0x3d && b !== 0x22 ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
  }
  return out;
}

function parseDump(text: string): Map<string, Xattrs> {
  const result = new Map<string, Xattrs>();
  let current: Xattrs | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = new Map();
      result.set(unescapeName(line.slice(8)), current);
    } else if (current && line !== '') {
      const eq = line.indexOf('=');
      const name = unescapeName(eq === -1 ? line : line.slice(0, eq));
      const value = eq === -1 ? '' : line.slice(eq + 1);
      current.set(name, value.startsWith('0x') ? Buffer.from(value.slice(2), 'hex') : Buffer.alloc(0));
    }
  }
  return result;
}

/**
 * Every xattr of every file under `root` (not following symlinks), keyed by absolute path;
 * files without xattrs are absent. With `recursive: false`, only `root` itself.
 */
export async function dumpXattrs(root: string, opts: { recursive?: boolean } = {}): Promise<Map<string, Xattrs>> {
  const args = ['-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names'];
  if (opts.recursive !== false) args.push('-R', '-P');
  // Exit 1 means some file could not be read (e.g. it vanished): what was read still counts.
  const { stdout } = await runTool('getfattr', [...args, root], { okCodes: [0, 1] });
  return parseDump(stdout.toString('utf8'));
}

/** Sets attributes on many files with one setfattr process. */
export async function restoreXattrs(entries: Array<{ path: string; name: string; value: Buffer }>): Promise<void> {
  if (entries.length === 0) return;
  let dump = '';
  for (const e of entries) dump += `# file: ${escapeName(e.path)}\n${escapeName(e.name)}=0x${e.value.toString('hex')}\n\n`;
  await runTool('setfattr', ['-h', '--restore=-'], { input: dump });
}
