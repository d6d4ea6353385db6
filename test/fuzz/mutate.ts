/**
 * A seeded mutation fuzzer for Dockerfiles: each input is a corpus Dockerfile changed by a few
 * mutations that aim at the frontend's corners (continuations, escapes, quotes, heredocs, flags,
 * variable forms, JSON arrays, directives) as well as blind byte edits. The same seed always
 * gives the same input, so a failure is reproduced from its seed alone.
 */

/** mulberry32: a small, fast PRNG; good enough to pick mutations, and seedable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSTRUCTIONS = ['FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'COPPY', 'from', 'Run'];
const TOKENS = [
  '\\', '\\\n', '`', '`\n', '$', '${', '}', '${X:-', '${X:+y}', '${X:?boom}', '${X#*}', '${X%%.*}', '${X/a/b}', '$$', '"', "'", '[', ']', '["sh", "-c"]', '[""]', '[', '{', ',',
  '<<EOF\n', '<<-EOF\n', '<<"EOF"\n', 'EOF\n', '<<EOF <<EOT\n', '\n', '\r\n', '\t', ' ', '#', '# escape=`\n', '# escape=\\\n', '# syntax=docker/dockerfile:1\n', '# check=error=true\n',
  '--from=', '--from=0', '--from=nope', '--chown=', '--chmod=', '--chmod=7777', '--mount=', '--mount=type=cache,target=/c', '--mount=type=secret,id=s', '--mount=type=bind,from=x', '--network=', '--platform=', '--link', '--parents', '--exclude=', '--keep-git-dir', '--checksum=', '--start-interval=', '--interval=0s',
  ' AS ', ' as x', ' AS 0', 'scratch', 'busybox', '$BUILDPLATFORM', '${TARGETARCH}', '=', '==', 'A=B', 'A="b c"', 'NONE', 'CMD', '\u00e9', '\u{1F600}', '\u0000', '\ufeff', ':', '@sha256:', '*', '?', '[a-', '..', '/',
];

function pick<T>(r: () => number, a: readonly T[]): T {
  return a[Math.floor(r() * a.length)]!;
}

function mutateOnce(r: () => number, text: string, corpus: readonly string[]): string {
  const lines = text.split('\n');
  const at = Math.floor(r() * (lines.length + 1));
  const pos = Math.floor(r() * (text.length + 1));
  switch (Math.floor(r() * 12)) {
    case 0: return text.slice(0, pos) + pick(r, TOKENS) + text.slice(pos); // insert a token
    case 1: return text.slice(0, pos) + text.slice(pos + 1 + Math.floor(r() * 8)); // delete a few chars
    case 2: { lines.splice(at, 0, `${pick(r, INSTRUCTIONS)} ${pick(r, TOKENS)}${pick(r, TOKENS)}`); return lines.join('\n'); }
    case 3: { lines.splice(at, 1); return lines.join('\n'); } // drop a line
    case 4: { lines.splice(at, 0, lines[Math.floor(r() * lines.length)] ?? ''); return lines.join('\n'); } // duplicate a line
    case 5: { // a line from another corpus file
      const other = pick(r, corpus).split('\n');
      lines.splice(at, 0, ...other.slice(Math.floor(r() * other.length), Math.floor(r() * other.length) + 1 + Math.floor(r() * 3)));
      return lines.join('\n');
    }
    case 6: return text.slice(0, pos); // truncated file
    case 7: { // replace a byte by a random one (control characters included)
      const c = String.fromCharCode(Math.floor(r() * 128));
      return text.slice(0, pos) + c + text.slice(pos + 1);
    }
    case 8: { // swap two lines
      const b = Math.floor(r() * lines.length);
      if (lines[at] !== undefined && lines[b] !== undefined) [lines[at], lines[b]] = [lines[b]!, lines[at]!];
      return lines.join('\n');
    }
    case 9: return text.slice(0, pos) + pick(r, TOKENS).repeat(1 + Math.floor(r() * 40)) + text.slice(pos); // a run of one token
    case 10: { // change an instruction keyword
      const i = Math.floor(r() * lines.length);
      lines[i] = (lines[i] ?? '').replace(/^\s*\S+/, pick(r, INSTRUCTIONS));
      return lines.join('\n');
    }
    default: { // a heredoc block or continuation left open / closed
      lines.splice(at, 0, pick(r, ['RUN <<EOF', 'COPY <<EOF /f', 'RUN <<-EOF cat', 'RUN \\', 'ENV A=\\', 'EOF', 'RUN ["a", \\', '  ]']));
      return lines.join('\n');
    }
  }
}

/** The input of fuzz iteration `seed`: one corpus file, 1 to 6 mutations. */
export function fuzzInput(corpus: readonly string[], seed: number): string {
  const r = prng(seed);
  let text = pick(r, corpus);
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) text = mutateOnce(r, text, corpus);
  return text;
}
