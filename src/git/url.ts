/**
 * Git sources of ADD, recognised and split as BuildKit's Dockerfile frontend does:
 *   https://host/org/repo.git#ref:subdir   git@host:org/repo.git#ref   git://host/repo#ref
 *   ssh://git@host/repo.git   https://host/repo.git?ref=v1.0&subdir=docs   (query form)
 */
import { DrydockError } from '../util/errors.js';

export interface GitSource {
  /** What `git fetch` is given: the URL without its fragment or drydock query keys. */
  remote: string;
  /** Branch, tag, full ref or commit; undefined = the remote's HEAD. */
  ref?: string;
  /** Directory inside the repository whose contents are added; undefined = the whole tree. */
  subdir?: string;
}

export function isGitURL(s: string): boolean {
  if (/^git@[^:]+:/.test(s) || s.startsWith('git://') || s.startsWith('ssh://')) return true;
  if (/^https?:\/\//.test(s)) {
    const path = s.replace(/[?#].*$/, '');
    return /\.git$/.test(path) || /\.git\//.test(path);
  }
  return false;
}

export function parseGitURL(s: string): GitSource {
  let rest = s;
  let ref: string | undefined;
  let subdir: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    const frag = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
    const colon = frag.indexOf(':');
    ref = (colon < 0 ? frag : frag.slice(0, colon)) || undefined;
    subdir = colon < 0 ? undefined : frag.slice(colon + 1) || undefined;
  }
  const q = rest.indexOf('?');
  if (q >= 0 && /^https?:\/\//.test(rest)) {
    const params = new URLSearchParams(rest.slice(q + 1));
    const keep = new URLSearchParams();
    for (const [k, v] of params) {
      if (k === 'ref' || k === 'branch' || k === 'tag') {
        if (ref !== undefined && ref !== v) throw new DrydockError('USAGE', `git source ${s}: ref given twice`);
        ref = k === 'tag' ? `refs/tags/${v}` : k === 'branch' ? `refs/heads/${v}` : v;
      } else if (k === 'subdir') subdir = v;
      else keep.append(k, v);
    }
    rest = rest.slice(0, q) + (keep.size ? `?${keep}` : '');
  }
  if (subdir !== undefined) {
    const clean = subdir.split('/').filter((p) => p && p !== '.');
    if (clean.includes('..')) throw new DrydockError('USAGE', `git source ${s}: subdir must stay inside the repository`);
    subdir = clean.length ? clean.join('/') : undefined;
  }
  return { remote: rest, ...(ref ? { ref } : {}), ...(subdir ? { subdir } : {}) };
}
