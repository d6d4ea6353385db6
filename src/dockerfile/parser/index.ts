/**
 * Dockerfile parser: text → AST. One `Node` per instruction with its line range, flags and
 * raw arguments (no variable expansion), plus directives and parser warnings. Matches
 * BuildKit's `frontend/dockerfile/parser` (conformance vectors in test/fixtures/buildkit-parser).
 * Errors are DrydockError('PARSE') with the file and line.
 */
export type { Directive, DirectiveName, Heredoc, Node, ParseResult, ParserWarning } from './types.js';
export { parse, nodeFromLine, type ParseOptions } from './parse.js';
export { parseHeredoc, heredocsFromLine, chompHeredocContent } from './heredoc.js';
export { parseWords } from './line-parsers.js';
export { dumpAST, dumpNode } from './dump.js';
