// The on-disk cache of tsdb/register: hits on a second run, invalidation,
// corrupt entries, an unwritable cache, two processes at once.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { nodeAsync, registerESM, root, runESM, sandbox, cleanup } from "./fixtures/register/harness.mjs";

const require = createRequire(import.meta.url);
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/** Every entry of a cache directory: { path, sum, body, valid }. */
function entries(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const sub of readdirSync(dir)) {
    for (const name of readdirSync(join(dir, sub))) {
      const path = join(dir, sub, name);
      const raw = readFileSync(path, "utf8");
      const nl = raw.indexOf("\n");
      const [magic, sum] = raw.slice(0, nl).split(" ");
      const body = raw.slice(nl + 1);
      out.push({ path, name, sum, body, valid: magic === "//tsdb-cache-1" && sum === sha256(body) });
    }
  }
  return out;
}

const entryFor = (list, file) => list.find((e) => e.body.includes(JSON.stringify(file)));
const write = (entry, body, sum = sha256(body)) => writeFileSync(entry.path, `//tsdb-cache-1 ${sum}\n${body}`);

test("second run is served from the cache; corrupt entries are rebuilt; changes invalidate", () => {
  const dir = sandbox("register/esm");
  const cache = join(dir, "node_modules/.cache/tsdb");
  const first = runESM(dir, "main.mjs");
  assert.is(first.status, 0, first.stderr);
  const before = entries(cache);
  assert.is(before.length, 5, "main.mjs, lib.ts, legacy.cjs, helper.cts, trace.mjs");
  assert.ok(before.every((e) => e.valid));

  // A hit: an entry changed behind tsdb's back (checksum kept right) is what runs.
  const lib = entryFor(before, join(dir, "lib.ts"));
  const legacy = entryFor(before, join(dir, "legacy.cjs"));
  write(lib, 'console.log("LIB FROM CACHE");\n' + lib.body);
  write(legacy, 'console.log("LEGACY FROM CACHE");\n' + legacy.body);
  const second = runESM(dir, "main.mjs");
  assert.is(second.status, 0, second.stderr);
  assert.match(second.stdout, "LIB FROM CACHE");
  assert.match(second.stdout, "LEGACY FROM CACHE");
  assert.equal(second.calls, first.calls);
  assert.is(entries(cache).length, 5, "nothing new written");

  // Corrupt: a body that does not match its checksum is not trusted, and is rewritten.
  write(legacy, 'console.log("CORRUPT");\n' + legacy.body, legacy.sum);
  const third = runESM(dir, "main.mjs");
  assert.is(third.status, 0, third.stderr);
  assert.not.match(third.stdout, "CORRUPT");
  assert.not.match(third.stdout, "LEGACY FROM CACHE");
  assert.match(third.stdout, "LIB FROM CACHE");
  const rebuilt = entryFor(entries(cache), join(dir, "legacy.cjs"));
  assert.ok(rebuilt.valid);
  assert.is(rebuilt.body, legacy.body);

  // Other options: other entries.
  writeFileSync(join(dir, "opts.mjs"), `import { register } from ${JSON.stringify(registerESM)};\nregister({ sourceMaps: "none" });\n`);
  const other = runESM(dir, "main.mjs", { flags: ["--import", "./opts.mjs"] });
  assert.is(other.status, 0, other.stderr);
  assert.not.match(other.stdout, "LIB FROM CACHE");
  assert.ok(entries(cache).length > 6);

  // The file changed: its new text is instrumented (add moves to line 9).
  const count = entries(cache).length;
  writeFileSync(join(dir, "lib.ts"), "\n" + readFileSync(join(dir, "lib.ts"), "utf8"));
  const changed = runESM(dir, "main.mjs");
  assert.is(changed.status, 0, changed.stderr);
  assert.not.match(changed.stdout, "LIB FROM CACHE");
  assert.ok(changed.calls.includes("lib.ts:add:9"));
  assert.is(entries(cache).length, count + 1);
});

test("the key covers source, file, working directory, options and tsdb version", () => {
  const { cacheKey, compilerFingerprint } = require(join(root, "dist/register/cache.js"));
  const base = { source: "f()", filename: "/a/x.js", cwd: "/a", options: { sourceMaps: "inline" }, version: "1.0.0" };
  const key = cacheKey(base);
  assert.is(cacheKey({ ...base }), key);
  assert.is.not(cacheKey({ ...base, source: "g()" }), key);
  assert.is.not(cacheKey({ ...base, filename: "/a/y.js" }), key);
  assert.is.not(cacheKey({ ...base, cwd: "/b" }), key);
  assert.is.not(cacheKey({ ...base, options: { sourceMaps: "none" } }), key);
  assert.is.not(cacheKey({ ...base, version: "1.0.1" }), key);
  assert.is.not(cacheKey({ ...base, fingerprint: "other build" }), key);
  assert.is(cacheKey({ ...base, fingerprint: compilerFingerprint() }), key);
});

test("TSDB_CACHE_DIR moves the cache; an unwritable one warns once and the program runs", () => {
  const dir = sandbox("register/esm");
  const moved = runESM(dir, "main.mjs", { env: { TSDB_CACHE_DIR: "elsewhere" } });
  assert.is(moved.status, 0, moved.stderr);
  assert.is(entries(join(dir, "elsewhere")).length, 5);
  assert.not.ok(existsSync(join(dir, "node_modules/.cache/tsdb")));

  writeFileSync(join(dir, "not-a-dir"), "");
  const r = runESM(dir, "main.mjs", { env: { TSDB_CACHE_DIR: "not-a-dir/cache" } });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, "total 3 30 #3");
  const warnings = r.stderr.split("\n").filter((l) => l.includes("cannot write the cache"));
  assert.is(warnings.length, 1, r.stderr);
  assert.match(warnings[0], "continuing without a cache");
});

test("two processes filling the same cache at once", async () => {
  const dir = sandbox("register/esm");
  const args = ["--import", registerESM, "--import", "./trace.mjs", "main.mjs"];
  const [a, b] = await Promise.all([nodeAsync(args, { cwd: dir }), nodeAsync(args, { cwd: dir })]);
  assert.is(a.status, 0, a.stderr);
  assert.is(b.status, 0, b.stderr);
  assert.equal(a.calls, b.calls);
  const list = entries(join(dir, "node_modules/.cache/tsdb"));
  assert.is(list.length, 5);
  assert.ok(list.every((e) => e.valid && e.name.endsWith(".js") && !e.name.includes(".tmp")));
  const again = runESM(dir, "main.mjs");
  assert.equal(again.calls, a.calls);
});

test.after(cleanup);

test.run();
