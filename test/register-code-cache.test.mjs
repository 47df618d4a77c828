// V8's code cache for the load hook's CommonJS entries (register/code-cache.ts): a module compiled
// from it runs as Node would run it, and only a code cache this user wrote for that very entry runs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileFunction } from "node:vm";
import { cleanup, node, registerESM, sandbox } from "./fixtures/register/harness.mjs";
import { cannot, otherUser } from "./helpers/system.mjs";

const MAIN = `const lib = require("./lib.js");
console.log("main", require.main === module, this === exports, arguments.length, module.children.map((m) => m.id.slice(__dirname.length)).join(), __filename === module.filename);
console.log(lib.word(), new Error("here").stack.split("\\n")[1].trim());
lib.later().then((x) => console.log("dynamic", x));
`;
const LIB = `exports.word = () => "genuine";
exports.later = () => import("./value.mjs").then((m) => m.value);
`;

function project() {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), '{ "type": "commonjs" }\n');
  writeFileSync(join(dir, "main.js"), MAIN);
  writeFileSync(join(dir, "lib.js"), LIB);
  writeFileSync(join(dir, "value.mjs"), "export const value = 42;\n");
  return dir;
}

const run = (dir, args = []) => node([...args, "main.js"], { cwd: dir, env: { TSDB_INCLUDE: "*.js" } });
const hooked = (dir) => run(dir, ["--import", registerESM]);

/** The cache's files of `name` (`.js`, `.map`, `.v8`), by extension, for the entry made from `file`. */
function entryFiles(dir, file) {
  const cache = join(dir, "node_modules/.cache/tsdb");
  for (const sub of readdirSync(cache)) {
    for (const name of readdirSync(join(cache, sub))) {
      if (!name.endsWith(".js")) continue;
      const path = join(cache, sub, name);
      const raw = readFileSync(path, "utf8");
      if (!raw.includes(JSON.stringify(join(dir, file)))) continue;
      const stem = path.slice(0, -3);
      const [, key, sum] = raw.slice(0, raw.indexOf("\n")).split(" ");
      return { key, sum, body: raw.slice(raw.indexOf("\n") + 1), code: `${stem}.v8`, stem };
    }
  }
  throw new Error(`no entry for ${file}`);
}

/** A code cache file as tsdb writes it, for the entry `key` (checksum `sum`), holding `data`. */
function codeFile(key, sum, data) {
  const check = createHash("sha256").update(`${key} ${sum}\n`).update(data).digest("hex");
  return Buffer.concat([Buffer.from(`tsdb-v8-1 ${key} ${sum} ${check}\n`, "latin1"), data]);
}

/** V8's code cache of `body` compiled as the hook compiles a CommonJS entry. */
function v8Data(body, filename) {
  const params = ["exports", "require", "module", "__filename", "__dirname"];
  return compileFunction(body, params, { filename, produceCachedData: true }).cachedData;
}

test("a module run from V8's code cache behaves as Node runs it: its scope, stack positions, import()", () => {
  const dir = project();
  const plain = run(dir);
  assert.is(plain.status, 0, plain.stderr);
  const first = hooked(dir);
  const second = hooked(dir);
  assert.is(first.stderr, "");
  assert.is(second.stderr, "");
  assert.is(first.stdout, plain.stdout);
  assert.is(second.stdout, plain.stdout);
  // (the runtime the header loads is not among the module's children)
  assert.match(plain.stdout, "main true true 5 /lib.js true");
  assert.match(plain.stdout, "dynamic 42");
  // main.js has a code cache; lib.js, which has an import(), has none (Node 20 loses the import
  // callback of a script compiled from a code cache: ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
  assert.ok(readFileSync(entryFiles(dir, "main.js").code).length > 1000);
  assert.throws(() => readFileSync(entryFiles(dir, "lib.js").code), /ENOENT/);
  cleanup();
});

test("only a code cache this user wrote for that very entry is run", () => {
  const dir = project();
  assert.is(hooked(dir).status, 0);
  const lib = entryFiles(dir, "main.js");
  // Bytecode of another text of the same length: V8 checks only the length, so tsdb must check the rest.
  const planted = lib.body.replace('"main"', '"MAIN"');
  assert.is(planted.length, lib.body.length);
  const data = v8Data(planted, join(dir, "main.js"));
  writeFileSync(lib.code, codeFile(lib.key, lib.sum, data), { mode: 0o600 });
  assert.match(
    hooked(dir).stdout,
    "MAIN true",
    "a code cache of ours, made for this entry, runs (so the checks below are what stop the others)",
  );
  writeFileSync(lib.code, codeFile(lib.key, "0".repeat(64), data));
  assert.match(hooked(dir).stdout, "main true", "made for another text of the entry: not run");
  assert.ok(readFileSync(lib.code, "latin1").startsWith(`tsdb-v8-1 ${lib.key} ${lib.sum} `), "and replaced by one made for it");
  assert.match(hooked(dir).stdout, "main true");
  writeFileSync(lib.code, codeFile(lib.key, lib.sum, data));
  chmodSync(lib.code, 0o666);
  assert.match(hooked(dir).stdout, "main true", "others can write it: not run");
  chmodSync(lib.code, 0o600);
  const other = otherUser();
  if (other.reason) return cannot("a code cache another user owns", other.reason);
  writeFileSync(lib.code, codeFile(lib.key, lib.sum, data));
  chownSync(lib.code, other.uid, other.gid);
  assert.match(hooked(dir).stdout, "main true", "another user's: not run");
  cleanup();
});

test.run();
