// The `tsdb` command's start (bench/FINDINGS.md §42): the debugger's bundle runs from V8's code cache
// (debugger/start.ts), and only a code cache this user wrote for that very text runs; an ES module
// script's code is made on the main thread and handed to the hooks thread, which serves it only for
// the text and the configuration it was made for (register/index.ts `expectModule`).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";
import { cleanup, node, root, sandbox } from "./fixtures/register/harness.mjs";
import { session } from "./fixtures/debugger/session.mjs";
import { cannot, otherUser } from "./helpers/system.mjs";

const require_ = createRequire(import.meta.url);
const start = join(root, "dist/debugger/start.js");
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/** A CommonJS file `load` runs, and a process that runs it with the cache in `cache`. */
function ownCode() {
  const dir = sandbox();
  const file = join(dir, "own.js");
  writeFileSync(join(dir, "near.cjs"), "module.exports = 'near';\n");
  writeFileSync(
    file,
    'exports.word = "genuine";\nexports.where = [__filename === __dirname + "/own.js", this === module.exports, require("./near.cjs"), typeof require.resolve];\n',
  );
  const cache = join(dir, "cache");
  const run = () =>
    node(["-e", `const m = require(${JSON.stringify(start)}).load(${JSON.stringify(file)}); console.log(m.word, m.where.join())`], {
      env: { TSDB_CACHE_DIR: cache },
    });
  // As start.ts names it: one code cache per file and Node, its checksum of the text.
  const key = sha256(`tsdb own code\n${file}\n${process.version}\n${process.arch}`);
  const code = join(cache, key.slice(0, 2), `${key}.v8`);
  return { file, run, key, code, sum: sha256(readFileSync(file, "utf8")) };
}

/** A code cache file as tsdb writes it (register/cache.ts), for `key`, the text checksum `sum`, holding `data`. */
function codeFile(key, sum, data) {
  const check = createHash("sha256").update(`${key} ${sum}\n`).update(data).digest("hex");
  return Buffer.concat([Buffer.from(`tsdb-v8-1 ${key} ${sum} ${check}\n`, "latin1"), data]);
}

test("the bundle's code cache: made at the first exit, private, then run; it runs as Node runs the file", () => {
  const own = ownCode();
  const first = own.run();
  assert.is(first.stderr, "");
  assert.is(first.stdout, "genuine true,true,near,function\n");
  assert.ok(existsSync(own.code), "made at exit");
  assert.is(statSync(own.code).mode & 0o777, 0o600);
  assert.is(statSync(join(own.code, "..")).mode & 0o777, 0o700);
  const made = readFileSync(own.code);
  assert.ok(made.toString("latin1").startsWith(`tsdb-v8-1 ${own.key} ${own.sum} `));
  assert.is(own.run().stdout, first.stdout);
  assert.ok(readFileSync(own.code).equals(made), "taken, not made again");
  cleanup();
});

test("only a code cache this user wrote for that very text is run", () => {
  const own = ownCode();
  assert.is(own.run().status, 0);
  const text = readFileSync(own.file, "utf8");
  // Bytecode of another text of the same length: V8 checks only the length, so tsdb must check the rest.
  const planted = text.replace('"genuine"', '"PLANTED"');
  assert.is(planted.length, text.length);
  const data = new Script(require_("node:module").wrap(planted), { filename: own.file }).createCachedData();
  writeFileSync(own.code, codeFile(own.key, own.sum, data), { mode: 0o600 });
  assert.match(
    own.run().stdout,
    "PLANTED",
    "a code cache of ours, made for this text, runs (so the checks below are what stop the others)",
  );
  writeFileSync(own.code, codeFile(own.key, "0".repeat(64), data));
  assert.match(own.run().stdout, "genuine", "made for another text: not run");
  assert.ok(readFileSync(own.code, "latin1").startsWith(`tsdb-v8-1 ${own.key} ${own.sum} `), "and replaced by one made for it");
  const damaged = codeFile(own.key, own.sum, data);
  damaged[damaged.length - 10] ^= 0xff;
  writeFileSync(own.code, damaged);
  assert.match(own.run().stdout, "genuine", "damaged: not run");
  writeFileSync(own.code, codeFile(own.key, own.sum, data));
  chmodSync(own.code, 0o666);
  assert.match(own.run().stdout, "genuine", "others can write it: not run");
  chmodSync(own.code, 0o600);
  chmodSync(join(own.code, "../.."), 0o777);
  assert.match(own.run().stdout, "genuine", "in a folder others can write: not run");
  chmodSync(join(own.code, "../.."), 0o700);
  const other = otherUser();
  if (other.reason) return cannot("a code cache another user owns", other.reason);
  writeFileSync(own.code, codeFile(own.key, own.sum, data));
  chownSync(own.code, other.uid, other.gid);
  assert.match(own.run().stdout, "genuine", "another user's: not run");
  cleanup();
});

test("from the code cache, code typed at the prompt still imports (`debug`, and the ES module script itself)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-start-"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(join(dir, "app.ts"), "const n: number = 1;\nconsole.log('n', n);\n");
  const env = { TSDB_CACHE_DIR: join(dir, "cache") };
  const commands = ['debug import("node:os").then((m) => console.log("imported", typeof m.cpus))', "c", "c"];
  const runs = [session(join(dir, "app.ts"), commands, { cwd: dir, env }), session(join(dir, "app.ts"), commands, { cwd: dir, env })];
  assert.ok(
    readdirSync(join(dir, "cache"), { recursive: true }).some((f) => String(f).endsWith(".v8")),
    "the second run had a code cache",
  );
  for (const r of runs) {
    assert.ok(r.out.startsWith(`> ${dir}/app.ts(1)<module>()\n`), r.out);
    assert.ok(r.out.includes("imported function\n"), r.out);
    assert.ok(r.out.includes("n 1\nimported function\nThe program finished with exit code 0"), r.out);
  }
});

test("an ES module script outside the include settings: the code made before the settings widened is not served", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-start-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ tsdb: { exclude: ["app.mts"] } }));
  writeFileSync(join(dir, "app.mts"), "const x: number = 1;\nconsole.log(x + 1);\n");
  const r = session(join(dir, "app.mts"), ["n", "p x", "c"], { cwd: dir });
  assert.is(
    r.out.split(dir).join("$TMP"),
    [
      `*** $TMP/app.mts is outside the include/exclude settings (TSDB_INCLUDE, TSDB_EXCLUDE or "tsdb" in package.json): instrumenting it anyway, so that the debugger can stop in it`,
      "> $TMP/app.mts(1)<module>()",
      "-> const x: number = 1;",
      "(tsdb) n",
      "> $TMP/app.mts(2)<module>()",
      "-> console.log(x + 1);",
      "(tsdb) p x",
      "1",
      "(tsdb) c",
      "2",
      "The program finished with exit code 0",
      "",
    ].join("\n"),
  );
});

test("the hooks serve the main thread's code of a module only for the text it was made from", async () => {
  const hooks = require_(join(root, "dist/register/esm-hooks.js"));
  const dir = sandbox();
  const file = join(dir, "app.mjs");
  const text = "export const x = 1;\n";
  writeFileSync(file, text);
  const shared = new SharedArrayBuffer(1 << 16);
  hooks.writeState(shared, { cwd: dir, include: ["**/*"], cacheDir: null });
  const handed = "export const handed = 1;\n";
  hooks.initialize({
    shared,
    loaded: new SharedArrayBuffer(hooks.LOADED_BYTES),
    doorbell: null,
    eager: false,
    first: { filename: file, source: text, code: handed },
  });
  const nextLoad = async () => ({ format: "module", source: readFileSync(file) });
  const load = async () => String((await hooks.load(pathToFileURL(file).href, { conditions: [] }, nextLoad)).source);
  writeFileSync(file, "export const x = 2;\n");
  const changed = await load();
  assert.is.not(changed, handed, "the file changed since: instrumented here");
  assert.match(changed, /\bx\s*=\s*2\b/);
  writeFileSync(file, text);
  assert.is(await load(), handed);
  assert.is.not(await load(), handed, "served once");
  cleanup();
});

test("the hooks thread started ahead: made at once, and the hooks registered later run on it", () => {
  if (!existsSync("/proc/self/task")) return cannot("the hooks thread started ahead", "no /proc/self/task to count threads in");
  const dir = sandbox();
  writeFileSync(
    join(dir, "hooks.mjs"),
    'export async function load(url, context, next) { const r = await next(url, context); return url.endsWith("value.mjs") ? { ...r, source: "export default 42;" } : r; }\n',
  );
  writeFileSync(join(dir, "value.mjs"), "export default 1;\n");
  const script = `const threads = () => require("node:fs").readdirSync("/proc/self/task").length;
const before = threads();
require(${JSON.stringify(join(root, "dist/register/hooks-thread.js"))}).startHooksThread();
const after = threads();
require("node:module").register(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});
import(${JSON.stringify(pathToFileURL(join(dir, "value.mjs")).href)}).then((m) => console.log(after - before, m.default));`;
  const r = node(["-e", script], { cwd: dir });
  assert.is(r.stderr, "");
  assert.is(r.stdout, "1 42\n", "one thread more before any hook is registered; the hook registered after it loads the module");
  cleanup();
});

test.run();
