/**
 * Marks each function and class of the source with the range of its original text (contract
 * SOURCE_MARK), so that `Function.prototype.toString` of instrumented code answers that text, as
 * without tsdb (runtime/source-text.ts). A comment: nothing runs, nothing else can see it.
 */
import type { Visitor } from "@babel/traverse";
import type * as T from "@babel/types";
import { t } from "./babel-types.js";
import { CODES_MARK, SOURCE_MARK, sourceFileKey, TABLES_MARK } from "../contract/index.js";

export type Marked = [node: T.Function | T.Class, start: number, end: number];

/**
 * Before instrumenting: a visitor that notes in `found` the original range of each function and
 * class it meets (what V8's toString gives for each node of the source). For classify's walk,
 * which visits every node of the source anyway (program.ts).
 */
export function originalRanges(source: string, found: Marked[]): Visitor {
  const note = (node: T.Function | T.Class) => {
    if (node.start == null || node.end == null) return;
    let start = node.start;
    // V8's text of a static method leaves out `static` and what follows it up to the method.
    if ((t.isClassMethod(node) || t.isClassPrivateMethod(node)) && node.static)
      start = pastBlanks(source, start + "static".length, node.end);
    found.push([node, start, node.end]);
  };
  return {
    Function(path) {
      note(path.node);
    },
    Class(path) {
      note(path.node);
    },
  };
}

/** The first position from `at` (before `end`) that is not white space or a comment (of source that parsed: each ends before `end`). */
function pastBlanks(source: string, at: number, end: number): number {
  const lineEnd = /[\n\r\u2028\u2029]/g;
  while (at < end) {
    if (/\s/.test(source[at])) at++;
    else if (source.startsWith("/*", at)) at = source.indexOf("*/", at + 2) + 2;
    else if (source.startsWith("//", at)) {
      lineEnd.lastIndex = at;
      lineEnd.test(source);
      at = lineEnd.lastIndex;
    } else break;
  }
  return at;
}

/** After instrumenting: each mark as a comment before the function's body (a class's: its class body); numbers in base 36. */
export function markRanges(ranges: Marked[], filename: string): void {
  const file = sourceFileKey(filename);
  for (const [node, start, end] of ranges)
    t.addComment(node.body, "leading", `${SOURCE_MARK}${file}:${start.toString(36)}:${(end - start).toString(36)}`);
}

/** Babel's `shouldPrintComment` that keeps the marks (and the header's tables, contract TABLES_MARK, CODES_MARK) when the other comments go. */
export function keepMarks(comments: boolean): (value: string) => boolean {
  return (value) => comments || value.startsWith(SOURCE_MARK) || value.startsWith(TABLES_MARK) || value.startsWith(CODES_MARK);
}
