/**
 * Just enough POSIX shell reading for lint heuristics: a RUN script → its simple commands as
 * word lists (quotes removed, operators split, `VAR=x`, `sudo`, `env` prefixes dropped).
 * Not an interpreter: expansions stay literal, which is what the checks want.
 */

const OPERATORS = ['&&', '||', ';;', ';', '|', '&', '(', ')', '\n'];
const PREFIXES = new Set(['sudo', 'env', 'exec', 'time', 'command', 'nice', 'nohup']);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}']);

/** The simple commands of a script, in order. */
export function simpleCommands(script: string): string[][] {
  const out: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    const cmd = stripPrefixes(words);
    if (cmd.length > 0) out.push(cmd);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === '\\') {
      if (script[i + 1] === '\n') { i++; continue; }
      if (i + 1 < script.length) { word += script[++i]; inWord = true; }
      continue;
    }
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      const stop = end < 0 ? script.length : end;
      word += script.slice(i + 1, stop);
      inWord = true;
      i = stop;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < script.length && script[j] !== '"'; j++) {
        if (script[j] === '\\' && j + 1 < script.length) j++;
        word += script[j];
      }
      inWord = true;
      i = j;
      continue;
    }
    if (c === '#' && !inWord) {
      const nl = script.indexOf('\n', i);
      i = (nl < 0 ? script.length : nl) - 1;
      continue;
    }
    if ((c === '>' || c === '<') && script[i + 1] === '&') {
      word += `${c}&`; // a redirection (2>&1), not a background '&'
      inWord = true;
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => script.startsWith(o, i));
    if (op) {
      endCommand();
      i += op.length - 1;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      continue;
    }
    word += c;
    inWord = true;
  }
  endCommand();
  return out;
}

function stripPrefixes(words: string[]): string[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (KEYWORDS.has(w) || PREFIXES.has(w) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) { i++; continue; }
    // flags of a prefix command (`sudo -E`, `env -i`)
    if (i > 0 && PREFIXES.has(words[i - 1]!) && w.startsWith('-')) { i++; continue; }
    break;
  }
  return words.slice(i);
}

/** The program name of a command word (`/usr/bin/pip3` → `pip3`). */
export function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Words after the program that are not flags. */
export function positionalArgs(cmd: readonly string[], from = 1): string[] {
  return cmd.slice(from).filter((w) => !w.startsWith('-'));
}
