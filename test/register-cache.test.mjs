// The on-disk cache of tsdb/register: hits on a second run, invalidation,
// corrupt entries, an unwritable cache, two processes at once.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { pathToFileURL } from "node:url";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { node, nodeAsync, registerCJS, registerESM, root, runESM, sandbox, cleanup } from "./fixtures/register/harness.mjs";
import { cannot, chownRecursive, fill, otherUser, smallTmpfs, tempDir } from "./helpers/system.mjs";

const require = createRequire(import.meta.url);
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/**
 * The map an entry's last line names: { path, digest } — a path, or a stand-in (data URL) naming the
 * real map's path and the sha256 of its bytes (contract LATE_MAP_FIELD) — or null.
 */
function namedMap(body) {
  const named = /\/\/# sourceMappingURL=(\S+)\n$/.exec(body)?.[1];
  if (!named) return null;
  const standIn = /^data:application\/json;base64,(.*)$/.exec(named);
  if (!standIn) return { path: decodeURIComponent(named), digest: null };
  const json = JSON.parse(Buffer.from(standIn[1], "base64").toString());
  assert.equal(Object.keys(json).sort(), ["mappings", "names", "sources", "version", "x_tsdb_late"]);
  assert.is(json.mappings, "");
  const [path, digest] = json.x_tsdb_late;
  return { path, digest };
}

/**
 * Every entry of a cache directory: { path, sum, body, valid }. An entry's map is a file beside it
 * (`<key>.map`, named by its last line); an entry that names one is valid only with it whole.
 */
function mapWhole(path, body) {
  const named = namedMap(body);
  if (named === null) return true;
  const map = path.replace(/\.js$/, ".map");
  try {
    const text = readFileSync(map, "utf8");
    return named.path === map && (named.digest === null || named.digest === sha256(text)) && JSON.parse(text).mappings.length > 0;
  } catch {
    return false;
  }
}

function entries(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const sub of readdirSync(dir)) {
    for (const name of readdirSync(join(dir, sub))) {
      if (name.endsWith(".map") || name.endsWith(".v8") || name.endsWith(".tables")) continue;
      const path = join(dir, sub, name);
      const raw = readFileSync(path, "utf8");
      const nl = raw.indexOf("\n");
      const [magic, key, sum] = raw.slice(0, nl).split(" ");
      const body = raw.slice(nl + 1);
      out.push({
        path,
        name,
        key,
        sum,
        body,
        valid: magic === "//tsdb-cache-2" && name === `${key}.js` && sum === sha256(`${key}\n${body}`) && mapWhole(path, body),
      });
    }
  }
  return out;
}

const entryFor = (list, file) => list.find((e) => e.body.includes(JSON.stringify(file)));
const write = (entry, body, sum = sha256(`${entry.key}\n${body}`)) =>
  writeFileSync(entry.path, `//tsdb-cache-2 ${entry.key} ${sum}\n${body}`);

test("second run is served from the cache; corrupt entries are rebuilt; changes invalidate", () => {
  const dir = sandbox("register/esm");
  const cache = join(dir, "node_modules/.cache/tsdb");
  const first = runESM(dir, "main.mjs");
  assert.is(first.status, 0, first.stderr);
  const before = entries(cache);
  assert.is(before.length, 5, "main.mjs, lib.ts, legacy.cjs, helper.cts, trace.mjs");
  assert.ok(before.every((e) => e.valid));

  // A hit: an entry changed behind tsdb's back (checksum kept right) is what runs; its text read
  // as UTF-8 when it is not all ASCII (an ASCII entry is read as Latin-1: the same text).
  const lib = entryFor(before, join(dir, "lib.ts"));
  const legacy = entryFor(before, join(dir, "legacy.cjs"));
  write(lib, 'console.log("LIB FROM CACHE", "é ✓ 😀");\n' + lib.body);
  write(legacy, 'console.log("LEGACY FROM CACHE");\n' + legacy.body);
  const second = runESM(dir, "main.mjs");
  assert.is(second.status, 0, second.stderr);
  assert.match(second.stdout, "LIB FROM CACHE é ✓ 😀\n");
  assert.match(second.stdout, "LEGACY FROM CACHE\n");
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

test("an entry's code table and scope tables are beside it, deflated, each read when needed; replaced, the frames show no bindings (and say so), the code table is an error naming the file; gone, the entry is made again", () => {
  const dir = sandbox(null);
  const cache = join(dir, "node_modules/.cache/tsdb");
  writeFileSync(join(dir, "package.json"), "{}\n");
  writeFileSync(join(dir, "p.cjs"), "function f(a) {\n  let b = a * 2;\n  return b + 1;\n}\nconsole.log('RESULT', f(20));\n");
  // A trace function that prints the bindings f's frame shows at its return line.
  writeFileSync(
    join(dir, "show.mjs"),
    `import { settrace } from ${JSON.stringify(pathToFileURL(join(root, "dist/runtime.mjs")).href)};
settrace((frame, event) => (frame.code.name === "f" ? (f, e) => (e === "line" && f.lineno === 3 && console.log("LOCALS", JSON.stringify(f.locals)), null) : null));
`,
  );
  const run = () => node(["--require", registerCJS, "--import", "./show.mjs", "p.cjs"], { cwd: dir });
  const first = run();
  assert.is(first.status, 0, first.stderr);
  assert.match(first.stdout, 'LOCALS {"a":20,"b":40}\nRESULT 41\n');
  const entry = entryFor(entries(cache), join(dir, "p.cjs"));
  const tablesFile = entry.path.replace(/\.js$/, ".tables");
  const file = readFileSync(tablesFile);
  // The header names the file, the length of its first part (the code table) and each part's digest.
  const beside = JSON.parse(/,0,(\["[^"]*",\d+,"[0-9a-f]{64}","[0-9a-f]{64}"\])/.exec(entry.body)[1]);
  assert.is(beside[0], tablesFile);
  const [codePart, scopePart] = [file.subarray(0, beside[1]), file.subarray(beside[1])];
  assert.equal([sha256(codePart), sha256(scopePart)], beside.slice(2));
  const codes = JSON.parse(inflateRawSync(codePart).toString("utf8"));
  assert.equal(
    codes.map((row) => row[0]),
    ["<module>", "f"],
  );
  const tables = inflateRawSync(scopePart).toString("utf8");
  const parts = tables.split("|");
  const names = parts[0].split(";");
  assert.ok(names.includes("a") && names.includes("b"), "the names f's frames show");
  // The code holds where they are and their digests, not them.
  assert.not.match(entry.body, /tsdb-tables:|tsdb-codes:/);
  assert.is(statSync(tablesFile).mode & 0o777, 0o600);

  // Another file's scope tables in their place: not used (no bindings, never another file's), and said once.
  parts[0] = names.map((n) => (n === "a" ? "b" : n === "b" ? "a" : n)).join(";");
  writeFileSync(tablesFile, Buffer.concat([codePart, deflateRawSync(parts.join("|"))]));
  const replaced = run();
  assert.is(replaced.status, 0, replaced.stderr);
  assert.match(replaced.stdout, "LOCALS {}\nRESULT 41\n");
  assert.is(replaced.stderr.split("scope tables of").length - 1, 1, replaced.stderr);
  assert.match(
    replaced.stderr,
    `tsdb: the scope tables of ${join(dir, "p.cjs")} in ${tablesFile} are not the ones it was instrumented with`,
  );

  // Another code table (the names swapped): no Code is made from it; the error names the file.
  codes[1][0] = "g";
  const otherCodes = deflateRawSync(JSON.stringify(codes));
  writeFileSync(tablesFile, Buffer.concat([otherCodes, file.subarray(otherCodes.length)]));
  const wrong = run();
  assert.is.not(wrong.status, 0);
  assert.not.match(wrong.stdout, /LOCALS|RESULT/);
  assert.match(wrong.stderr, `tsdb: the code table of ${join(dir, "p.cjs")} in ${tablesFile} is not the one it was instrumented with`);

  // Gone while a process runs (removed after the load hook found it), then a Code asked for: the same error, with the reason.
  writeFileSync(tablesFile, file);
  writeFileSync(
    join(dir, "late.mjs"),
    `import { createRequire } from "node:module";
import { rmSync } from "node:fs";
import { settrace } from ${JSON.stringify(pathToFileURL(join(root, "dist/runtime.mjs")).href)};
createRequire(import.meta.url)("./p.cjs");
rmSync(${JSON.stringify(tablesFile)});
try { settrace(() => null); } catch (error) { console.log("ERROR", error.message); }
`,
  );
  const gone = node(["--require", registerCJS, "late.mjs"], { cwd: dir });
  assert.is(gone.status, 0, gone.stderr);
  assert.match(gone.stdout, `RESULT 41\nERROR tsdb: the code table of ${join(dir, "p.cjs")} cannot be read from ${tablesFile} (ENOENT)\n`);

  // Gone (removed by hand): a miss, the entry and its tables are made again.
  assert.not.ok(existsSync(tablesFile));
  const again = run();
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, 'LOCALS {"a":20,"b":40}\n');
  assert.equal(readFileSync(tablesFile), file);
});

test("a file whose syntax decides its format is served from the cache without parsing it again", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), "{}");
  // CommonJS whose text looks like module syntax at a glance (what TypeScript's _tsc.js holds).
  writeFileSync(
    join(dir, "main.js"),
    'const note = "import.meta is for modules";\nconst kinds = {\n  export: 95,\n};\nconsole.log(require("./esm.js").answer, kinds.export);\n',
  );
  writeFileSync(join(dir, "esm.js"), "export const answer = 42;\n");
  const probe = 'process.on("exit", () => console.log("BABEL " + Object.keys(require.cache).some((k) => k.includes("@babel"))));';
  writeFileSync(join(dir, "probe.cjs"), probe);
  const run = () => node(["--require", registerCJS, "--require", "./probe.cjs", "--import", "./trace.mjs", "main.js"], { cwd: dir });
  const first = run();
  assert.is(first.status, 0, first.stderr);
  assert.match(first.stdout, "42 95");
  assert.match(first.stdout, "BABEL true");
  const second = run();
  assert.is(second.status, 0, second.stderr);
  assert.match(second.stdout, "42 95");
  assert.match(second.stdout, "BABEL false");
  // Both instrumented both times (the probe's exit handler may run before the trace's or after).
  for (const run of [first, second])
    for (const file of ["main.js", "esm.js"]) assert.ok(run.calls.includes(`${file}:<module>:1`), JSON.stringify(run.calls));
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

test("a source's hash, taken a slice at a time, is the sha256 of its UTF-8 text: surrogate pairs across a slice's end, lone halves", () => {
  const hash = require(join(root, "dist/register/cache.js")).sha256;
  const slice = 1 << 16;
  const texts = [
    "",
    "x",
    "a".repeat(slice - 1) + "😀" + "b".repeat(10),
    "a".repeat(slice - 1) + "\ud83d",
    "\ude00" + "é".repeat(slice) + "\ud83d" + "✓".repeat(2 * slice + 5) + "😀",
  ];
  for (const text of texts) assert.is(hash(text), sha256(text));
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
  const warnings = r.stderr.split("\n").filter((l) => l.includes("not using the cache"));
  assert.is(warnings.length, 1, r.stderr);
  assert.match(warnings[0], "cannot create");
  assert.match(warnings[0], "ENOTDIR");
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

const mode = (path) => statSync(path).mode & 0o777;

test("what the cache holds is private: 0700 folders, 0600 files, no source text in the maps", () => {
  const dir = sandbox("register/esm");
  const cache = join(dir, "node_modules/.cache/tsdb");
  const r = runESM(dir, "main.mjs");
  assert.is(r.status, 0, r.stderr);
  assert.is(mode(cache), 0o700);
  assert.is(mode(join(dir, "node_modules/.cache")), 0o700);
  const list = entries(cache);
  assert.is(list.length, 5);
  for (const e of list) {
    assert.is(mode(e.path), 0o600, e.path);
    assert.is(mode(dirname(e.path)), 0o700, e.path);
    // The map is a file beside the entry (out of the code V8 parses), private too, without the source;
    // an instrumented entry names it through a stand-in of a few hundred bytes, with its digest.
    const mapFile = e.path.replace(/\.js$/, ".map");
    const named = namedMap(e.body);
    assert.is(named.path, mapFile);
    assert.is(named.digest, sha256(readFileSync(mapFile)));
    assert.ok(e.body.length - e.body.lastIndexOf("\n//# sourceMappingURL=") < 600, e.body.slice(-600));
    assert.is(mode(mapFile), 0o600, mapFile);
    const json = JSON.parse(readFileSync(mapFile, "utf8"));
    assert.ok(json.mappings.length > 0);
    assert.is(json.sourcesContent, undefined);
  }
  // An entry whose map was removed is made again, map included.
  const [first] = list;
  rmSync(first.path.replace(/\.js$/, ".map"));
  assert.is(runESM(dir, "main.mjs").status, 0);
  assert.ok(existsSync(first.path.replace(/\.js$/, ".map")), "the map is back");
  // The source's comments and text stay in the source.
  writeFileSync(join(dir, "lib.ts"), "// SECRET-TOKEN-123\n" + readFileSync(join(dir, "lib.ts"), "utf8"));
  assert.is(runESM(dir, "main.mjs").status, 0);
  for (const e of entries(cache)) assert.not.match(e.body, "SECRET-TOKEN-123");
});

test("a cache folder others can write, or that another user owns, is never used", () => {
  const other = otherUser();
  const dir = sandbox("register/esm");
  const shared = join(dir, "shared");
  // Filled by a trusted run, then opened to everyone: an entry planted there (checksum right) must not run.
  assert.is(runESM(dir, "main.mjs", { env: { TSDB_CACHE_DIR: "shared" } }).status, 0);
  const lib = entryFor(entries(shared), join(dir, "lib.ts"));
  write(lib, 'console.log("PLANTED");\n' + lib.body);
  assert.match(runESM(dir, "main.mjs", { env: { TSDB_CACHE_DIR: "shared" } }).stdout, "PLANTED", "a trusted folder is used");
  chmodSync(shared, 0o777);
  const open = runESM(dir, "main.mjs", { env: { TSDB_CACHE_DIR: "shared" } });
  assert.is(open.status, 0, open.stderr);
  assert.not.match(open.stdout, "PLANTED");
  assert.match(open.stdout, "total 3 30 #3");
  const warnings = open.stderr.split("\n").filter((l) => l.startsWith("tsdb:"));
  assert.is(warnings.length, 1, open.stderr);
  assert.match(warnings[0], `not using the cache in ${shared}: ${shared} can be written by other users (mode 777)`);
  // A parent others can write (not sticky): they could swap the folder for theirs.
  chmodSync(shared, 0o700);
  chmodSync(dir, 0o777);
  const parent = runESM(dir, "main.mjs", { env: { TSDB_CACHE_DIR: "shared" } });
  assert.not.match(parent.stdout, "PLANTED");
  assert.match(parent.stderr, `${dir} can be written by other users`);
  chmodSync(dir, 0o755);
  if (other.reason) return cannot("cache owned by another user", other.reason);
  chownSync(shared, other.uid, other.gid);
  const owned = runESM(dir, "main.mjs", { env: { TSDB_CACHE_DIR: "shared" } });
  assert.is(owned.status, 0, owned.stderr);
  assert.not.match(owned.stdout, "PLANTED");
  assert.match(owned.stderr, `${shared} belongs to another user (uid ${other.uid})`);
  // An entry file another user owns, or others can write, in a folder of ours: not used either.
  chownSync(shared, 0, 0);
  chownSync(lib.path, other.uid, other.gid);
  assert.not.match(runESM(dir, "main.mjs", { env: { TSDB_CACHE_DIR: "shared" } }).stdout, "PLANTED");
  write(lib, 'console.log("PLANTED");\n' + lib.body);
  chownSync(lib.path, 0, 0);
  chmodSync(lib.path, 0o666);
  assert.not.match(runESM(dir, "main.mjs", { env: { TSDB_CACHE_DIR: "shared" } }).stdout, "PLANTED");
});

test("as a second user: a world-writable cache folder with a planted entry is refused; ours are unreadable to them", () => {
  const other = otherUser();
  if (other.reason) return cannot("second-user cache test", other.reason);
  // root makes a cache and a project: the second user cannot read an entry.
  const dir = sandbox("register/esm");
  assert.is(runESM(dir, "main.mjs").status, 0);
  const entry = entries(join(dir, "node_modules/.cache/tsdb"))[0];
  const as = { uid: other.uid, gid: other.gid };
  const peek = node(["-e", `require("fs").readFileSync(${JSON.stringify(entry.path)})`], { ...as });
  assert.is.not(peek.status, 0);
  assert.match(peek.stderr, "EACCES");
  // The victim is the second user: a shared folder root left open to all, an entry planted in it.
  const victim = tempDir("tsdb-victim");
  cpSync(join(root, "test/fixtures/register/esm"), victim, { recursive: true });
  writeFileSync(join(victim, "trace.mjs"), readFileSync(join(dir, "trace.mjs")));
  chownRecursive(victim, other.uid, other.gid);
  const shared = tempDir("tsdb-shared");
  chmodSync(shared, 0o777);
  const run = (env) => node(["--import", registerESM, "--import", "./trace.mjs", "main.mjs"], { cwd: victim, env, ...as });
  const first = run({ TSDB_CACHE_DIR: shared });
  assert.is(first.status, 0, first.stderr);
  assert.match(first.stderr, `not using the cache in ${shared}: ${shared} belongs to another user (uid 0)`);
  assert.equal(readdirSync(shared), [], "nothing written there");
  // Its own default cache (no node_modules in the project: the per-user folder) is private.
  const home = join(victim, "home-cache");
  const own = run({ XDG_CACHE_HOME: home });
  assert.is(own.status, 0, own.stderr);
  assert.is(own.stderr, "");
  assert.is(statSync(join(home, "tsdb")).uid, other.uid);
  assert.is(mode(join(home, "tsdb")), 0o700);
  assert.ok(entries(join(home, "tsdb")).every((e) => mode(e.path) === 0o600 && statSync(e.path).uid === other.uid));
  assert.not.ok(existsSync(join(victim, "node_modules")), "no node_modules made in the working directory");
  rmSync(victim, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
});

test("an entry is bound to the file it was made from: a valid entry copied under another key is refused", () => {
  const dir = sandbox("register/esm");
  const cache = join(dir, "node_modules/.cache/tsdb");
  assert.is(runESM(dir, "main.mjs").status, 0);
  const list = entries(cache);
  const lib = entryFor(list, join(dir, "lib.ts"));
  const legacy = entryFor(list, join(dir, "legacy.cjs"));
  // legacy.cjs's entry replaced by lib.ts's whole, valid entry (its own key and checksum).
  writeFileSync(legacy.path, readFileSync(lib.path));
  const r = runESM(dir, "main.mjs");
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, "total 3 30 #3");
  assert.equal(entryFor(entries(cache), join(dir, "legacy.cjs")).body, legacy.body, "rebuilt");
  // The key holds the real path: the same text through a link is the real file's entry.
  const { cacheKey } = require(join(root, "dist/register/cache.js"));
  const parts = { source: "f()", cwd: "/", options: {}, version: "1", fingerprint: "x" };
  assert.is.not(cacheKey({ ...parts, filename: "/a/x.js" }), cacheKey({ ...parts, filename: "/b/x.js" }));
});

test("default location: the project's node_modules/.cache/tsdb when it has node_modules, else the user's cache folder", () => {
  const { defaultCacheDir } = require(join(root, "dist/register/cache.js"));
  const project = tempDir("tsdb-project");
  writeFileSync(join(project, "package.json"), "{}");
  mkdirSync(join(project, "src/deep"), { recursive: true });
  const env = { XDG_CACHE_HOME: "/xdg" };
  assert.is(defaultCacheDir(join(project, "src/deep"), env), "/xdg/tsdb", "no node_modules in the project");
  mkdirSync(join(project, "node_modules"));
  assert.is(defaultCacheDir(join(project, "src/deep"), env), join(project, "node_modules/.cache/tsdb"));
  assert.is(defaultCacheDir(project, { ...env, TSDB_CACHE_DIR: "c" }), join(project, "c"));
  assert.is(defaultCacheDir("/", {}), join(homedir(), ".cache/tsdb"));
  assert.is(defaultCacheDir("/", { XDG_CACHE_HOME: "relative" }), join(homedir(), ".cache/tsdb"), "XDG paths must be absolute");
  // Run from a folder outside any project (as from /tmp): nothing is created there.
  const loose = tempDir("tsdb-loose");
  writeFileSync(join(loose, "a.cjs"), "console.log(1 + 1);\n");
  const xdg = join(loose, "xdg");
  const r = node(["--require", registerCJS, "a.cjs"], { cwd: loose, env: { XDG_CACHE_HOME: xdg } });
  assert.is(r.stdout, "2\n", r.stderr);
  assert.not.ok(existsSync(join(loose, "node_modules")));
  assert.is(entries(join(xdg, "tsdb")).length, 1);
  rmSync(project, { recursive: true, force: true });
  rmSync(loose, { recursive: true, force: true });
});

test("the cache is bounded: past the bound the least recently used entries go", () => {
  const { DiskCache } = require(join(root, "dist/register/cache.js"));
  const { prepareCacheDir } = require(join(root, "dist/register/cache-dir.js"));
  const dir = join(sandbox(), "cache");
  assert.is(prepareCacheDir(dir), null);
  const big = new DiskCache(dir);
  const text = "x".repeat(1000);
  const keys = Array.from({ length: 10 }, (_, i) => sha256(String(i)));
  keys.forEach((key, i) => {
    big.set(key, text, "{}");
    big.setCode(key, Buffer.from("code"));
    const when = new Date(Date.UTC(2020, 0, 1 + i));
    utimesSync(join(dir, key.slice(0, 2), `${key}.js`), when, when);
  });
  assert.is(entries(dir).length, 10);
  const maps = () => readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".map")).length;
  assert.is(maps(), 10);
  const small = new DiskCache(dir, { maxBytes: 5000 });
  small.set(sha256("new"), text);
  const left = entries(dir).map((e) => e.key);
  const total = entries(dir).reduce((n, e) => n + statSync(e.path).size, 0);
  assert.ok(total <= 5000, `${total} bytes left`);
  assert.ok(left.includes(sha256("new")));
  assert.ok(left.includes(keys[9]), "the most recent stays");
  assert.not.ok(left.includes(keys[0]), "the oldest goes");
  assert.is(maps(), left.length - 1, "each with its map (the new entry has none)");
  const codes = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".v8")).length;
  assert.is(codes, left.length - 1, "and its code cache");
  assert.is(small.get(keys[9]), text);
});

test("the key covers the Babel packages' versions", () => {
  const { transformVersions } = require(join(root, "dist/register/cache.js"));
  const versions = transformVersions();
  const core = require("@babel/core/package.json").version;
  assert.ok(versions.includes(`@babel/core@${core}`), versions.join(" "));
  assert.ok(versions.some((v) => v.startsWith("@babel/plugin-transform-react-jsx@7.")));
  assert.ok(versions.some((v) => v.startsWith("@babel/parser@7.")));
});

test("a full disk: no entry is committed cut short, no temporary file is left, the program runs", () => {
  const fs = smallTmpfs("1m");
  if (fs.reason) return cannot("full-disk cache test", fs.reason);
  try {
    const dir = sandbox("register/esm");
    const cache = join(fs.dir, "cache");
    // Room for the folders, not for the entries (lib.ts's is several kilobytes).
    writeFileSync(
      join(dir, "lib.ts"),
      readFileSync(join(dir, "lib.ts"), "utf8") + `export const pad = ${JSON.stringify("p".repeat(20000))};\n`,
    );
    mkdirSync(cache, { mode: 0o700 });
    fill(fs.dir, 6000);
    const r = runESM(dir, "main.mjs", { env: { TSDB_CACHE_DIR: cache } });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, "total 3 30 #3");
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("tsdb:"));
    assert.is(warnings.length, 1, r.stderr); // once per process (main thread and module hooks thread share a latch)
    assert.match(warnings[0], "ENOSPC");
    assert.match(warnings[0], "cannot write");
    const files = readdirSync(cache, { recursive: true }).map(String);
    assert.not.ok(
      files.some((f) => f.endsWith(".tmp")),
      files.join(" "),
    );
    for (const e of entries(cache)) assert.ok(e.valid, e.path);
  } finally {
    fs.unmount();
  }
});

test.after(cleanup);

test.run();
