// The compiler (SPEC §4): languages in, source maps out, errors that say where.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { instrument, InstrumentError } from "../dist/compiler.mjs";
import { traceRun } from "./helpers/run.mjs";

const require = createRequire(import.meta.url);

const calls = (events) => events.filter((e) => e[0] === "call").map((e) => `${e[1]}:${e[2]}`);
const lines = (events, name) => events.filter((e) => e[0] === "line" && e[1] === name).map((e) => e[2]);

test("TypeScript runs with its own line numbers, parameter properties and enums included", async () => {
  const { events, exports, error } = await traceRun(
    `interface Shape { area(): number }
type Id = string;
enum Color { Red, Green }
class Box implements Shape {
  constructor(private w: number, public readonly h: number) {}
  area(): number {
    const a: number = this.w * this.h;
    return a;
  }
}
export const area = new Box(2, 3).area();
export const green: Color = Color.Green;
`,
    "shapes.ts",
  );
  assert.is(error, undefined);
  assert.is(exports.area, 6);
  assert.is(exports.green, 1);
  assert.ok(calls(events).includes("constructor:5"));
  assert.equal(lines(events, "area"), [7, 8]);
});

test("TSX and JSX parse; JSX is left for the application's own JSX transform", () => {
  const tsx = instrument("const el = <div id={x as string}>hi</div>;\n", { filename: "/a/view.tsx" }).code;
  assert.match(tsx, /<div id=\{x\}>hi<\/div>/);
  const jsx = instrument("export const el = <b>{1}</b>;\n", { filename: "/a/view.jsx" }).code;
  assert.match(jsx, /<b>\{1\}<\/b>/);
});

test(".mts is a module and .cts a script", () => {
  assert.match(instrument("export const a = 1;\n", { filename: "/a/m.mts" }).code, /^import \* as/);
  assert.match(instrument("const a: number = 1; module.exports = a;\n", { filename: "/a/c.cts" }).code, /require\(/);
});

test("instrument()'s own pass (one node per generated name, Babel's paths let go early) prints what a pass shared with another plugin prints", () => {
  const constructs = [
    "sloppy.cjs",
    "classes-and-control.cjs",
    "with-proxy.cjs",
    "async-generator-return.mjs",
    "for-await-close.mjs",
    "head-closures.mjs",
  ];
  const cases = constructs.flatMap((name) => {
    const filename = new URL(`./fixtures/constructs/${name}`, import.meta.url).pathname;
    return [{ filename }, { filename, compact: true, comments: false }];
  });
  cases.push({ filename: new URL("../node_modules/acorn/dist/acorn.js", import.meta.url).pathname });
  for (const options of cases) {
    const code = readFileSync(options.filename, "utf8");
    const alone = instrument(code, options);
    const shared = instrument(code, { ...options, transforms: [() => ({ visitor: {} })] });
    assert.ok(alone.code === shared.code, options.filename);
    assert.equal(alone.map, shared.map, options.filename);
  }
});

test("source maps: returned beside the code, or inline", () => {
  const file = instrument("function f() {\n  return 1;\n}\n", { filename: "/a/f.js" });
  assert.is(file.map.sources[0], "/a/f.js");
  assert.ok(file.map.mappings.length > 0);
  assert.not.match(file.code, /sourceMappingURL/);
  const inline = instrument("let a = 1;\n", { filename: "/a/g.js", sourceMaps: "inline" });
  assert.match(inline.code, /\/\/# sourceMappingURL=data:application\/json;/);
  assert.is(instrument("let a = 1;\n", { filename: "/a/h.js", sourceMaps: "none" }).map, null);
});

test("source maps: a file that names its own map (a compiler's output) gets a map to that map's source", () => {
  const { transformSync } = require("@babel/core");
  const compiled = transformSync("const a = 1;\n\nfunction f() {\n  return a;\n}\n", {
    filename: "/src/orig.js",
    sourceFileName: "/src/orig.js",
    sourceMaps: "inline",
    babelrc: false,
    configFile: false,
    compact: true,
  }).code;
  assert.match(compiled, /sourceMappingURL=data:/);
  const file = instrument(compiled, { filename: "/out/gen.js" });
  assert.equal(file.map.sources, ["/src/orig.js"]);
  assert.not.match(file.code, /sourceMappingURL/);
});

test("instrument() says whether the code has an import(): alone in its pass, with TypeScript's, with a transform", () => {
  const source = "async function f(name) {\n  return import(name);\n}\nf;\n";
  const plain = "function f(name) {\n  return name;\n}\nf;\n";
  const transforms = [() => ({ visitor: {} })];
  for (const [filename, options] of [
    ["/a/d.js", {}],
    ["/a/d.ts", {}],
    ["/a/d.js", { transforms }],
  ]) {
    assert.is(instrument(source, { filename, ...options }).dynamicImport, true, filename);
    assert.is(instrument(plain, { filename, ...options }).dynamicImport, false, filename);
  }
});

test("a syntax error names file, line and column and shows a code frame", () => {
  let error;
  try {
    instrument("let ok = 1;\nlet x = ;\n", { filename: "/src/bad.js" });
  } catch (e) {
    error = e;
  }
  assert.instance(error, InstrumentError);
  assert.is(error.filename, "/src/bad.js");
  assert.is(error.line, 2);
  assert.is(error.column, 9);
  assert.is(error.message.split("\n")[0], "/src/bad.js:2:9: Unexpected token (2:8)".replace(" (2:8)", ""));
  assert.match(error.message, /> 2 \| let x = ;/);
});

test("directives stay first: 'use strict' keeps its meaning, sloppy code stays sloppy", async () => {
  const strict = instrument('"use strict";\nexport const t = (function () { return this; })();\n', { filename: "/a/s.mjs" }).code;
  assert.match(strict, /^"use strict";/);
  const { exports } = await traceRun(
    `function f() { "use strict"; return this; }
const g = () => { "use strict"; return typeof this; };
export const r = [f(), g()];
`,
    "strict.mjs",
  );
  assert.equal(exports.r, [undefined, "undefined"]);
});

test("names tsdb adds never clash with the program's own, and are as short as the source allows", async () => {
  const prefix = (source) => instrument(source, { filename: "/a/clash.js", sourceMaps: "none" }).code.match(/var (\$[\w$]*?)T =/)[1];
  assert.is(prefix("var a = 1;\n"), "$");
  // A `$` followed by a letter anywhere (a name, a string eval could run, an escape) rules out `$`.
  assert.is(prefix("var a$d = 1;\n"), "$_");
  assert.is(prefix('eval("$x");\n'), "$_");
  assert.is(prefix('var s = "\\u0024d";\n'), "$_");
  assert.is(prefix("var $\\u0064 = 1;\n"), "$_");
  assert.is(prefix("var $1 = 1;\n"), "$");
  assert.is(prefix("var $d, $_;\n"), "$$");
  assert.is(prefix("var $d, $_, $$;\n"), "$0");
  const short = ["$_", "$$", "$0", "$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9"].map((p) => `${p}x`).join(", ");
  assert.is(prefix(`var ${short};\n`), "$t$");
  assert.is(prefix(`var ${short}, $t$d = 1, $t0$d = 2;\n`), "$t1$");
  // The program's `$d` and tsdb's depth never meet.
  const { exports } = await traceRun('var $d = 40;\nexport const r = eval("$d + 2");\n', "dollar.mjs");
  assert.is(exports.r, 42);
});

test("compact output: a debugger's writes land through one object pattern per site, by name (flat values and a depth's array)", async () => {
  const many = Array.from({ length: 20 }, (_, i) => `w${i}`);
  const source = `export function small(a, b) {
  const c = 1;
  return [a, b, c];
}
export function big(${many.join(", ")}) {
  let z = 0;
  return [w0, w19, z];
}
export const r = [small(1, 2), big(${many.map((_, i) => i).join(", ")})];
`;
  const { code } = instrument(source, { filename: "/a/compact.mjs", compact: true, sourceMaps: "none" });
  assert.match(code, /\(\{a,b\}=\$W\)/);
  // (only what the function still reads: w1...w18 are never read, z not before its declaration;
  // the site before `let z = 0`, which reads none of them, leaves w0 and w19 to the next site)
  assert.match(code, /\$l[pq]\(\$d(,6)?\);\s*let z=0;/);
  assert.match(code, /\(\{w0,w19,z\}=\$W\)/);
  const { exports } = await traceRun(source, "compact.mjs", {
    options: { compact: true },
    local(frame, event) {
      if (event !== "line" || frame.lineno === 2 || frame.lineno === 6) return;
      if (frame.code.name === "small") Object.assign(frame.locals, { a: 10, b: 20 });
      if (frame.code.name === "big") Object.assign(frame.locals, { w0: 100, w19: 119, z: 7 });
    },
  });
  assert.equal(exports.r, [
    [10, 20, 1],
    [100, 119, 7],
  ]);
});

/**
 * Every reload of `code` (compact, prefix `$`) with the names it reads, and the site whose row the
 * runtime fills `$W` from when it returns true: `$cl`/`$la`'s argument (`$cp`/`$lq`'s), else
 * (`$ln`, `$lp`) the site the line slot was last given before it in the text (`$L[$d]=N`, or `$en`'s
 * when the body's first statement's store went into the entry).
 */
function reloads(code) {
  const out = [];
  let stored = -1;
  const re =
    /\$L\[\$d\]=(\d+)|\$en\([^,()]+,(\d+)\)|\$(ln|la|cl|lp|lq|cp)\(\$d(?:,(\d+))?\)&&\((?:\{([\w$,]+)\}=\$W|([\w$]+)=\$W\.([\w$]+))\)/g;
  for (const m of code.matchAll(re)) {
    if (m[1] !== undefined || m[2] !== undefined) stored = Number(m[1] ?? m[2]);
    else {
      const names = m[5] !== undefined ? m[5].split(",") : [m[6]];
      if (m[6] !== undefined) assert.is(m[7], m[6]);
      out.push({ site: m[3] === "ln" || m[3] === "lp" ? stored : Number(m[4]), names, text: m[0] });
    }
  }
  return out;
}

test("compact output: every name a site's reload reads is one the runtime's written copy has at that site", () => {
  const { decodeTables, scopeTables } = require("../dist/runtime/tables.js");
  const { reloadable } = require("../dist/contract/index.js");
  const sources = [
    ["acorn.js", readFileSync(join(require.resolve("acorn"), "..", "acorn.js"), "utf8")],
    [
      "names.mjs",
      `export function f(__proto__, constructor, a) {
  let toString = 1;
  { let a = 2; g(a, toString); }
  for (let i = 0; i < 2; i++) g(i, __proto__);
  return [constructor, a];
}
export function* gen(valueOf, hasOwnProperty) {
  yield valueOf;
  var b = hasOwnProperty;
  yield b;
  return valueOf + b;
}
function g() {}
`,
    ],
  ];
  for (const [name, source] of sources) {
    const { code } = instrument(source, { filename: `/a/${name}`, compact: true, comments: false, sourceMaps: "none" });
    const comment = /\(\)=>\{\/\*tsdb-tables:[\s\S]*?\*\/\}/.exec(code);
    const { rows, sites } = decodeTables(scopeTables(new Function(`return ${comment[0]}`)()));
    const found = reloads(code);
    assert.ok(found.length > (name === "acorn.js" ? 2000 : 5), `${name}: reloads found`);
    for (const { site, names, text } of found) {
      const row = rows[sites.get(site)];
      assert.ok(row !== undefined, `${name}: site ${site} of ${text} has a row`);
      const filled = new Set(
        Array.from(row)
          .filter(reloadable)
          .map((e) => e[0]),
      );
      for (const n of names) assert.ok(filled.has(n), `${name}: ${text} reads ${n}, which site ${site}'s row does not fill`);
    }
  }
});

test("a debugger's writes reach bindings named __proto__, constructor, toString (flat, own and a depth's values; compact and with layout)", async () => {
  const many = Array.from({ length: 20 }, (_, i) => `w${i}`);
  const source = `function look() {}
export function flat(__proto__, constructor) {
  let toString = 3;
  look();
  return [__proto__, constructor, toString];
}
export function one(__proto__) {
  look();
  return __proto__;
}
export function* gen(__proto__, valueOf) {
  yield 0;
  look();
  return [__proto__, valueOf];
}
export function big(__proto__, ${many.join(", ")}) {
  look();
  return [__proto__, w0, w19];
}
const it = gen(1, 2);
it.next();
export const r = [flat(1, 2), one(1), it.next().value, big(1, ${many.map((_, i) => i).join(", ")})];
`;
  for (const compact of [true, false]) {
    const { exports, error } = await traceRun(source, `proto-${compact}.mjs`, {
      options: { compact },
      local(frame, event) {
        if (event !== "call" || frame.code.name !== "look") return;
        const caller = frame.back.locals;
        for (const name of ["__proto__", "constructor", "toString", "valueOf", "w19"]) if (name in caller) caller[name] = `${name}!`;
      },
    });
    assert.is(error, undefined);
    assert.equal(exports.r, [
      ["__proto__!", "constructor!", "toString!"],
      "__proto__!",
      ["__proto__!", "valueOf!"],
      ["__proto__!", 0, "w19!"],
    ]);
  }
});

test("inferred names, function length and name are those of the original", async () => {
  const { exports } = await traceRun(
    `export const f = () => {};
export const o = { m() {}, get g() { return 1; }, a: function () {}, b: () => {} };
export class C { x = () => {}; static s() {} }
export default function (a, b = 1, ...c) {}
export const facts = [f.name, o.m.name, Object.getOwnPropertyDescriptor(o, "g").get.name, o.a.name, o.b.name, new C().x.name, C.s.name];
`,
    "names.mjs",
  );
  assert.equal(exports.facts, ["f", "m", "get g", "a", "b", "x", "s"]);
  assert.is(exports.default.name, "default");
  assert.is(exports.default.length, 1);
});

test("export default of an immediately called function", async () => {
  const { exports, events } = await traceRun(
    `export default (function () {
  return 42;
})();
`,
    "iife.mjs",
  );
  assert.is(exports.default, 42);
  assert.ok(calls(events).includes("<anonymous>:1"));
});

test("default parameters that refer to earlier ones and to closures; destructured parameters", async () => {
  const { exports } = await traceRun(
    `const k = 10;
function f(a, b = a + 1, g = () => a + b + k, { c, d: [e] = [5] } = {}) { return [a, b, g(), c, e]; }
export const r = f(1, undefined, undefined, { c: 3 });
`,
    "params.mjs",
  );
  assert.equal(exports.r, [1, 2, 13, 3, 5]);
});

test("the same var declared twice in loops, and a function and a var of one name", async () => {
  const { exports } = await traceRun(
    `function f() {
  for (var i = 0; i < 2; i++) { var x = i; }
  for (var i = 5; i < 6; i++) { var x = i * 2; }
  return [i, x, typeof g];
  var g;
  function g() {}
}
export const r = f();
`,
    "vars.mjs",
  );
  assert.equal(exports.r, [6, 10, "function"]);
});

test("function declarations in a body see its let/const (json5's stringify, found by the register differential)", async () => {
  const { exports } = await traceRun(
    `function outer(x) {
  let captured = x * 2;
  const k = 1;
  return inner();
  function inner() { return captured + k; }
}
export const r = outer(20);
`,
    "inner.mjs",
  );
  assert.is(exports.r, 41);
});

test("optional chaining and logical assignment", async () => {
  const { exports } = await traceRun(
    `let a = null, b = { c: { d: () => 4 } };
a ??= 1; b.e ||= 2; b.f &&= 3;
export const r = [a, b?.c?.d?.(), b.x?.y, b.e, b.f];
`,
    "opt.mjs",
  );
  assert.equal(exports.r, [1, 4, undefined, 2, undefined]);
});

test("a statement that can neither throw nor call stores no line on the fast path; others do", async () => {
  const code = instrument(
    `function f(n, o) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = (s + i) | 0;
  }
  s = s + o.x;
  return s;
}
`,
    { filename: "/a/silent.js", sourceMaps: "none" },
  ).code;
  // A site id is its line + a variant number << 20 (one per row shown on that line).
  const stores = [...code.matchAll(/\$L\[\$d\] = (\d+);/g)].map((m) => Number(m[1]) & 0xfffff);
  // the loop statement (3), `s = s + o.x` (6), return (7): not line 2, nor 4, nor the loop head
  // again after each iteration, nor the prologues (their call event and interrupt check get the site)
  assert.equal(stores, [3, 6, 7]);
  assert.match(code, /\$c[lp]\(\$d, 1\)/);
  const { events, exports } = await traceRun(
    `export function f(n, o) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = (s + i) | 0;
  }
  s = s + o.x;
  return s;
}
export const r = f(2, { x: 10 });
`,
    "silent.mjs",
  );
  assert.is(exports.r, 11);
  assert.equal(lines(events, "f"), [2, 3, 4, 3, 4, 3, 6, 7]);
});

test("values live where the runtime reads them: slots written through, accessors for what closures use", () => {
  const code = instrument(
    `function f(a) {
  let kept = a + 1;
  kept += 2;
  let shared = 0;
  const bump = () => { shared++; };
  bump();
  return kept + shared;
}
`,
    { filename: "/a/values.js", sourceMaps: "none" },
  ).code;
  const body = code.slice(code.indexOf("function f("));
  // a parameter and a binding only f's own code assigns: a slot, stored at entry and at each write
  // (a small function's slots are in the runtime's flat array, at its depth's offset $o)
  assert.match(body, /\$VS\[\$o(?: \+ \d+)?\] = a;/);
  assert.match(body, /\$VS\[\$o(?: \+ \d+)?\] = kept;/);
  assert.match(body, /\$VS\[\$o(?: \+ \d+)?\] = kept \+= 2;/);
  // a binding the closure assigns: an accessor made where its scope starts, nothing stored at writes
  assert.match(body, /case 0:\s+return w \? shared = v : shared;/);
  assert.not.match(body, /\] = shared/);
  // sites hand the runtime nothing but the depth
  assert.not.match(code, /\$ln\(\$d, /);
});

test("`$r` only in functions with a `return value`: the others return undefined, and their return events carry undefined", async () => {
  const source = `export function falls(x) { x++; }
export function bare(x) { if (x) return; x++; }
export function valued(x) { if (x) return; return x * 2; }
export const arrow = (x) => x + 1;
export function thrower() { throw new Error("no"); }
export class K { static s = 0; static { K.s = 1; } }
export function viaFinally() { try { return; } finally { K.s++; } }
`;
  const returns = [];
  const { exports, error } = await traceRun(source, "returned.mjs", {
    local: (frame, event, arg) => event === "return" && returns.push([frame.code.name, arg]),
    after: (m) => {
      returns.push(["results", m.falls(1), m.bare(1), m.bare(0), m.valued(0), m.valued(1), m.arrow(1), m.viaFinally()]);
      try {
        m.thrower();
      } catch {}
    },
  });
  assert.is(error, undefined);
  assert.is(exports.K.s, 2);
  assert.equal(returns.slice(returns.findIndex((r) => r[0] === "<module>") + 1), [
    ["falls", undefined],
    ["bare", undefined],
    ["bare", undefined],
    ["valued", 0],
    ["valued", undefined],
    ["arrow", 2],
    ["viaFinally", undefined],
    ["results", undefined, undefined, undefined, 0, undefined, 2, undefined],
    ["thrower", undefined],
  ]);
  assert.equal(
    returns.find((r) => r[0] === "<static>"),
    ["<static>", undefined],
  );
  const code = instrument(source, { filename: "/r.mjs", compact: true, comments: false, sourceMaps: "none" }).code;
  // A function's text, to the end of its exit (`…$R.sp=$d-1;` then its clear and `return $r;` if any).
  const text = (name) =>
    /^[\s\S]*?\$R\.sp=\$d-1;(?:\$VS\[\$o\]=void 0;)?(?:return \$r;)?/.exec(code.slice(code.indexOf(`function ${name}(`)))[0];
  for (const name of ["falls", "bare", "thrower", "viaFinally"]) assert.not.match(text(name), /\$r\b/, name);
  assert.match(text("valued"), /let \$r;[\s\S]*\$r=x\*2[\s\S]*\$lv\(\$d,\$r\)[\s\S]*return \$r;/);
});

test("the header's names are vars (V8 checks a const's TDZ at every read), a classic script's consts (a var would be a property of the global object)", () => {
  const code = (sourceType) =>
    instrument("var a = 1;\nfunction f() {\n  return a;\n}\n", { filename: "/a/h.js", sourceType, sourceMaps: "none" }).code;
  for (const sourceType of ["commonjs", "module"]) assert.match(code(sourceType), /^var \$F = \$T\.file\(/m, sourceType);
  assert.match(code("commonjs"), /^var \$T = /);
  assert.match(code("script"), /const \$t\w+\$T = /);
  assert.not.match(code("script"), /var \$t\w+\$/);
});

test("early-call copies only in a module that imports: one that imports nothing is in no cycle", () => {
  const body = "export function f(x) {\n  return x + 1;\n}\nfunction g() {\n  return f(1);\n}\nexport const y = g();\n";
  const copies = (source) => {
    const { code } = instrument(source, { filename: "m.mjs", compact: true, sourceMaps: "none" });
    return (code.match(/\$\w*p\d+\.apply\(this,arguments\)/g) ?? []).length;
  };
  assert.is(copies(body), 0);
  for (const head of [
    'import "./a.mjs";\n',
    'import { a } from "./a.mjs";\n',
    'export * from "./a.mjs";\n',
    'export { a } from "./a.mjs";\n',
  ]) {
    assert.is(copies(head + body), 2, head);
  }
});

test.run();
