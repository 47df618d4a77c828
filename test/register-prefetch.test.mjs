// A cold start on every core (register/prefetch.ts): the files a cold file imports are instrumented
// ahead by threads into the cache; the program sees nothing of it (same output, same errors, in
// the same place), no thread starts when the cache is warm, and what the threads write is private.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanup, node, registerESM, sandbox } from "./fixtures/register/harness.mjs";

/** A CommonJS module of about `kb` KB (enough queued source for the threads to start: 128 KB). */
function bigModule(kb, name) {
  const lines = [];
  for (let i = 0; lines.join("\n").length < kb * 1024; i++)
    lines.push(`exports.${name}${i} = function ${name}${i}(a) { return a + ${i}; };`);
  return `${lines.join("\n")}\n`;
}

/** The cache's entries (code files), relative to it. */
const entries = (cache) => readdirSync(cache, { recursive: true }).filter((name) => name.endsWith(".js") && !name.includes(".tmp"));

/** Prints the thread id a new worker gets: how many threads the process had started before. */
const THREAD_ID = `const { Worker } = require("node:worker_threads");
const w = new Worker("", { eval: true });
console.log("thread id", w.threadId);
w.terminate();
`;

/** Waits (busy, as a synchronous program would) until the cache holds `count` entries. */
const WAIT_FOR_ENTRIES = `function waitForEntries(count) {
  const { readdirSync } = require("node:fs");
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = readdirSync(process.env.TSDB_CACHE_DIR, { recursive: true }).filter((n) => n.endsWith(".js") && !n.includes(".tmp"));
    if (found.length >= count) return;
    if (Date.now() > deadline) throw new Error("no entry from a thread: " + found.length);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}
`;

/** A sandbox that is a CommonJS package of its own. */
function project() {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), '{ "type": "commonjs" }\n');
  return dir;
}

/** One thread whatever the machine's load (by default, one per idle core: none on a busy machine). */
function run(dir, main, env = {}) {
  return node(["--import", registerESM, main], { cwd: dir, env: { TSDB_CACHE_DIR: join(dir, "cache"), TSDB_THREADS: "1", ...env } });
}

test("a cold start: a thread instruments the imported files into the cache before the program loads them", () => {
  const dir = project();
  writeFileSync(join(dir, "a.js"), bigModule(70, "a"));
  writeFileSync(join(dir, "b.js"), bigModule(70, "b"));
  writeFileSync(
    join(dir, "main.js"),
    `${WAIT_FOR_ENTRIES}const a = require("./a");
// main.js by this thread; a.js and b.js by the other one, or one of them here while it waits.
waitForEntries(3);
const b = require("./b");
console.log(a.a1(1), b.b2(1));
${THREAD_ID}`,
  );
  // umask 0: the modes come from tsdb, not from the umask.
  const cold = spawnSync("/bin/sh", ["-c", `umask 0; exec "${process.execPath}" --import "${registerESM}" main.js`], {
    cwd: dir,
    env: { PATH: process.env.PATH, TSDB_CACHE_DIR: join(dir, "cache"), TSDB_THREADS: "1" },
    encoding: "utf8",
  });
  assert.is(cold.stderr, "");
  assert.is(cold.status, 0);
  assert.match(cold.stdout, /^2 3\n/);
  const cache = join(dir, "cache");
  assert.is(entries(cache).length, 3);
  for (const name of readdirSync(cache, { recursive: true })) {
    const mode = statSync(join(cache, name)).mode;
    assert.is(mode & 0o777, statSync(join(cache, name)).isDirectory() ? 0o700 : 0o600, name);
  }
  // Warm: the same output, and no thread of tsdb's (the program's worker gets the id it gets without tsdb's threads).
  const warm = run(dir, "main.js");
  assert.is(warm.stderr, "");
  assert.is(warm.stdout.split("\n")[0], "2 3");
  const id = (r) => Number(/thread id (\d+)/.exec(r.stdout)[1]);
  writeFileSync(join(dir, "alone.js"), THREAD_ID);
  const alone = run(dir, "alone.js");
  assert.is(id(warm), id(alone));
  assert.ok(id(cold) > id(alone), "the cold run started a thread");
});

test("ES modules: the hooks thread's loader instruments ahead too; the program sees the same", () => {
  const dir = sandbox();
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  const esm = (kb, name) => bigModule(kb, name).replace(/exports\.(\w+) = function \w+/g, "export function $1");
  writeFileSync(join(dir, "a.js"), esm(70, "a"));
  writeFileSync(join(dir, "b.ts"), esm(70, "b").replace(/\(a\)/g, "(a: number)"));
  writeFileSync(join(dir, "main.js"), 'import { a1 } from "./a.js";\nimport { b2 } from "./b.js";\nconsole.log(a1(1), b2(1));\n');
  const cold = run(dir, "main.js");
  assert.is(cold.stderr, "");
  assert.is(cold.stdout, "2 3\n");
  assert.is(entries(join(dir, "cache")).length, 3);
  const warm = run(dir, "main.js");
  assert.is(warm.stderr, "");
  assert.is(warm.stdout, "2 3\n");
});

test("no thread for little cold source, nor with TSDB_THREADS=0", () => {
  const dir = project();
  writeFileSync(join(dir, "a.js"), "exports.a = 1;\n");
  writeFileSync(join(dir, "main.js"), `console.log(require("./a").a);\n${THREAD_ID}`);
  writeFileSync(join(dir, "alone.js"), THREAD_ID);
  const cold = run(dir, "main.js");
  const alone = run(dir, "alone.js");
  assert.is(cold.stdout.split("\n")[1], alone.stdout.split("\n")[0]);
  writeFileSync(join(dir, "b.js"), bigModule(140, "b"));
  writeFileSync(join(dir, "main.js"), `console.log(require("./b").b1(1));\n${THREAD_ID}`);
  const none = run(dir, "main.js", { TSDB_THREADS: "0" });
  assert.is(none.stdout.split("\n")[1], alone.stdout.split("\n")[0]);
});

test("a syntax error in a file a thread tried first is reported when the program reaches it, as without threads", () => {
  const dir = project();
  // The thread takes good.js, then bad.js (in the order queued), and fails on it.
  writeFileSync(join(dir, "bad.js"), `${bigModule(90, "x")}const broken = (;\n`);
  writeFileSync(join(dir, "good.js"), bigModule(60, "g"));
  writeFileSync(
    join(dir, "main.js"),
    `${WAIT_FOR_ENTRIES}console.log("start");
waitForEntries(2); // main.js, and good.js from the thread (bad.js is next)
require("./good");
console.log("between");
require("./bad");
console.log("never");
`,
  );
  const cold = run(dir, "main.js");
  assert.is(cold.status, 1);
  assert.is(cold.stdout, "start\nbetween\n");
  const lines = `${bigModule(90, "x")}`.split("\n").length;
  assert.match(cold.stderr, `bad.js:${lines}:17: Unexpected token`);
  assert.match(cold.stderr, "> ");
  // The second run finds main.js and good.js in the cache: bad.js is compiled when reached, with no thread.
  const again = run(dir, "main.js");
  assert.is(again.stdout, cold.stdout);
  assert.is(again.stderr, cold.stderr);
});

test("on a terminal, a progress line while files are instrumented, erased before the program runs on; the program's own line kept", () => {
  if (!existsSync("/usr/bin/script")) return; // needs script(1) for a pseudo-terminal
  const dir = project();
  writeFileSync(join(dir, "a.js"), bigModule(70, "a"));
  writeFileSync(join(dir, "b.js"), bigModule(70, "b"));
  writeFileSync(
    join(dir, "main.js"),
    'process.stdout.write("loading ");\nconsole.log("first", require("./a").a1(1));\nconsole.log("then", require("./b").b1(1));\n',
  );
  const command = `"${process.execPath}" --import "${registerESM}" main.js`;
  const tty = spawnSync("/usr/bin/script", ["-qec", command, "/dev/null"], {
    cwd: dir,
    env: { PATH: process.env.PATH, TSDB_CACHE_DIR: join(dir, "cache"), TSDB_THREADS: "1", NO_COLOR: "1" },
    encoding: "utf8",
  });
  assert.is(tty.status, 0, tty.stdout);
  // Written from the cursor, without wrapping, the cursor put back (ESC 7 … ESC 8), then erased
  // from there (ESC[K): nothing the program wrote is erased or moved.
  const shown = (name) => new RegExp(`\\x1b7\\x1b\\[\\?7l${name}\\x1b\\[\\?7h\\x1b8`);
  assert.match(tty.stdout, shown("tsdb: instrumenting main\\.js[^\\x1b]*"));
  assert.match(tty.stdout, shown("tsdb: instrumenting a\\.js \\(threads: [01]\\/2 files ready\\)"));
  assert.not.match(tty.stdout, "\r\x1b[K");
  // What the terminal shows once the sequences are played: the program's output alone.
  assert.is(played(tty.stdout), "loading first 2\nthen 2\n");
  // Warm: nothing but the program's output.
  const warm = spawnSync("/usr/bin/script", ["-qec", command, "/dev/null"], {
    cwd: dir,
    env: { PATH: process.env.PATH, TSDB_CACHE_DIR: join(dir, "cache"), TSDB_THREADS: "1", NO_COLOR: "1" },
    encoding: "utf8",
  });
  assert.is(warm.stdout, "loading first 2\r\nthen 2\r\n");
});

/**
 * The text a terminal shows for `output`, for what the progress line uses: save/restore cursor,
 * wrap off/on, erase to the end of the line, CR LF.
 */
function played(output) {
  const rows = [[]];
  let row = 0;
  let col = 0;
  let saved = [0, 0];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal control sequences
  for (const [token] of output.matchAll(/\x1b7|\x1b8|\x1b\[\?7[lh]|\x1b\[K|\r|\n|[^\x1b\r\n]/g)) {
    if (token === "\x1b7") saved = [row, col];
    else if (token === "\x1b8") [row, col] = saved;
    else if (token === "\x1b[K") rows[row].length = Math.min(rows[row].length, col);
    else if (token === "\r") col = 0;
    else if (token === "\n") {
      row++;
      rows[row] ??= [];
    } else if (token.length === 1) rows[row][col++] = token;
  }
  return rows.map((r) => r.join("")).join("\n");
}

test.after(cleanup);
test.run();
