/**
 * The header of a classic script, evaluated once per realm. A script's top level is the realm's
 * global scope: its header's `const`s are global lexical bindings, which a second evaluation of the
 * same script would declare again (a SyntaxError before any of its code runs). So the compiler
 * gives a script's header as text, and the script's first statement asks for it here: evaluated
 * as a Script of its own the first time (its bindings are then the realm's, as they were), nothing
 * the next times. The script only references them; its per-evaluation names (the frame's depth,
 * its values' offset) are `let`s of the header that each evaluation assigns.
 *
 * Evaluating a Script takes the host: Node's `vm.runInThisContext` for the main context (the realm
 * of `vm.runInThisContext` and of `<script>`-like evaluation in Node). A realm of another `vm`
 * context has no such function its code could reach: its host says how with `scriptRealm`.
 */
import { runInThisContext } from "node:vm";
import { getPrototypeOf, SafeMap, SafeWeakMap } from "./primordials.js";

interface Realm {
  evaluate: (text: string) => unknown;
  /** the header evaluated for each prefix */
  done: Map<string, string>;
}

/** Realms by their `Object.prototype` (what any object literal made there has as prototype). */
const realms = new SafeWeakMap<object, Realm>();
let mainChecked = false;

/**
 * Tells the runtime how to evaluate a Script in a realm other than Node's main context:
 * `evaluate(text)` runs `text` as a Script there (`(text) => vm.runInContext(text, context)`).
 */
export function scriptRealm(evaluate: (text: string) => unknown): void {
  const probe = evaluate("({})");
  if (typeof probe !== "object" || probe === null) throw new TypeError("tsdb: scriptRealm: evaluate('({})') must give an object");
  const key = getPrototypeOf(probe) as object;
  if (!realms.has(key)) realms.set(key, { evaluate, done: new SafeMap() });
}

/**
 * Called by a classic script first: evaluates its header (`prefix` names it) in the script's realm
 * unless it was already; `probe` is an object literal of the script (its prototype names the realm).
 */
export function script(prefix: string, header: string, probe: object): void {
  if (!mainChecked) {
    mainChecked = true;
    scriptRealm(runInThisContext);
  }
  const realm = realms.get(getPrototypeOf(probe) as object);
  if (realm === undefined)
    throw new Error(
      "tsdb: an instrumented classic script runs in a realm where tsdb cannot evaluate its header (a vm context): give tsdb that realm first with scriptRealm((text) => vm.runInContext(text, context)) from tsdb/runtime/internal",
    );
  const had = realm.done.get(prefix);
  if (had === header) return;
  if (had !== undefined) throw new SyntaxError(`tsdb: another script instrumented with the names ${prefix} already ran in this realm`);
  realm.evaluate(header);
  realm.done.set(prefix, header);
}
