/**
 * `RUN --mount=type=…,from=…,target=…` (BuildKit's `commands_runmount.go`). Parsed twice
 * like BuildKit: once at parse time without expansion (only `from` is read, and must not use
 * variables), and again at dispatch with every value expanded and fully validated.
 */
import { withSuggestion } from '../util/suggest.js';

/** A user error in a --mount value; callers add the location. */
export class MountError extends Error {}

export type MountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
export type CacheSharing = 'shared' | 'private' | 'locked';

export interface Mount {
  type: MountType;
  /** Stage name/index or image reference; '' = build context (bind) or scratch (cache). */
  from: string;
  source: string;
  target: string;
  readOnly: boolean;
  /** tmpfs size in bytes, 0 = unlimited. */
  sizeLimit: number;
  /** `id=` (cache id, secret id, ssh id). */
  id: string;
  sharing?: CacheSharing;
  required: boolean;
  /** secret exposed as this environment variable. */
  env?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

const MOUNT_TYPES: readonly MountType[] = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const SHARING: readonly CacheSharing[] = ['shared', 'private', 'locked'];
const ALL_KEYS = ['type', 'from', 'source', 'target', 'readonly', 'id', 'sharing', 'required', 'size', 'mode', 'uid', 'gid', 'src', 'dst', 'destination', 'ro', 'rw', 'readwrite', 'env'];

/** Parse-time pass: the unexpanded `from=` value ('' when absent). */
export function mountFrom(spec: string): string {
  let from = '';
  for (const field of csvFields(spec)) {
    const eq = field.indexOf('=');
    if (eq < 0 || field.slice(0, eq).toLowerCase() !== 'from') continue;
    const value = field.slice(eq + 1);
    const dollar = value.indexOf('$');
    if (dollar !== -1 && dollar !== value.length - 1) throw new MountError("'from' doesn't support variable expansion, define alias stage instead");
    from = value;
  }
  return from;
}

/** Dispatch-time pass: every value expanded with `expand`, then validated. */
export function parseMount(spec: string, expand: (word: string) => string): Mount {
  const m: Mount = { type: 'bind', from: '', source: '', target: '', readOnly: false, sizeLimit: 0, id: '', required: false };
  let roAuto = true;
  const needsSecretOrSsh = (key: string): void => {
    if (m.type !== 'secret' && m.type !== 'ssh') throw new MountError(`unexpected key '${key}' for mount type '${m.type}'`);
  };
  for (const field of csvFields(spec)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      if (key === 'readonly' || key === 'ro') { m.readOnly = true; roAuto = false; continue; }
      if (key === 'readwrite' || key === 'rw') { m.readOnly = false; roAuto = false; continue; }
      if (key === 'required') { needsSecretOrSsh(key); m.required = true; continue; }
      throw new MountError(`invalid field '${field}' must be a key=value pair`);
    }
    const value = expand(field.slice(eq + 1));
    switch (key) {
      case 'type': {
        const t = value.toLowerCase() as MountType;
        if (!MOUNT_TYPES.includes(t)) throw new MountError(withSuggestion(`unsupported mount type "${value}"`, value, MOUNT_TYPES, true));
        m.type = t;
        break;
      }
      case 'from': m.from = value; break;
      case 'source': case 'src': m.source = value; break;
      case 'target': case 'dst': case 'destination': m.target = value; break;
      case 'readonly': case 'ro': m.readOnly = parseBool(key, value); roAuto = false; break;
      case 'readwrite': case 'rw': m.readOnly = !parseBool(key, value); roAuto = false; break;
      case 'required': needsSecretOrSsh(key); m.required = parseBool(key, value); break;
      case 'size':
        if (m.type !== 'tmpfs') throw new MountError(`unexpected key '${key}' for mount type '${m.type}'`);
        m.sizeLimit = ramInBytes(value, key);
        break;
      case 'id': m.id = value; break;
      case 'sharing': {
        const s = value.toLowerCase() as CacheSharing;
        if (!SHARING.includes(s)) throw new MountError(withSuggestion(`unsupported sharing value "${value}"`, value, SHARING, true));
        m.sharing = s;
        break;
      }
      case 'mode': m.mode = parseUint(value, 8, 'mode'); break;
      case 'uid': m.uid = parseUint(value, 10, 'uid'); break;
      case 'gid': m.gid = parseUint(value, 10, 'gid'); break;
      case 'env': m.env = value; break;
      default:
        throw new MountError(withSuggestion(`unexpected key '${key}' in '${field}'`, key, ALL_KEYS, true));
    }
  }
  if (m.type !== 'secret' && m.type !== 'ssh' && m.type !== 'cache') {
    for (const k of ['mode', 'uid', 'gid'] as const) {
      if (m[k] !== undefined) throw new MountError(`${k} not allowed for "${m.type}" type mounts`);
    }
  }
  if (roAuto) m.readOnly = !(m.type === 'cache' || m.type === 'tmpfs');
  if (m.type === 'secret') {
    if (m.from !== '') throw new MountError('secret mount should not have a from');
    if (m.sharing) throw new MountError('secret mount should not define sharing');
    if (m.source === '' && m.target === '' && m.id === '') throw new MountError('invalid secret mount. one of source, target required');
    if (m.source !== '' && m.id !== '') throw new MountError("both source and id can't be set");
  }
  if (m.sharing && m.type !== 'cache') throw new MountError(`invalid cache sharing set for ${m.type} mount`);
  return m;
}

/** One CSV record (Go's encoding/csv rules: `"…"` quoting with `""` for a quote). */
export function csvFields(s: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (i >= s.length) throw new MountError(`failed to parse csv mounts: extraneous or missing " in quoted-field`);
        if (s[i] === '"') {
          if (s[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += s[i++];
      }
      if (i < s.length && s[i] !== ',') throw new MountError(`failed to parse csv mounts: extraneous or missing " in quoted-field`);
    } else {
      while (i < s.length && s[i] !== ',') {
        if (s[i] === '"') throw new MountError(`failed to parse csv mounts: bare " in non-quoted-field`);
        field += s[i++];
      }
    }
    fields.push(field);
    if (i >= s.length) return fields;
    i++; // the comma
  }
}

function parseBool(key: string, value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new MountError(`invalid value for ${key}: ${value}`);
}

function parseUint(value: string, base: 8 | 10, key: string): number {
  const re = base === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  const n = re.test(value) ? Number.parseInt(value, base) : Number.NaN;
  if (!Number.isFinite(n) || n > 0xffffffff) throw new MountError(`invalid value ${value} for ${key}`);
  return n;
}

/** docker/go-units `RAMInBytes`: `64m`, `1g`, `512KiB`, plain bytes; binary multiples. */
function ramInBytes(value: string, key: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value);
  if (!m) throw new MountError(`invalid value for ${key}: ${value}`);
  const mult: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };
  return Math.trunc(Number.parseFloat(m[1]!) * (m[2] ? mult[m[2].toLowerCase()]! : 1));
}
