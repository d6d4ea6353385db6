/** BuildKit's `Node.Dump()` format, used by `drydock parse --dump` and the conformance tests. */
import { goQuote, goQuoteSlice } from '../util/goformat.js';
import type { Node } from './types.js';

export function dumpNode(node: Node): string {
  let s = node.name.toLowerCase();
  if (node.flags.length > 0) s += ' ' + goQuoteSlice(node.flags);
  if (node.sub) s += ` (${dumpNode(node.sub)})`;
  for (const arg of node.args) s += ' ' + goQuote(arg);
  return s.trim();
}

/** The whole file: one parenthesised instruction per line, newline-terminated. */
export function dumpAST(nodes: readonly Node[]): string {
  return nodes.map((n) => `(${dumpNode(n)})\n`).join('').trim() + '\n';
}
