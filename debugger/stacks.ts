/**
 * What the debugger reads from JavaScript's own errors and stack traces: the
 * chain of errors a post-mortem error came from, and the async callers V8
 * records (the functions awaiting the oldest running frame).
 */
import type { Code } from "../runtime/index.js";
import { hideOwnFrames } from "./format.js";

/** An own data property of an object (no getter of the program runs), or undefined. */
export function ownValue(object: object, key: string): unknown {
  try {
    const desc = Object.getOwnPropertyDescriptor(object, key);
    return desc && "value" in desc ? desc.value : undefined;
  } catch {
    return undefined; // a Proxy may throw
  }
}

/** An error and the errors it came from (`cause`, an AggregateError's `errors`), causes first, the error last. */
export function errorChain(top: unknown): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown) => {
    if (seen.has(e) || seen.size >= 999) return;
    seen.add(e);
    if (typeof e === "object" && e !== null) {
      const cause = ownValue(e, "cause");
      if (typeof cause === "object" && cause !== null) visit(cause);
      const errors = e instanceof AggregateError ? ownValue(e, "errors") : undefined;
      if (Array.isArray(errors)) for (const sub of errors) visit(sub);
    }
    out.push(e);
  };
  visit(top);
  return out;
}

/** A function awaiting the result of the stack's oldest frame (it is not running: it has no Frame). */
export interface AsyncCaller {
  /** as V8 names it; null where it gives none (a module's top level, an anonymous function) */
  name: string | null;
  filename: string;
  lineno: number;
}

/**
 * The stack trace of this point of the program, whole (the trace function's own frames included),
 * when it has async frames (what `asyncCallers` reads); "" when it has none. Whether it has is asked
 * of V8's call sites: a stack formatted as text goes through Node's source maps (the first stop read
 * and parsed the script's map for it, bench/FINDINGS.md §42).
 */
export function currentStack(): string {
  const { stackTraceLimit } = Error;
  Error.stackTraceLimit = Infinity;
  try {
    return awaiting() ? (new Error().stack ?? "") : "";
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** False when no frame of this point's stack is async; true when one is, or when the program's `Error.prepareStackTrace` is not a plain property (not touched). */
function awaiting(): boolean {
  const own = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
  if (own !== undefined && !(own.writable && own.configurable)) return true;
  try {
    Error.prepareStackTrace = (_error, sites) => sites.some((site) => site.isAsync());
    return new Error().stack as unknown as boolean;
  } finally {
    if (own === undefined) delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
    else Object.defineProperty(Error, "prepareStackTrace", own);
  }
}

/** An error's stack trace text, read without running a getter of the program's; "" when none. */
export function stackOf(error: unknown): string {
  if (!(error instanceof Error)) return "";
  const value = ownValue(error, "stack");
  return typeof value === "string" ? value : "";
}

/**
 * The async callers in a stack trace: V8 lists the functions that await the
 * oldest running one (`at async name (file:line:col)`) after the frames
 * that run. tsdb's own and Node's are left out. Oldest first.
 */
export function asyncCallers(stack: string): AsyncCaller[] {
  const out: AsyncCaller[] = [];
  for (const m of stack.matchAll(/^\s+at async (?:(\S+) \()?(\/[^()]*?):(\d+):\d+\)?$/gm)) {
    const [, name, filename, line] = m;
    if (hideOwnFrames(m[0]) === "") continue;
    // (a stack tsdb maps to the original source says `<anonymous>` where V8 gives no name)
    const unnamed = name === undefined || name === "<anonymous>";
    out.push({ name: unnamed ? null : name.replace(/^.*\./, ""), filename, lineno: Number(line) });
  }
  return out.reverse();
}

/**
 * The name an async caller is shown with. Where V8 gives none, the caller is a module's top level
 * or an anonymous function: `<module>` when no function of the file's instrumented code spans its
 * line (only the top level can be awaiting there), else `<anonymous>`.
 */
export function callerName(caller: AsyncCaller, codes: readonly Code[]): string {
  if (caller.name !== null) return caller.name;
  let known = false;
  for (const code of codes) {
    if (code.filename !== caller.filename) continue;
    known = true;
    if (code.name !== "<module>" && code.firstlineno <= caller.lineno && caller.lineno <= code.lastlineno) return "<anonymous>";
  }
  return known ? "<module>" : "<anonymous>";
}
