// Stack traces through instrumented code show every frame at the line and column plain Node shows:
// the program run plain, through the load hook, and as `tsdb-instrument` wrote it (run with source
// maps on), frame by frame. The map keeps only segments where V8 can report a frame
// (compiler/source-map.ts): every construct below throws or calls from such a position.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// Each case runs alone; what it throws is printed as the frames of this directory's files.
const CASES = String.raw`
Error.stackTraceLimit = 100;
const boom = () => { throw new Error("boom"); };
const o = {
  get g() { return boom(); },
  set s(v) { boom(); },
  valueOf() { return boom(); },
  toString() { return boom(); },
  m() { return boom(); },
  [Symbol.iterator]() { return boom(); },
  [Symbol.hasInstance]() { return boom(); },
};
const trap = new Proxy({}, { ownKeys() { return boom(); }, has() { return boom(); }, deleteProperty() { return boom(); }, get() { return boom(); } });
const curry = (a) => (b) => boom();
class Base { constructor() { boom(); } m() { return boom(); } static sm() { boom(); } }
function tag(strings, ...values) { return boom(); }
const k = "m";
const cases = {
  setter() { o.s = 1; },
  setterSpaced() { o . s  =  1; },
  getter() { return o.g; },
  getterSpaced() { return o
    . g; },
  plus() { return o + 1; },
  plusSpaced() { return 1   +   o; },
  times() { return o * 2; },
  less() { return o < 1; },
  minus() { return o - 1; },
  eqeq() { return o == 1; },
  commented() { return o /* c */ + 1; },
  parenthesized() { return (o) + 1; },
  nextLine() { return o
    + 1; },
  method() { return o.m(); },
  methodSpaced() { return o . m ( ); },
  keyed() { return o[k](); },
  keyedLoad() { return trap[k]; },
  comma() { return (0, o.m)(); },
  curried() { return curry(1)(2); },
  curriedSpaced() { return curry(1) (2); },
  construct() { return new Base(); },
  constructBare() { return new Base; },
  increment() { let i = o; i++; },
  preIncrement() { let i = o; return ++i; },
  addAssign() { let i = o; i += 1; },
  arrayPattern() { const [a] = o; return a; },
  objectPattern() { const { g } = o; return g; },
  forOf() { for (const x of o) return x; },
  forIn() { for (const x in trap) return x; },
  inOp() { return "x" in trap; },
  instanceOf() { return 1 instanceof o; },
  deleteOp() { return delete trap.x; },
  reference() { return undeclared + 1; },
  notCallable() { const n = {}; return n.nope(); },
  nullRead() { const n = null; return n.x; },
  tdz() { const t = typeof later; let later = 1; return t; },
  optional() { return o?.m(); },
  optionalKeyed() { return o?.[k](); },
  optionalCall() { return o.m?.(); },
  spreadArray() { return [...o]; },
  spreadCall() { return Math.max(...o); },
  spreadObject() { return { ...trap }; },
  superCall() { class D extends Base { constructor() { super(); } } return new D(); },
  superMethod() { class D extends Base { m() { return super.m(); } } return new D().m(); },
  noSuper() { class D extends Base { constructor() { } } return new D(); },
  tagged() { return tag${"`"}a${"$"}{1}b${"`"}; },
  taggedSpaced() { return tag ${"`"}a${"`"}; },
  template() { return ${"`"}a${"$"}{o}${"`"}; },
  newTarget() { function N() { if (new.target) boom(); } return new N(); },
  defaultParam() { function d(a = boom()) { return a; } return d(); },
  classField() { class C { x = boom(); } return new C(); },
  staticBlock() { return class { static { boom(); } }; },
  classGetter() { class C { get v() { return boom(); } } return new C().v; },
  staticMethod() { return Base.sm(); },
  generator() { function* g() { yield 1; yield boom(); } const it = g(); it.next(); return it.next(); },
  labeled() { outer: for (let i = 0; i < 2; i++) { for (;;) { if (i === 0) continue outer; boom(); } } },
  conditional() { return o ? o.m() : 0; },
  notEqual() { return o != 1; },
  andAssign() { const p = { get s() { return 1; }, set s(v) { boom(); } }; p.s &&= 2; },
  orAssign() { const p = { get s() { return 0; }, set s(v) { boom(); } }; p.s ||= 2; },
  nullishAssign() { const p = { get s() { return null; }, set s(v) { boom(); } }; p.s ??= 2; },
  negate() { return -o; },
  bitNot() { return ~o; },
  bitAnd() { return 1 & o; },
  not() { return !o.m(); },
  and() { return "a" && o.m(); },
  or() { return 0 || o.m(); },
  nullish() { return null ?? o.m(); },
  stringCall() { return "a,b".split(",", o); },
  numberCall() { return 1.5.toFixed(o); },
  numberCall2() { return 1..toFixed(o); },
  exponent() { return 1e3 + o; },
  logical() { return o && o.m(); },
  arrow() { const f = (x) => x.m(); return f(o); },
  chained() { return [1].map((x) => x).map(() => o.m()); },
  callback() { return [1].forEach(function () { boom(); }); },
  throwIt() { throw new Error("here"); },
  jsonParse() { return JSON.parse("{"); },
  stackHere() { return new Error("stack").stack; },
  multiLine() {
    return o
      .m(
      );
  },
};
const frames = (e) =>
  String(e && e.stack)
    .split("\n")
    .filter((l) => l.includes(__dir))
    .map((l) => l.slice(l.indexOf(__dir) + __dir.length).replace(/\)$/, ""))
    .join(" ");
async function run() {
  for (const [name, f] of Object.entries(cases)) {
    try {
      const r = f();
      console.log(name, typeof r === "string" ? frames({ stack: r }) : "no throw");
    } catch (e) {
      console.log(name, frames(e));
    }
  }
  const later = async () => { await null; boom(); };
  async function awaiting() { await later(); }
  async function outer() { await awaiting(); }
  try { await outer(); } catch (e) { console.log("async", frames(e)); }
  async function assigned() { const v = 1 + await later(); return v; }
  try { await assigned(); } catch (e) { console.log("awaitAssigned", frames(e)); }
  async function inCall() { return Math.max(0, await later()); }
  try { await inCall(); } catch (e) { console.log("awaitInCall", frames(e)); }
  async function* ag() { yield 1; await later(); }
  try { for await (const x of ag()) void x; } catch (e) { console.log("asyncGenerator", frames(e)); }
}
`;

// TypeScript: «…» is type syntax, blanked out for the plain run (columns kept), kept for tsdb.
const TYPED = String.raw`
Error.stackTraceLimit = 100;
const fail = ()«: never» => { throw new Error("typed"); };
const t«: any» = { m: (x«: number») => fail(), valueOf() { return fail(); } };
function add(a«: number», b«: any»)«: number» { return a + b; }
function call(x«: any»)«: void» { x«!».m(1); }
function cast«<T>»(v«: T»)«: number» { return (v «as any»).m(2); }
function generic«<T extends object>»(v«: T»)«: string» { return ${"`"}${"$"}{v}${"`"}; }
function optional(x«?: any») { return x«!».n?.m() ?? x.m(); }
class Box«<T>» { value«: T»; constructor(v«: T») { this.value = v; } get twice()«: number» { return (this.value «as any») * 2; } }
«type Unused = { a: string };»
«interface Shape { area(): number }»
for (const [name, f] of Object.entries({ add: () => add(1, t), call: () => call(t), cast: () => cast(t), generic: () => generic(t), optional: () => optional(t), box: () => new Box(t).twice }))
  try { f(); } catch (e«: any») { console.log(name, String(e.stack).split("\n").filter((l) => l.includes(__dirname)).map((l) => l.slice(l.indexOf(__dirname) + __dirname.length + 1).replace(/\)$/, "")).join(" ")); }
`;

function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-columns-"));
  const cjs = `const __dir = __dirname + "/";\n${CASES}\nrun();\n`;
  const esm = `import { dirname } from "node:path";\nimport { fileURLToPath } from "node:url";\nconst __dir = dirname(fileURLToPath(import.meta.url)) + "/";\n${CASES}\nawait run();\n`;
  writeFileSync(join(dir, "main.cjs"), cjs);
  writeFileSync(join(dir, "main.mjs"), esm);
  writeFileSync(join(dir, "typed.ts"), TYPED.replace(/«([^»]*)»/g, "$1"));
  writeFileSync(
    join(dir, "typed.cjs"),
    TYPED.replace(/«([^»]*)»/g, (_, t) => " ".repeat(t.length)),
  );
  return dir;
}

const run = (dir, args, env = {}) =>
  spawnSync(process.execPath, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, TSDB_CACHE_DIR: join(dir, "cache"), TSDB_INCLUDE: "*", ...env },
  });

function instrumented(dir, file, out) {
  const cli = spawnSync(
    process.execPath,
    [join(root, "dist/bin/tsdb-instrument.js"), file, "-o", out, "--runtime", join(root, "dist/runtime/internal.js")],
    { cwd: dir, encoding: "utf8" },
  );
  assert.is(cli.status, 0, cli.stderr);
}

// Not the map's: tsdb runs a class field's initializer in a function of its own (one frame more), and
// V8 reports a derived constructor that never called super() at its parameters, tsdb's at the exit
// it adds to the body.
const KNOWN = /^(classField|noSuper) /;

/** The lines that differ, side by side. */
function same(actual, expected, what) {
  const a = actual.split("\n").filter((l) => !KNOWN.test(l));
  const e = expected.split("\n").filter((l) => !KNOWN.test(l));
  const diff = e.flatMap((line, i) => (a[i] === line ? [] : [`plain: ${line}\n${what}: ${a[i]}`]));
  assert.ok(diff.length === 0 && a.length === e.length, `${what}:\n${diff.join("\n")}`);
}

test("every frame of every construct at plain Node's line and column: the hook and tsdb-instrument's output", () => {
  const dir = sandbox();
  for (const file of ["main.cjs", "main.mjs"]) {
    const plain = run(dir, [file]);
    assert.is(plain.stderr, "");
    assert.match(plain.stdout, new RegExp(`^setter ${file}:\\d+:28 ${file}:\\d+:14 `, "m"));
    const hooked = run(dir, ["--import", join(root, "dist/register.mjs"), file]);
    assert.is(hooked.stderr, "");
    same(hooked.stdout, plain.stdout, `hook ${file}`);
    const out = file.replace(".", ".out.");
    instrumented(dir, file, out);
    same(run(dir, ["--enable-source-maps", out]).stdout.split(".out.").join("."), plain.stdout, `tsdb-instrument ${file}`);
  }
  // TypeScript through the hook against the same program with its types blanked out, run plain.
  const plain = run(dir, ["typed.cjs"]);
  assert.is(plain.stderr, "");
  assert.match(plain.stdout, "add typed.cjs:");
  const hooked = run(dir, ["--import", join(root, "dist/register.mjs"), "typed.ts"]);
  assert.is(hooked.stderr, "");
  same(hooked.stdout.split("typed.ts").join("typed.cjs"), plain.stdout, "hook typed.ts");
  rmSync(dir, { recursive: true, force: true });
});

test("real code: acorn's SyntaxErrors, raised through raise() from call sites across the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-columns-"));
  copyFileSync(join(root, "node_modules/acorn/dist/acorn.js"), join(dir, "acorn.cjs"));
  const broken = [
    "let x = ;",
    "function (a, b) {}",
    "a => { return 1 +; }",
    "class A { constructor() {} constructor() {} }",
    "for (let of of) ;",
    "`${`",
    "({ a: 1, a })",
    "let [a, ...b,] = c;",
    "async () => await",
    "x = /[/",
    "0b12",
    "'\\u{110000}'",
    "label: label: ;",
    "new.target",
    "yield = 1; function* g() { yield = 1 }",
    "import x from 'y'",
    "a?.b = 1",
    "({ get a(x) {} })",
    "'use strict'; with (a) {}",
    "break;",
  ];
  writeFileSync(
    join(dir, "main.cjs"),
    [
      "Error.stackTraceLimit = 100;",
      'const acorn = require("./acorn.cjs");',
      `for (const text of ${JSON.stringify(broken)}) {`,
      "  try { acorn.parse(text, { ecmaVersion: 2022 }); console.log(text, 'parsed'); }",
      "  catch (e) { console.log(text, e.message, e.stack.split('\\n').filter((l) => l.includes(__dirname)).map((l) => l.slice(l.indexOf(__dirname)).replace(/\\)$/, '')).join(' ')); }",
      "}",
    ].join("\n"),
  );
  const plain = run(dir, ["main.cjs"]);
  assert.is(plain.stderr, "");
  assert.match(plain.stdout, "acorn.cjs:");
  const hooked = run(dir, ["--import", join(root, "dist/register.mjs"), "main.cjs"]);
  assert.is(hooked.stderr, "");
  same(hooked.stdout, plain.stdout, "hook");
  rmSync(dir, { recursive: true, force: true });
});

test.run();
