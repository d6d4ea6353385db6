/**
 * The `--secret` and `--ssh` flag values, parsed as buildx parses them:
 *   --secret id=npmrc,src=$HOME/.npmrc   --secret id=token,env=GH_TOKEN   --secret id=KEY
 *   --ssh default   --ssh default=$SSH_AUTH_SOCK   --ssh deploy=/path/key1,/path/key2
 */
import { DrydockError } from '../util/errors.js';

/** Where a build secret's bytes come from: a file or an environment variable. */
export interface SecretSource {
  id: string;
  file?: string;
  env?: string;
}

/** An ssh agent to forward: agent sockets or private key files (empty: $SSH_AUTH_SOCK). */
export interface SshSource {
  id: string;
  paths: string[];
}

/** `id=x,src=FILE` | `id=x,env=VAR` | `type=file|env,id=x,source=…`. */
export function parseSecretSpec(spec: string): SecretSource {
  const out: SecretSource = { id: '' };
  let type: 'file' | 'env' | undefined;
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    if (eq < 0) throw new DrydockError('USAGE', `invalid secret "${spec}": field '${field}' must be a key=value pair`);
    const key = field.slice(0, eq).trim().toLowerCase();
    const value = field.slice(eq + 1);
    switch (key) {
      case 'type':
        if (value !== 'file' && value !== 'env') throw new DrydockError('USAGE', `invalid secret "${spec}": unsupported secret type "${value}"`);
        type = value;
        break;
      case 'id': out.id = value; break;
      case 'source': case 'src': out.file = value; break;
      case 'env': out.env = value; break;
      default:
        throw new DrydockError('USAGE', `invalid secret "${spec}": unexpected key '${key}' in '${field}'`);
    }
  }
  // type=env,src=VAR names the variable in src
  if (type === 'env' && out.env === undefined) {
    out.env = out.file;
    delete out.file;
  }
  if (!out.id) throw new DrydockError('USAGE', `invalid secret "${spec}": id is required`);
  return out;
}

/** `default`, `ID`, `ID=PATH[,PATH…]`. */
export function parseSshSpec(spec: string): SshSource {
  const eq = spec.indexOf('=');
  const id = (eq < 0 ? spec : spec.slice(0, eq)).trim();
  if (!id) throw new DrydockError('USAGE', `invalid ssh "${spec}": empty id`);
  const paths = eq < 0 ? [] : spec.slice(eq + 1).split(',').map((p) => p.trim()).filter(Boolean);
  return { id, paths };
}
