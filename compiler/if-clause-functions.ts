/**
 * `if (c) function f() {}` in sloppy code (ECMAScript Annex B.3.4) given to Babel as
 * `if (c) { function f() {} }`, which is how the specification evaluates it: the declaration as the
 * sole statement of a block. Babel's scope declares such an `f` in the enclosing block instead, and
 * then refuses a `let f` beside it ("Duplicate declaration") in code V8 runs (test262's annexB
 * `*-skip-early-err*` files). A parser override: the tree is mended before Babel's scope sees it.
 */
import type { ParserOptions } from "@babel/core";
import type * as T from "@babel/types";
import { t } from "./babel-types.js";

/** A clause that may be a function declaration: `)` or `else`, then `function` (what the walk looks for, and not more often). */
const CLAUSE = /(?:\)|\belse)\s*function\b/;

type Parse = (code: string, options: ParserOptions) => T.File;

/** The Babel plugin. */
export function ifClauseFunctions(): { parserOverride: (code: string, options: ParserOptions, parse: Parse) => T.File } {
  return {
    parserOverride(code, options, parse) {
      const ast = parse(code, options);
      if (CLAUSE.test(code))
        t.traverseFast(ast, (node) => {
          if (!t.isIfStatement(node)) return;
          node.consequent = inBlock(node.consequent);
          if (node.alternate) node.alternate = inBlock(node.alternate);
        });
      return ast;
    },
  };
}

function inBlock(s: T.Statement): T.Statement {
  if (!t.isFunctionDeclaration(s)) return s;
  const block = t.blockStatement([s]);
  block.start = s.start;
  block.end = s.end;
  block.loc = s.loc;
  return block;
}
