/**
 * Extended attributes through the attr tools (Debian package attr): Node has no xattr API.
 * One getfattr run reads a whole tree; setfattr runs only for the (rare) files that have any.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DrydockError } from '../../util/errors.js';

const run = promisify(execFile);

/** getfattr escapes odd bytes in names as \ooo and backslash as \\. */
function unescapeName(s: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x5c && i + 3 < raw.length + 1 && /^[0-7]{3}$/.test(raw.toString('latin1', i + 1, i + 4))) {
      bytes.push(parseInt(raw.toString('latin1', i + 1, i + 4), 8));
      i += 3;
    } else if (raw[i] === 0x5c && raw[i + 1] === 0x5c) {
      bytes.push(0x5c);
      i++;
    } else bytes.push(raw[i]!);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Every file under `dir` that has xattrs (absolute path -> name -> value); `system.*` (ACLs) excluded. */
export async function readXattrTree(dir: string): Promise<Map<string, Record<string, Buffer>>> {
  let stdout: string;
  try {
    ({ stdout } = await run('getfattr', ['-R', '-P', '-d', '-m', '-', '-e', 'hex', '--absolute-names', dir], { maxBuffer: 256 << 20 }));
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string };
    if (err.code === 'ENOENT') throw new DrydockError('STORE', 'getfattr is not installed (apt-get install attr)');
    stdout = err.stdout ?? ''; // exit 1 when some file has none or is unreadable: keep what was read
  }
  const out = new Map<string, Record<string, Buffer>>();
  let current: Record<string, Buffer> | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = {};
      out.set(unescapeName(line.slice(8)), current);
    } else if (current && line.includes('=')) {
      const eq = line.indexOf('=');
      const key = line.slice(0, eq);
      const val = line.slice(eq + 1);
      if (key.startsWith('system.')) continue;
      current[key] = val.startsWith('0x') ? Buffer.from(val.slice(2), 'hex') : Buffer.from(val.replace(/^"|"$/g, ''));
    }
  }
  for (const [k, v] of out) if (Object.keys(v).length === 0) out.delete(k);
  return out;
}

export async function setXattrs(path: string, xattrs: Record<string, Buffer>): Promise<void> {
  for (const [k, v] of Object.entries(xattrs)) {
    try {
      await run('setfattr', ['-h', '-n', k, '-v', `0x${v.toString('hex')}`, '--', path]);
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      if (err.code === 'ENOENT') throw new DrydockError('STORE', 'setfattr is not installed (apt-get install attr)');
      // Unprivileged users cannot set security.* / trusted.*: skipped as tar does.
      if (process.getuid?.() === 0 || !/^(security|trusted)\./.test(k)) {
        throw new DrydockError('STORE', `cannot set xattr ${k} on ${path}: ${(err.stderr ?? err.message).trim()}`);
      }
    }
  }
}
