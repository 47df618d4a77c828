/**
 * The identifiers of the code tsdb generates, and the member expressions made of them that it
 * never changes once made (`$L[$d]`, `$k.l`, `$VS[$o + 2]`). When nothing but tsdb works on the
 * tree (`fresh`: no other plugin in the pass could rename, move or annotate one), each is one node,
 * used wherever it is printed: a big file's generated code holds millions of identifiers, a third
 * of its nodes, and hundreds of thousands of such member expressions (bench/FINDINGS.md §21, §31,
 * §50). Set for one program at a time (instrumenting is synchronous; each thread has its own).
 */
import type * as T from "@babel/types";
import { t } from "./babel-types.js";

let shared: Map<string, T.Identifier> | null = null;
let sharedMembers: Map<string, T.MemberExpression> | null = null;

/** Shares one node per name (`fresh`) or not, until the next call; `false` lets the nodes go. */
export function shareIdentifiers(share: boolean): void {
  shared = share ? new Map() : null;
  sharedMembers = share ? new Map() : null;
}

/** An identifier node for `name`: the shared one when sharing. */
export function id(name: string): T.Identifier {
  if (shared === null) return t.identifier(name);
  let node = shared.get(name);
  if (node === undefined) shared.set(name, (node = t.identifier(name)));
  return node;
}

/** A member expression tsdb never changes once made, `key` naming what it is: the shared one when sharing. */
export function member(key: string, make: () => T.MemberExpression): T.MemberExpression {
  if (sharedMembers === null) return make();
  let node = sharedMembers.get(key);
  if (node === undefined) sharedMembers.set(key, (node = make()));
  return node;
}
