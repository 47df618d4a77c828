// `tsdb -p PID`: attaching to programs started with `node --import tsdb/register` (or
// `--require`), busy or idle; detaching leaves them running; refusals.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { get } from "node:http";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fixtures, home, tsdb } from "./fixtures/debugger/session.mjs";
import { keyPath, sessionPath, socketPath } from "../dist/control/paths.js";

/** Starts a program (killed by the test) and resolves once its output shows `ready`. */
async function start(args, ready, options = {}) {
  const child = spawn(process.execPath, args, { cwd: fixtures, stdio: ["ignore", "pipe", "pipe"], ...options });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  child.stderr.on("data", (chunk) => (out += chunk));
  while (!out.includes(ready)) {
    await Promise.race([once(child.stdout, "data"), once(child, "exit").then(() => assert.unreachable(`the program ended: ${out}`))]);
  }
  return { child, output: () => out };
}

/** Runs `tsdb -p pid` with these commands on its standard input; `interrupt(client)` may send it signals. */
async function attach(pid, commands, { interrupt, ...options } = {}) {
  const client = spawn(process.execPath, [tsdb, "-p", String(pid)], {
    cwd: fixtures,
    env: { ...process.env, HOME: home, NO_COLOR: "1" },
    stdio: ["pipe", "pipe", "pipe"],
    ...options,
  });
  let out = "";
  client.stdout.on("data", (chunk) => (out += chunk));
  client.stderr.on("data", (chunk) => (out += chunk));
  client.stdin.end(commands.map((c) => c + "\n").join(""));
  if (interrupt) await interrupt(client, () => out);
  const [status] = await once(client, "exit");
  return { out: out.split(fixtures).join("$DIR"), status };
}

async function until(read, text) {
  for (let i = 0; i < 300 && !read().includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

function request(port) {
  return new Promise((resolve, reject) => {
    get(`http://127.0.0.1:${port}/`, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve(body));
    }).on("error", reject);
  });
}

test("attach to a busy program: where, p, a breakpoint that hits, step, detach; it goes on", async () => {
  const { child } = await start(["--import", "tsdb/register", "busy.cjs"], "spinning");
  try {
    const first = await attach(child.pid, ["w", "p n > 0", "b busy.cjs:4", "c", "p n > 0", "s", "detach"]);
    assert.ok(first.out.startsWith("\nProgram interrupted. (Use 'cont' to resume).\n> $DIR/busy.cjs("), first.out);
    assert.ok(first.out.includes("  $DIR/busy.cjs(9)<module>()\n-> spin();\n> $DIR/busy.cjs("), first.out);
    assert.ok(first.out.includes("(tsdb) true\n"), first.out);
    assert.ok(first.out.includes("Breakpoint 1 at $DIR/busy.cjs:4\n(tsdb) > $DIR/busy.cjs(4)spin()\n-> n++;\n"), first.out);
    assert.ok(first.out.includes("(tsdb) > $DIR/busy.cjs(3)spin()\n-> while (n >= 0) {\n(tsdb) "), first.out);
    assert.is(first.status, 0, first.out);
    // detached: running, breakpoints gone (a second session starts with none) and n goes on growing
    const n1 = await attach(child.pid, ["p n", "b", "q"]);
    assert.not.ok(n1.out.includes("busy.cjs:4"), n1.out);
    const n2 = await attach(child.pid, ["p n", "q"]);
    const value = (r) => Number(/\(tsdb\) (\d+)\n/.exec(r.out)?.[1]);
    assert.ok(value(n2) > value(n1), n1.out + n2.out);
    assert.is(child.exitCode, null);
  } finally {
    child.kill();
  }
});

test("attach to an idle server: no frame, globals, a breakpoint that hits, next, detach; it goes on", async () => {
  const { child, output } = await start(["--require", "tsdb/register", "server.cjs"], "listening");
  try {
    const port = Number(/listening (\d+)/.exec(output())[1]);
    let answered = null;
    const r = await attach(child.pid, ["w", "p hits", "b server.cjs:4", "c", "p hits", "n", "p hits", "detach"], {
      interrupt: async (_client, read) => {
        await until(read, "Breakpoint 1");
        answered = request(port);
      },
    });
    assert.ok(r.out.startsWith("\nProgram interrupted. (Use 'cont' to resume).\n(tsdb) No frame is running"), r.out);
    assert.ok(r.out.includes("(tsdb) 0\n(tsdb) Breakpoint 1 at $DIR/server.cjs:4\n"), r.out);
    assert.ok(r.out.includes("(tsdb) > $DIR/server.cjs(4)<anonymous>()\n-> hits += 1;\n(tsdb) 0\n"), r.out);
    assert.ok(r.out.includes("(tsdb) > $DIR/server.cjs(5)<anonymous>()\n-> console.log(`hit $" + "{hits}`);\n(tsdb) 1\n"), r.out);
    assert.is(r.status, 0, r.out);
    assert.is(await answered, "ok");
    // detached: the next request runs through the breakpoint's line without stopping
    assert.is(await request(port), "ok");
    await until(output, "hit 2");
    assert.ok(output().includes("hit 1\nhit 2\n"), output());
  } finally {
    child.kill();
  }
});

test("Ctrl-C in the attached debugger stops the program; quit detaches", async () => {
  const { child, output } = await start(["--import", "tsdb/register", "server.cjs"], "listening");
  try {
    const r = await attach(child.pid, ["c", "p hits", "q"], {
      interrupt: async (client, read) => {
        await until(read, "(tsdb) ");
        await until(read, "(tsdb) (tsdb) "); // `c` was read: the program runs
        client.kill("SIGINT");
      },
    });
    assert.is(r.out.split("Program interrupted. (Use 'cont' to resume).").length, 3, r.out);
    assert.ok(r.out.endsWith("(tsdb) 0\n(tsdb) "), r.out);
    assert.is(r.status, 0, r.out);
    const port = Number(/listening (\d+)/.exec(output())[1]);
    assert.is(await request(port), "ok");
  } finally {
    child.kill();
  }
});

test("a doorbell starting removes the files of programs that ended without removing theirs (killed by a signal)", async () => {
  const dir = join(process.env.TMPDIR || "/tmp", `tsdb-${process.getuid()}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // no process can have this pid (above the kernel's pid_max); one that is alive keeps its files
  const dead = [keyPath(dir, 99999999), socketPath(dir, 99999999), sessionPath(dir, 99999999)];
  const other = join(dir, "notes.txt");
  for (const file of [...dead, other]) writeFileSync(file, "", { mode: 0o600 });
  const { child } = await start(["--import", "tsdb/register", "busy.cjs"], "spinning");
  try {
    await until(() => String(existsSync(join(dir, `${child.pid}.sock`)) && dead.every((f) => !existsSync(f))), "true");
    assert.equal(
      dead.filter((f) => existsSync(f)),
      [],
    );
    assert.ok(existsSync(other));
  } finally {
    child.kill();
    rmSync(other, { force: true });
  }
});

test("the control worker starts only when a debugger rings; attaching right after the start waits for the doorbell", async () => {
  const dir = join(process.env.TMPDIR || "/tmp", `tsdb-${process.getuid()}`);
  const started = Date.now();
  const { child } = await start(["--import", "tsdb/register", "busy.cjs"], "spinning");
  const early = spawn(process.execPath, ["--require", "tsdb/register", "busy.cjs"], { cwd: fixtures, stdio: "ignore" });
  try {
    // the doorbell (on the module hooks thread) is there, the worker's session socket is not
    // (its key written now: a process killed earlier with the same pid may have left its files)
    const fresh = () => existsSync(join(dir, `${child.pid}.key`)) && statSync(join(dir, `${child.pid}.key`)).mtimeMs >= started - 1000;
    await until(() => String(fresh() && existsSync(join(dir, `${child.pid}.sock`))), "true");
    assert.ok(existsSync(join(dir, `${child.pid}.key`)));
    assert.not.ok(existsSync(join(dir, `${child.pid}.session.sock`)));
    const r = await attach(child.pid, ["p n > 0", "detach"]);
    assert.ok(r.out.includes("(tsdb) true\n"), r.out);
    assert.ok(existsSync(join(dir, `${child.pid}.session.sock`)));
    // a second session goes straight to the worker
    const again = await attach(child.pid, ["p n > 0", "q"]);
    assert.ok(again.out.includes("(tsdb) true\n"), again.out);
    // a program attached at once, before its doorbell is set up, busy from its first lines
    const first = await attach(early.pid, ["p typeof spin", "q"]);
    assert.ok(first.out.includes("(tsdb) 'function'\n"), first.out);
    assert.is(first.status, 0, first.out);
  } finally {
    child.kill();
    early.kill();
  }
});

test("attaching starts no thread that runs the program's NODE_OPTIONS preloads again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-attach-preload-"));
  const log = join(dir, "threads.log");
  const env = { ...process.env, NODE_OPTIONS: `--require ${join(fixtures, "thread-preload.cjs")}`, PRELOAD_LOG: log };
  const { child } = await start(["--import", "tsdb/register", "busy.cjs"], "spinning", { env });
  try {
    const r = await attach(child.pid, ["p n > 0", "detach"]);
    assert.ok(r.out.includes("(tsdb) true\n"), r.out);
    // neither the control worker nor a module hooks thread started by the debugger's own code ran it
    assert.not.ok(existsSync(log), existsSync(log) ? readFileSync(log, "utf8") : "");
  } finally {
    child.kill();
  }
});

test("attached: a breakpoint in a file the hook does not instrument (node_modules) hits when the program loads it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-attach-nm-"));
  mkdirSync(join(dir, "node_modules/lib"), { recursive: true });
  writeFileSync(join(dir, "node_modules/lib/index.js"), "exports.add = function (a, b) {\n  const sum = a + b;\n  return sum;\n};\n");
  writeFileSync(
    join(dir, "app.cjs"),
    'const http = require("node:http");\n' +
      "const server = http.createServer((request, response) => {\n" +
      '  response.end(String(require("lib").add(1, 2)));\n' +
      "});\n" +
      'server.listen(0, "127.0.0.1", () => console.log("listening " + server.address().port));\n',
  );
  const register = join(fixtures, "..", "..", "..", "dist", "register.mjs");
  const { child, output } = await start(["--import", register, "app.cjs"], "listening", { cwd: dir });
  try {
    const port = Number(/listening (\d+)/.exec(output())[1]);
    let answered = null;
    const r = await attach(child.pid, ["b node_modules/lib/index.js:2", "c", "p a, b", "detach"], {
      cwd: dir,
      interrupt: async (_client, read) => {
        await until(read, "Breakpoint 1");
        answered = request(port);
      },
    });
    const out = r.out.split(dir).join("$TMP");
    assert.ok(out.includes("(tsdb) Breakpoint 1 at $TMP/node_modules/lib/index.js:2\n(tsdb) "), out);
    assert.ok(out.includes("> $TMP/node_modules/lib/index.js(2)<anonymous>()\n-> const sum = a + b;\n(tsdb) (1, 2)\n"), out);
    assert.is(r.status, 0, out);
    assert.is(await answered, "3");
  } finally {
    child.kill();
  }
});

const python = spawnSync("python3", ["-c", "import pty"]).status === 0;

(python ? test : test.skip)("Tab in an attached session: commands, names in the program's frame, properties", async () => {
  const { child } = await start(["--import", "tsdb/register", "spinner.cjs"], "spinning");
  try {
    const steps = [
      ["(tsdb) ", "p coun\t"], // a local of the program's frame
      ["", " > 0, Math.ma\t", 0.5], // a property, evaluated in the program
      ["", "(1, 2)\r", 0.5],
      ["(tsdb) ", "unti\t"], // a command
      ["", "\u0015detach\r", 0.5],
    ];
    const drive = spawnSync(
      "python3",
      [join(fixtures, "pty_drive.py"), JSON.stringify(steps), process.execPath, tsdb, "-p", String(child.pid)],
      {
        cwd: fixtures,
        encoding: "utf8",
        timeout: 60000,
        env: { ...process.env, HOME: home },
      },
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the line editor's escape sequences
    const out = drive.stdout.replace(/\r/g, "").replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
    assert.ok(out.includes("(tsdb) p counter > 0, Math.max(1, 2)\n(true, 2)\n"), out);
    assert.ok(out.includes("(tsdb) until "), out);
    assert.ok(out.endsWith("EXIT 0\n"), out);
    assert.is(child.exitCode, null, "the program goes on");
  } finally {
    child.kill();
  }
});

test("a process not started with tsdb/register: attach says why", async () => {
  const { child } = await start(["busy.cjs"], "spinning");
  try {
    const r = await attach(child.pid, ["q"]);
    assert.is(
      r.out,
      `tsdb: cannot attach to process ${child.pid}: it does not listen for a debugger (it was not started with tsdb/register: node --import tsdb/register app.js, or --require tsdb/register)\n`,
    );
    assert.is(r.status, 1);
  } finally {
    child.kill();
  }
  const r = await attach(999999999, []);
  assert.ok(r.out.includes("no such process"), r.out);
});

test("a young program's stale files are tried again until it is 5 s old, each attempt's Ctrl-C listener let go", async () => {
  // A process that has this pid's files from an earlier one (killed) but listens on none of them.
  const temp = mkdtempSync(join(tmpdir(), "tsdb-stale-"));
  const { child } = await start(["-e", "console.log('up'); setTimeout(() => {}, 20000)"], "up");
  try {
    const dir = join(temp, `tsdb-${process.getuid()}`);
    mkdirSync(dir, { mode: 0o700 });
    for (const file of [socketPath(dir, child.pid), sessionPath(dir, child.pid)]) writeFileSync(file, "");
    writeFileSync(keyPath(dir, child.pid), "k", { mode: 0o600 });
    const r = await attach(child.pid, ["q"], { env: { ...process.env, HOME: home, NO_COLOR: "1", TMPDIR: temp } });
    // ~100 attempts, 50 ms apart: Node warns past 10 listeners of one event
    assert.not.ok(r.out.includes("MaxListenersExceededWarning"), r.out);
    assert.match(r.out, `tsdb: cannot attach to process ${child.pid}: `);
    assert.is(r.status, 1);
  } finally {
    child.kill();
    rmSync(temp, { recursive: true, force: true });
  }
});

// Another user: the machine must let root run a process as another user (uid of `tsdbtest`, made with useradd).
const other = (() => {
  if (process.getuid?.() !== 0) return null;
  let r = spawnSync("id", ["-u", "tsdbtest"], { encoding: "utf8" });
  if (r.status !== 0) spawnSync("useradd", ["--no-create-home", "tsdbtest"]);
  r = spawnSync("id", ["-u", "tsdbtest"], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
})();

(other === null ? test.skip : test)("another user can neither attach nor reach the socket or its key", async () => {
  const { child } = await start(["--import", "tsdb/register", "busy.cjs"], "spinning");
  try {
    const r = await attach(child.pid, ["p n"], { uid: other, gid: other, cwd: "/tmp", env: { PATH: process.env.PATH, HOME: "/tmp" } });
    assert.is(r.out, `tsdb: cannot attach to process ${child.pid}: it belongs to another user (only its owner can attach)\n`);
    assert.is(r.status, 1);
    // what an attacker would try by hand: connect to the socket, read the key
    const dir = join(process.env.TMPDIR || "/tmp", `tsdb-${process.getuid()}`);
    const probe = spawnSync(
      process.execPath,
      [
        "-e",
        `const fs = require("fs"), net = require("net");
         try { fs.readFileSync(${JSON.stringify(join(dir, `${child.pid}.key`))}); console.log("key read"); } catch (e) { console.log(e.code); }
         net.connect(${JSON.stringify(join(dir, `${child.pid}.sock`))}).on("connect", () => { console.log("connected"); process.exit(); }).on("error", (e) => console.log(e.code));`,
      ],
      { uid: other, gid: other, encoding: "utf8", env: { PATH: process.env.PATH } },
    );
    assert.is(probe.stdout, "EACCES\nEACCES\n", probe.stdout + probe.stderr);
  } finally {
    child.kill();
  }
});

test.run();
