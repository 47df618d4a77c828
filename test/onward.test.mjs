// A site's reload copies only what the code reads before the next site; the runtime keeps the
// write pending for that site, which copies the rest (compiler/onward.ts, runtime `linePart`,
// `lineAtPart`, `callPart`). A debugger's write must still land before the code reads it, in every
// mode: the next line traced or not, a write made by an interrupt's handler at entry.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { instrument } from "../dist/compiler.mjs";
import { instrumentToFile, load, rt } from "./helpers/run.mjs";

const source = `function look() {}
export function first(a, b) {
  return a + b;
}
export function later(a, b) {
  look();
  const c = a * 10;
  look();
  return c + b;
}
export function empty(a) {}
export function defaults(a, b = a) {
  return [a, b];
}
export function blockFirst(a) {
  {
    const x = a;
    return x;
  }
}
export function branchFirst(a, b) {
  if (a > 0) return b;
  return a;
}
export function tryFirst(a, b) {
  try {
    look();
    return a + b;
  } catch {}
}
export const arrow = (a) => a + 1;
export function sameLine(a, b) { look(); return a + b; }
export function shadow(a) {
  look();
  {
    let a = 5;
    look(a);
  }
  return a;
}
export function hoisted(a, b) {
  look();
  async function inner(c) {
    await look(c);
    return c;
  }
  return a + b;
}
`;

// Each function called as [name, args], with the writes a debugger makes to its frame and what it
// then returns (the write landed before the code read it).
const cases = [
  ["first", [1, 2], { a: 100, b: 200 }, 300],
  ["later", [1, 2], { a: 100, b: 200 }, 1200],
  ["empty", [1], { a: 100 }, undefined],
  ["defaults", [1], { a: 100, b: 200 }, [100, 200]],
  ["blockFirst", [1], { a: 100 }, 100],
  ["branchFirst", [1, 2], { a: 100, b: 200 }, 200],
  ["tryFirst", [1, 2], { a: 100, b: 200 }, 300],
  ["arrow", [1], { a: 100 }, 101],
  ["sameLine", [1, 2], { a: 100, b: 200 }, 300],
  ["shadow", [1], { a: 100 }, 100],
  ["hoisted", [1, 2], { a: 100, b: 200 }, 300],
];

const write = (frame, values) => Object.assign(frame.locals, values);

/** Runs each case with `arm(name, values)` installing what writes at its function's entry; returns the results. */
function runAll(m, arm) {
  const out = {};
  for (const [name, args, values] of cases) {
    const disarm = arm(name, values);
    try {
      out[name] = m[name](...args);
    } finally {
      disarm();
    }
  }
  return out;
}

const modes = {
  // every line traced: the body's first site dispatches anyway
  "the call event, every line traced": (name, values) => {
    const local = () => local;
    rt.settrace((frame) => {
      if (frame.code.name === name) write(frame, values);
      return local;
    });
    return () => rt.settrace(null);
  },
  // no line traced: only the pending write makes the body's first site call in
  "the call event, no line traced": (name, values) => {
    rt.settrace((frame) => {
      if (frame.code.name === name) write(frame, values);
      return null;
    });
    rt.setwatch({ lines: () => false });
    return () => rt.settrace(null);
  },
  // no trace function: the interrupt check at the entry, after the call event's place
  "an interrupt's handler at entry": (name, values) => {
    rt.setinterrupthandler((frame) => {
      if (frame?.code.name === name) write(frame, values);
    });
    Atomics.store(new Int32Array(rt.interruptbuffer()), 0, 1);
    return () => {
      Atomics.store(new Int32Array(rt.interruptbuffer()), 0, 0);
      rt.setinterrupthandler(null);
    };
  },
};

for (const compact of [true, false])
  for (const [mode, arm] of Object.entries(modes))
    test(`a write at ${mode} lands before the body reads it${compact ? "" : " (printed with layout)"}`, async () => {
      const { out } = instrumentToFile(source, "entry.mjs", { compact });
      const got = runAll(await load(out), arm);
      for (const [name, , , expected] of cases) assert.equal(got[name], expected, name);
    });

test("the call event leaves its reload to the body's first site where nothing reads before it; a site whose next row lacks a binding keeps it", () => {
  const { code } = instrument(source, { filename: "/a/shapes.mjs", compact: true, sourceMaps: "none" });
  const body = (name) => code.slice(code.indexOf(`function ${name}(`), code.indexOf("return $r;", code.indexOf(`function ${name}(`)));
  // first(a, b): the call event copies nothing, the first line copies both
  assert.match(body("first"), /\$cp\(\$d,\d+\);.*\$ln\(\$d\)&&\(\{a,b\}=\$W\)/s);
  // later(a, b): its first line reads neither (look()): both go on to the next line, which reads a
  assert.match(body("later"), /\$cp\(\$d,\d+\);.*\$lp\(\$d\);\s*look\(\);.*\$lp\(\$d\)&&\(a=\$W\.a\)/s);
  // empty(a): nothing reads a again
  assert.match(body("empty"), /\$cl\(\$d,\d+\);/);
  // JSX (left for another tool: tsdb does not compile it): `<Comp />` reads Comp
  const jsx = instrument("function g() {}\nexport function f(Comp, x) {\n  g();\n  return <Comp a={x} />;\n}\n", {
    filename: "/a/view.jsx",
    compact: true,
    sourceMaps: "none",
  }).code;
  assert.match(jsx, /\(\{Comp,x\}=\$W\);\s*\$r=\s*<Comp/);
  // shadow(a): the next line's row has the block's `a`, not the parameter: this site copies it
  assert.match(body("shadow"), /\$ln\(\$d\)&&\(a=\$W\.a\);\s*look\(\);\s*\{/);
  // hoisted(a, b): what a nested function reads or awaits runs in its own activation: the line of
  // look() copies nothing, the return's copies both
  assert.match(body("hoisted"), /\$lp\(\$d\);\s*look\(\);.*\$ln\(\$d\)&&\(\{a,b\}=\$W\)/s);
});

test.run();
