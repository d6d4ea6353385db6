/** ADD and COPY: sources (paths, URLs, heredocs) and a destination, plus their flags. */
import { chompHeredocContent, parseHeredoc, type Heredoc } from '../parser/index.js';
import { base, errNoDestinationArgument, InstructionError, type ParseRequest } from './request.js';
import type { AddCommand, CopyCommand, SourcesAndDest } from './types.js';

export function parseAdd(req: ParseRequest): AddCommand {
  if (req.args.length < 2) throw errNoDestinationArgument('ADD');
  const f = req.flags;
  const chown = f.string('chown');
  const chmod = f.string('chmod');
  const link = f.bool('link');
  const keepGitDir = f.bool('keep-git-dir');
  const checksum = f.string('checksum');
  const unpack = f.bool('unpack');
  const excludes = f.strings('exclude');
  f.parse();
  return {
    kind: 'add',
    ...base(req),
    ...sourcesAndDest(req, 'ADD'),
    chown: chown.value,
    chmod: chmod.value,
    link: link.isTrue,
    excludes: excludes.values,
    ...(keepGitDir.used ? { keepGitDir: keepGitDir.isTrue } : {}),
    checksum: checksum.value,
    ...(unpack.used ? { unpack: unpack.isTrue } : {}),
  };
}

export function parseCopy(req: ParseRequest): CopyCommand {
  if (req.args.length < 2) throw errNoDestinationArgument('COPY');
  const f = req.flags;
  const chown = f.string('chown');
  const from = f.string('from');
  const chmod = f.string('chmod');
  const link = f.bool('link');
  const excludes = f.strings('exclude');
  const parents = f.bool('parents');
  f.parse();
  return {
    kind: 'copy',
    ...base(req),
    ...sourcesAndDest(req, 'COPY'),
    from: from.value,
    chown: chown.value,
    chmod: chmod.value,
    link: link.isTrue,
    parents: parents.isTrue,
    excludes: excludes.values,
  };
}

function sourcesAndDest(req: ParseRequest, cmd: string): SourcesAndDest {
  const srcs = req.args.slice(0, -1);
  const dest = req.args[req.args.length - 1]!;
  if (heredocOf(dest)) throw new InstructionError(`${cmd} cannot accept a heredoc as a destination`);
  const byName = new Map<string, Heredoc>(req.heredocs.map((h) => [h.name, h]));
  const out: SourcesAndDest = { sourcePaths: [], sourceContents: [], destPath: dest };
  for (const src of srcs) {
    const doc = heredocOf(src);
    if (!doc) {
      out.sourcePaths.push(src);
      continue;
    }
    let data = byName.get(doc.name)?.content ?? '';
    if (doc.chomp) data = chompHeredocContent(data);
    out.sourceContents.push({ path: doc.name, data, expand: doc.expand });
  }
  return out;
}

/** A word that opens a heredoc; malformed ones count as none, like BuildKit's MustParseHeredoc. */
export function heredocOf(word: string): Heredoc | undefined {
  try {
    return parseHeredoc(word);
  } catch {
    return undefined;
  }
}
