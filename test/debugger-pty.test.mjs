// `tsdb` on a real pseudo-terminal (python3's pty module drives it, see
// test/fixtures/debugger/pty_drive.py): the raw-mode line editor (history,
// cursor keys, Ctrl-A/Ctrl-E, backspace), Ctrl-D and Ctrl-C at the prompt,
// and Ctrl-C while the program runs.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { fixtures, home, tsdb } from "./fixtures/debugger/session.mjs";

const python = spawnSync("python3", ["-c", "import pty"]).status === 0 ? "python3" : null;

function drive(script, steps, env = {}) {
  const r = spawnSync(python, [join(fixtures, "pty_drive.py"), JSON.stringify(steps), process.execPath, tsdb, script], {
    cwd: fixtures,
    encoding: "utf8",
    timeout: 180000,
    env: { ...process.env, HOME: home, ...env },
  });
  const out = (r.stdout ?? "").replace(/\r/g, "").split(fixtures).join("$DIR");
  const m = /\nEXIT (-?\d+)\n$/.exec(out);
  return { out, status: m ? Number(m[1]) : null, err: r.stderr };
}

const maybe = python ? test : test.skip;

maybe("line editor: history, cursor keys, backspace, Ctrl-A/Ctrl-E; Ctrl-D quits", () => {
  const r = drive("basic.cjs", [
    ["(tsdb) ", "p 1+1\r"],
    ["(tsdb) ", "\u001b[A\r"], // Up: the previous line again
    ["(tsdb) ", "p 12\u007f3\r"], // Backspace
    ["(tsdb) ", "p 3\u001b[D1\r"], // Left, then insert
    ["(tsdb) ", "1+2\u0001p \u0005+3\r"], // Ctrl-A, Ctrl-E
    ["(tsdb) ", "n\r"],
    ["(tsdb) ", "\u0004"], // Ctrl-D on an empty line
  ]);
  assert.ok(r.out.startsWith('> $DIR/basic.cjs(1)<module>()\n-> const lib = require("./lib.cjs");\n(tsdb) '), r.out);
  const results = r.out.split("\n").filter((l) => /^\d+$/.test(l));
  assert.equal(results, ["2", "2", "13", "13", "6"], r.out);
  assert.ok(r.out.includes("(tsdb) p 1+2+3"), r.out);
  assert.ok(r.out.includes("> $DIR/basic.cjs(16)<module>()\n-> const a = square(3);\n"), r.out);
  assert.not.ok(r.out.includes("result 9"), r.out);
  assert.is(r.status, 0, r.out);
});

maybe("Ctrl-C at the prompt prints --KeyboardInterrupt-- and the session goes on", () => {
  const r = drive("basic.cjs", [
    ["(tsdb) ", "p 'par\u0003"],
    ["(tsdb) ", "p 6 * 7\r"],
    ["(tsdb) ", "q\r"],
  ]);
  assert.ok(r.out.includes("^C\n--KeyboardInterrupt--\n(tsdb) "), r.out);
  assert.ok(r.out.includes("\n42\n"), r.out);
  assert.not.ok(r.out.includes("result"), r.out);
  assert.is(r.status, 0, r.out);
});

maybe("Tab completes commands, names in scope, properties and file names", () => {
  const r = drive("basic.cjs", [
    ["(tsdb) ", "unti\t"], // a command: `until `
    ["", "\u0015n\r", 0.3],
    ["(tsdb) ", "p squ\t"], // a name in scope
    ["", "(2), Math.ma\t", 0.3], // a property
    ["", "(1, 5)\r", 0.3],
    ["(tsdb) ", "b lib.c\t"], // a file name
    ["", ":2\r", 0.3],
    ["(tsdb) ", "d\t"], // several commands: the second Tab lists them
    ["", "\t", 0.3],
    ["", "\u0015q\r", 0.3],
  ]);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the line editor's escape sequences
  const plain = r.out.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
  assert.ok(plain.includes("(tsdb) until (tsdb) n\n"), r.out);
  assert.ok(plain.includes("(tsdb) p square(2), Math.max(1, 5)\n(4, 5)\n"), r.out);
  assert.ok(r.out.includes("Breakpoint 1 at $DIR/lib.cjs:2\n"), r.out);
  assert.match(r.out, /\nd\s+debug\s+detach\s+disable\s+display\s+down\n/);
  assert.is(r.status, 0, r.out);
});

maybe("history is kept across sessions in ~/.tsdb_history, private to the user", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-home-"));
  drive(
    "basic.cjs",
    [
      ["(tsdb) ", "p 'first session'\r"],
      ["(tsdb) ", "q\r"],
    ],
    { HOME: dir },
  );
  const file = join(dir, ".tsdb_history");
  assert.is(readFileSync(file, "utf8"), "p 'first session'\nq\n");
  assert.is(statSync(file).mode & 0o777, 0o600);
  const r = drive(
    "basic.cjs",
    [
      ["(tsdb) ", "\u001b[A\u001b[A\r"], // Up twice: the line before the last session's `q`
      ["(tsdb) ", "q\r"],
    ],
    { HOME: dir },
  );
  assert.ok(r.out.includes("\n'first session'\n"), r.out);
});

maybe("a line longer than the terminal is redrawn from its first row", () => {
  const long = "p '" + "x".repeat(30) + "'";
  const r = drive(
    "basic.cjs",
    [
      ["(tsdb) ", long],
      ["", "\u001b[D\u001b[Dy", 0.3], // Left, Left, insert: the input wraps over three rows of 20 columns
      ["", "\r", 0.3],
      ["(tsdb) ", "q\r"],
    ],
    { PTY_COLUMNS: "20" },
  );
  // the cursor goes up to the input's first row before the prompt is drawn again
  assert.ok(r.out.includes("\u001b[2A(tsdb) p 'xxx"), JSON.stringify(r.out));
  assert.ok(r.out.includes("\n'" + "x".repeat(29) + "yx'\n"), r.out);
  assert.is(r.status, 0, r.out);
});

maybe("Ctrl-C while the program waits for a timer: the prompt at once, then s stops at the next line that runs", () => {
  const r = drive("spin.js", [
    ["(tsdb) ", "c\r"],
    ["c", null],
    ["", "\u0003", 1.0], // the program runs (terminal back in cooked mode): Ctrl-C is SIGINT
    ["(tsdb) ", "s\r"],
    ["(tsdb) ", "n\r"],
    ["(tsdb) ", "q\r"],
  ]);
  assert.ok(r.out.includes("^C\nProgram interrupted. (Use 'cont' to resume).\n(tsdb) "), r.out);
  assert.ok(r.out.includes("--Call--\n> $DIR/spin.js(2)tick()\n-> function tick() {\n"), r.out);
  assert.ok(r.out.includes("> $DIR/spin.js(3)tick()\n-> ticks += 1;\n"), r.out);
  assert.is(r.status, 0, r.out);
});

maybe("Ctrl-C in a loop that never yields stops it there; its variables can be read and changed", () => {
  const r = drive("busy.cjs", [
    ["(tsdb) ", "c\r"],
    ["spinning", null],
    ["", "\u0003", 0.5],
    ["(tsdb) ", "p n > 0\r"],
    ["(tsdb) ", "n = -10\r"],
    ["(tsdb) ", "n\r"],
    ["(tsdb) ", "n\r"],
    ["(tsdb) ", "p n\r"],
    ["(tsdb) ", "w\r"],
    ["(tsdb) ", "c\r"],
  ]);
  assert.ok(r.out.includes("^C\nProgram interrupted. (Use 'cont' to resume).\n> $DIR/busy.cjs(4)spin()\n-> n++;\n"), r.out);
  assert.ok(r.out.includes("\ntrue\n"), r.out);
  // the loop ends because of the assignment: the program runs on with the value written
  assert.ok(r.out.includes("> $DIR/busy.cjs(3)spin()\n-> while (n >= 0) {\n"), r.out);
  assert.ok(r.out.includes("> $DIR/busy.cjs(6)spin()\n-> return n;\n"), r.out);
  assert.ok(r.out.includes("\n-9\n"), r.out);
  assert.ok(r.out.includes("  $DIR/busy.cjs(9)<module>()\n-> spin();\n> $DIR/busy.cjs(6)spin()"), r.out);
  assert.ok(r.out.includes("The program finished with exit code 0"), r.out);
  assert.is(r.status, 0, r.out);
});

maybe("Ctrl-C in a counted loop of pure arithmetic stops it there; the loop variable is current and can be changed", () => {
  const r = drive("counted.cjs", [
    ["(tsdb) ", "c\r"],
    ["counting", null],
    ["", "\u0003", 0.5],
    ["(tsdb) ", "p i > 0, i < n\r"],
    ["(tsdb) ", "i = n - 1\r"],
    ["(tsdb) ", "c\r"],
  ]);
  assert.ok(
    r.out.includes("^C\nProgram interrupted. (Use 'cont' to resume).\n> $DIR/counted.cjs(4)sum()\n-> s = (s + i) % 1000003;\n"),
    r.out,
  );
  assert.ok(r.out.includes("\n(true, true)\n"), r.out);
  assert.ok(/\nsum \d+\n/.test(r.out), r.out);
  assert.ok(r.out.includes("The program finished with exit code 0"), r.out);
  assert.is(r.status, 0, r.out);
});

maybe("Ctrl-C in an idle program gives the prompt at once: no frame, globals, a breakpoint that hits, c", () => {
  const r = drive("idle.cjs", [
    ["(tsdb) ", "c\r"],
    ["listening", null],
    ["", "\u0003", 0.5],
    ["(tsdb) ", "w\r"],
    ["(tsdb) ", "p hits\r"],
    ["(tsdb) ", "l\r"],
    ["(tsdb) ", "b idle.cjs:4\r"],
    ["(tsdb) ", "void poke()\r"],
    ["(tsdb) ", "c\r"],
    ["(tsdb) ", "n\r"],
    ["(tsdb) ", "p hits\r"],
    ["(tsdb) ", "c\r"],
  ]);
  assert.ok(r.out.includes("Program interrupted. (Use 'cont' to resume).\n(tsdb) "), r.out);
  const noFrame = "No frame is running: the program was stopped between events (waiting for I/O or timers)";
  assert.ok(r.out.includes(`\n${noFrame}\n`), r.out); // where
  assert.ok(r.out.includes("\n0\n"), r.out); // p hits
  assert.ok(r.out.includes(`\n*** ${noFrame}\n`), r.out); // l
  assert.ok(r.out.includes("Breakpoint 1 at $DIR/idle.cjs:4\n"), r.out);
  assert.ok(r.out.includes("> $DIR/idle.cjs(4)<anonymous>()\n-> hits += 1;\n"), r.out);
  assert.ok(r.out.includes("\n1\n"), r.out);
  assert.ok(r.out.includes("The program finished with exit code 0"), r.out);
  assert.is(r.status, 0, r.out);
});

test.run();
