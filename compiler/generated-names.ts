/**
 * Names of the identifiers tsdb adds to a file. They share one prefix chosen
 * so that it occurs nowhere in the file's source, so no user binding can be
 * shadowed or captured by them; a classic script's prefix is its own (its
 * top-level names are global, shared with the realm's other scripts).
 */
import { namePrefix, type RuntimeFunction } from "../contract/index.js";

export interface Names {
  /** the runtime's internal module namespace (`tsdb/runtime/internal`) */ runtime: string;
  /** this file's SourceFile, as the runtime registered it */ file: string;
  /** the runtime's `slots`: the code id of the activation at each depth */ slots: string;
  /** the runtime's `lines`: the site id each activation last passed */ lines: string;
  /** the runtime's `state` (`state.sp` is the depth of the innermost activation) */ state: string;
  /** the runtime's `interrupts`: the interrupt request flag (shared memory) */ interrupts: string;
  /** the runtime's `values`: per-depth arrays of an activation's bindings */ values: string;
  /** the runtime's `flat`: one array holding small activations' bindings, by depth */ flatValues: string;
  /** the runtime's `written`: a copy of a flat frame's values its site's reload reads */ written: string;
  /** the running activation's depth */ depth: string;
  /** the value being returned */ returned: string;
  /** a generator's or async function's frame object */ frameObject: string;
  /** the value an await or yield resumes with */ resumed: string;
  /** the exception a generated catch clause receives */ caught: string;
  /** this file's Keys, read once by the header */ keys: string;
  /** the Key of code number i (in base 36: a big file's codes are named at each of their sites) */ key(i: number): string;
  /** label of the body of loop number i */ loop(i: number): string;
  /** the binding the header makes for runtime function `fn` */ runtimeFunction(fn: RuntimeFunction): string;
  /** any other name tsdb needs, with the file's prefix */ other(name: string): string;
}

/**
 * The generated identifiers stay short (a letter after the prefix: they are in every function of the
 * output); the fields say what each holds, with the runtime's names.
 */
export function chooseNames(source: string, script?: string): Names {
  const prefix = namePrefix(source, script);
  const n = (s: string) => prefix + s;
  return {
    runtime: n("T"),
    file: n("F"),
    slots: n("S"),
    lines: n("L"),
    state: n("R"),
    interrupts: n("I"),
    values: n("V"),
    flatValues: n("VS"),
    written: n("W"),
    depth: n("d"),
    returned: n("r"),
    frameObject: n("fo"),
    resumed: n("v"),
    caught: n("e"),
    keys: n("K"),
    key: (i) => n("k" + i.toString(36)),
    loop: (i) => n("c" + i),
    runtimeFunction: (fn) => n(SHORT_RUNTIME_NAMES[fn] ?? fn),
    other: n,
  };
}

/** The runtime functions called at nearly every statement or function, under shorter names. */
const SHORT_RUNTIME_NAMES: Partial<Record<RuntimeFunction, string>> = {
  call: "cl",
  enter: "en",
  interrupted: "it",
  leave: "lv",
  line: "ln",
  lineAt: "la",
  linePart: "lp",
  lineAtPart: "lq",
  callPart: "cp",
  raise: "rs",
};
