/**
 * Extended attributes of copied entries (file capabilities such as `security.capability` on a
 * `ping` copied from a stage, `user.*` attributes), best effort as in BuildKit. Node has no
 * xattr API, so one `getfattr -R` dumps a copied tree and one `setfattr --restore` writes the
 * attributes of the entries that were actually copied (the `attr` package; setup.sh installs it).
 */
import { spawn } from 'node:child_process';

/** Copy the xattrs of every `src → target` in `copied`, found by dumping the tree at `srcTop`. */
export async function copyXattrs(srcTop: string, copied: ReadonlyMap<string, string>): Promise<void> {
  if (copied.size === 0) return;
  const dump = await run('getfattr', ['-R', '-P', '-d', '-m', '-', '-e', 'base64', '--absolute-names', '--', srcTop]);
  if (dump === undefined || dump.trim() === '') return;
  let out = '';
  for (const block of dump.split(/\n\n+/)) {
    const lines = block.split('\n').filter((l) => l !== '');
    const header = lines[0];
    if (!header?.startsWith('# file: ') || lines.length < 2) continue;
    const target = copied.get(unescapeName(header.slice('# file: '.length)));
    if (target === undefined) continue;
    out += `# file: ${escapeName(target)}\n${lines.slice(1).join('\n')}\n\n`;
  }
  if (out !== '') await run('setfattr', ['-h', '--restore=-'], out);
}

function run(cmd: string, args: string[], input?: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.on('error', () => resolve(undefined)); // tool missing: attributes are best effort
    child.on('close', () => resolve(stdout));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

/** getfattr quotes a path's backslashes, whitespace and unprintable bytes as \ooo. */
function unescapeName(s: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x5c && i + 3 < raw.length && /^[0-7]{3}$/.test(raw.subarray(i + 1, i + 4).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 4).toString('latin1'), 8));
      i += 3;
    } else bytes.push(raw[i]!);
  }
  return Buffer.from(bytes).toString('utf8');
}

function escapeName(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += b === 0x5c || b <= 0x20 || b >= 0x7f ? '\\' + b.toString(8).padStart(3, '0') : String.fromCharCode(b);
  }
  return out;
}
