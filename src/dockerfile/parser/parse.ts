/**
 * Text → AST (BuildKit's `parser.Parse`): directives, comments, line continuations (with
 * BuildKit's quirks: comment and empty lines inside a continuation are skipped), heredoc
 * bodies, and one `Node` per instruction with its line range.
 */
import { DrydockError } from '../../util/errors.js';
import { trimLeftSpace } from './chars.js';
import { DirectiveParser } from './directives.js';
import { heredocsFromLine } from './heredoc.js';
import { LineParseError, lineParserFor } from './line-parsers.js';
import { splitCommand } from './split-command.js';
import type { Directive, Node, ParseResult, ParserWarning } from './types.js';

const HEREDOC_KEYWORDS = new Set(['add', 'copy', 'run']);

export interface ParseOptions {
  /** Name used in error locations (default `Dockerfile`). */
  file?: string;
}

export function parse(text: string, opts: ParseOptions = {}): ParseResult {
  const file = opts.file ?? 'Dockerfile';
  const fail = (message: string, line: number, cause?: unknown): never => {
    throw new DrydockError('PARSE', message, { location: { file, line }, cause });
  };
  if (text.length === 0) throw new DrydockError('PARSE', `the Dockerfile (${file}) cannot be empty`);
  const lines = splitLines(text.startsWith('\ufeff') ? text.slice(1) : text);
  const state = new LineState();
  const nodes: Node[] = [];
  const warnings: ParserWarning[] = [];
  let comments: string[] = [];
  let i = 0; // index of the next physical line; also the number of lines consumed
  const nextLine = (stripLeft: boolean): string => {
    const raw = lines[i++]!;
    try {
      return state.processLine(raw, i, stripLeft);
    } catch (e) {
      return fail((e as Error).message, i, e);
    }
  };

  while (i < lines.length) {
    const raw = lines[i]!;
    if (isComment(raw)) {
      const comment = raw.slice(1).trim();
      if (comment === '') comments = [];
      else comments.push(comment);
    }
    const directivesBefore = state.directives.length;
    let text1 = nextLine(true);
    if (state.directives.length > directivesBefore) comments.pop();
    const startLine = i;
    let [content, endOfLine] = state.trimContinuation(text1);
    if (endOfLine && content.length === 0) continue;
    let buf = content;
    let hasEmptyContinuation = false;
    while (!endOfLine && i < lines.length) {
      const rawNext = lines[i]!;
      text1 = nextLine(false);
      if (isComment(rawNext)) continue;
      if (trimLeftSpace(text1).length === 0) {
        hasEmptyContinuation = true;
        continue;
      }
      [content, endOfLine] = state.trimContinuation(text1);
      buf += content;
    }
    if (hasEmptyContinuation) warnings.push({ rule: 'NoEmptyContinuation', line: i, text: buf });

    let node: Node;
    try {
      node = nodeFromLine(buf, state.escapeToken, comments);
    } catch (e) {
      if (e instanceof LineParseError) return fail(e.message, startLine, e);
      throw e;
    }
    if (canContainHeredoc(node) && buf.includes('<<')) {
      for (const doc of heredocsFromLine(buf)) {
        let terminated = false;
        let body = '';
        while (i < lines.length) {
          const line = lines[i++]!;
          let candidate = trimNewline(line);
          if (doc.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === doc.name) {
            terminated = true;
            break;
          }
          body += line;
        }
        if (!terminated) fail('unterminated heredoc', startLine);
        node.heredocs.push({ ...doc, content: body });
      }
    }
    node.startLine = startLine;
    node.endLine = i;
    nodes.push(node);
    comments = [];
  }
  if (nodes.length === 0) fail('file with no instructions', Math.max(i, 1));
  return { nodes, escapeToken: state.escapeToken, directives: state.directives, warnings };
}

/** Parses one logical instruction line (also used for ONBUILD triggers). */
export function nodeFromLine(line: string, escapeToken: string, comments: string[] = []): Node {
  const { cmd, flags, rest } = splitCommand(line, escapeToken);
  const node: Node = {
    name: cmd, flags, args: [], json: false, heredocs: [], original: line, startLine: 0, endLine: 0, comments: [...comments],
  };
  if (cmd.toLowerCase() === 'onbuild') {
    if (rest !== '') node.sub = nodeFromLine(rest, escapeToken);
    return node;
  }
  const { args, json } = lineParserFor(cmd)(rest, escapeToken);
  node.args = args;
  node.json = json;
  return node;
}

function canContainHeredoc(node: Node): boolean {
  const target = node.name.toLowerCase() === 'onbuild' && node.sub ? node.sub : node;
  return HEREDOC_KEYWORDS.has(target.name.toLowerCase()) && !target.json;
}

/** Directive tracking and the escape-token-dependent continuation rule. */
class LineState {
  escapeToken: '\\' | '`' = '\\';
  readonly directives: Directive[] = [];
  private readonly directiveParser = new DirectiveParser();
  private continuation = continuationRegex('\\');

  /** Trims the newline (and leading space), records a directive, blanks out comments. */
  processLine(raw: string, lineNo: number, stripLeft: boolean): string {
    let line = trimNewline(raw);
    if (stripLeft) line = trimLeftSpace(line);
    const d = this.directiveParser.parseLine(line, lineNo);
    if (d) {
      if (d.name === 'escape') {
        if (d.value !== '`' && d.value !== '\\') throw new Error(`invalid escape token '${d.value}' does not match \` or \\`);
        this.escapeToken = d.value;
        this.continuation = continuationRegex(d.value);
      }
      this.directives.push(d);
    }
    return isComment(line) ? '' : line;
  }

  /** Removes a trailing continuation token; the boolean says the instruction ends here. */
  trimContinuation(line: string): [string, boolean] {
    if (this.continuation.test(line)) return [line.replace(this.continuation, '$1'), false];
    return [line, true];
  }
}

function continuationRegex(esc: string): RegExp {
  const e = '\\' + esc;
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

function isComment(line: string): boolean {
  return trimLeftSpace(line).startsWith('#');
}

function trimNewline(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}

/** Lines with their endings kept, like BuildKit's scanner. */
function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}
