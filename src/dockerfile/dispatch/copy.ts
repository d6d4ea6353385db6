/** COPY and ADD: sources, destination against WORKDIR, flag checks and history text. */
import type { AddCommand, CopyCommand } from '../instructions/index.js';
import { resolveCopyFrom, type SourceRef } from '../plan/index.js';
import type { Expander } from './expand.js';
import { destRelativeToWorkdir } from './paths.js';
import type { DispatchState } from './state.js';
import type { StepResult } from './step.js';
import type { CopyOp } from './types.js';

export function dispatchCopy(d: DispatchState, c: CopyCommand | AddCommand, expand: Expander, expandRaw: Expander): StepResult {
  const isAdd = c.kind === 'add';
  const chown = expand(c.chown);
  const chmod = expand(c.chmod);
  const checksum = isAdd ? expand(c.checksum) : '';
  const sources = c.sourcePaths.map(expand);
  const destPath = expand(c.destPath);
  const contents = c.sourceContents.map((s) => ({ path: s.path, data: s.expand ? expandRaw(s.data) : s.data }));
  validateChmod(chmod);
  if (checksum !== '') {
    if (sources.length !== 1) throw new Error("checksum can't be specified for multiple sources");
    if (!isHTTPSource(sources[0]!) && !isGitSource(sources[0]!)) throw new Error('checksum requires HTTP(S) or Git sources');
  }
  if (!isAdd) {
    for (const s of sources) {
      if (isGitSource(s)) throw new Error("source can't be a git ref for COPY");
      if (isHTTPSource(s)) throw new Error("source can't be a URL for COPY");
    }
  }
  let from: SourceRef = { kind: 'context' };
  if (c.kind === 'copy' && c.from !== '') from = resolveCopyFrom(c.from, d.ctx.stages, d.lex, c.location, d.ctx.namedContexts);

  let msg = isAdd ? 'ADD' : 'COPY';
  if (c.kind === 'copy' && c.parents) msg += ' --parents';
  if (chown) msg += ` --chown=${chown}`;
  if (chmod) msg += ` --chmod=${chmod}`;
  for (const s of sources) msg += ` ${s}`;
  for (const s of contents) msg += ` <<${s.path}`;
  msg += ` ${destPath}`;

  const op: CopyOp = {
    type: 'copy',
    add: isAdd,
    from,
    sources,
    contents,
    dest: destRelativeToWorkdir(d.config.WorkingDir || '/', destPath),
    ...(chown ? { chown } : {}),
    ...(chmod ? { chmod } : {}),
    link: c.link,
    parents: c.kind === 'copy' && c.parents,
    excludes: [...c.excludes],
    ...(checksum ? { checksum } : {}),
    ...(c.kind === 'add' && c.keepGitDir !== undefined ? { keepGitDir: c.keepGitDir } : {}),
    ...(c.kind === 'add' && c.unpack !== undefined ? { unpack: c.unpack } : {}),
  };
  return { createdBy: `${msg} # buildkit`, layer: true, op };
}

/** Octal up to 07777, or a symbolic mode (`u+x,g-w`). */
function validateChmod(chmod: string): void {
  if (chmod === '') return;
  if (/^[0-9]+$/.test(chmod)) {
    if (!/^[0-7]+$/.test(chmod) || Number.parseInt(chmod, 8) > 0o7777) {
      throw new Error(`invalid chmod parameter: '${chmod}'. it should be octal string and between 0 and 07777`);
    }
    return;
  }
  if (!/^([ugoa]*([-+=]([rwxXst]*|[ugo]))+)(,[ugoa]*([-+=]([rwxXst]*|[ugo]))+)*$/.test(chmod)) {
    throw new Error(`invalid chmod parameter: '${chmod}'`);
  }
}

export function isGitSource(src: string): boolean {
  if (/^git@[^:]+:/.test(src) || src.startsWith('git://') || src.startsWith('ssh://')) return true;
  if (/^https?:\/\//.test(src)) {
    const path = src.replace(/[?#].*$/, '');
    return /\.git$/.test(path) || /\.git\//.test(path);
  }
  return false;
}

export function isHTTPSource(src: string): boolean {
  return /^https?:\/\//.test(src) && !isGitSource(src);
}
