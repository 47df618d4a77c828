/**
 * Names of the identifiers tsdb adds to a file. They share one prefix chosen
 * so that it occurs nowhere in the file's source, so no user binding can be
 * shadowed or captured by them.
 */
import { namePrefix } from "../contract/index.js";

export interface Names {
  /** the runtime module namespace */ T: string;
  /** this file's SourceFile */ F: string;
  /** shadow stack slots */ S: string;
  /** shadow stack lines */ L: string;
  /** shadow stack state ({ sp }) */ R: string;
  /** this file's line table */ B: string;
  /** the interrupt request flag (shared memory) */ I: string;
  /** depth of the running activation */ d: string;
  /** value being returned */ r: string;
  /** write-back array from the runtime */ w: string;
  /** the generator/async frame object */ fo: string;
  /** value of an await/yield */ v: string;
  /** caught exception */ e: string;
  /** key of code number i */ key(i: number): string;
  /** label of the body of loop number i */ loop(i: number): string;
  /** any other name tsdb needs, with the file's prefix */ other(name: string): string;
}

export function chooseNames(source: string): Names {
  const prefix = namePrefix(source);
  const n = (s: string) => prefix + s;
  return {
    T: n("T"),
    F: n("F"),
    S: n("S"),
    L: n("L"),
    R: n("R"),
    B: n("B"),
    I: n("I"),
    d: n("d"),
    r: n("r"),
    w: n("w"),
    fo: n("fo"),
    v: n("v"),
    e: n("e"),
    key: (i) => n("k" + i),
    loop: (i) => n("c" + i),
    other: n,
  };
}
