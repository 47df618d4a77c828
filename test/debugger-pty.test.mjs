// `tsdb` on a real pseudo-terminal (python3's pty module drives it, see
// test/fixtures/debugger/pty_drive.py): the raw-mode line editor (history,
// cursor keys, Ctrl-A/Ctrl-E, backspace), Ctrl-D and Ctrl-C at the prompt,
// and Ctrl-C while the program runs.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fixtures, tsdb } from "./fixtures/debugger/session.mjs";

const python = spawnSync("python3", ["-c", "import pty"]).status === 0 ? "python3" : null;

function drive(script, steps) {
  const r = spawnSync(python, [join(fixtures, "pty_drive.py"), JSON.stringify(steps), process.execPath, tsdb, script], {
    cwd: fixtures,
    encoding: "utf8",
    timeout: 60000,
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

maybe("Ctrl-C at the prompt quits cleanly", () => {
  const r = drive("basic.cjs", [["(tsdb) ", "p 'par\u0003"]]);
  assert.ok(r.out.includes("^C\n"), r.out);
  assert.not.ok(r.out.includes("result"), r.out);
  assert.not.ok(r.out.includes("Error"), r.out);
  assert.is(r.status, 0, r.out);
});

maybe("Ctrl-C while the program runs stops it at the next line it runs", () => {
  const r = drive("spin.js", [
    ["(tsdb) ", "c\r"],
    ["c", null],
    ["", "\u0003", 1.0], // the program runs (terminal back in cooked mode): Ctrl-C is SIGINT
    ["(tsdb) ", "w\r"],
    ["(tsdb) ", "q\r"],
  ]);
  assert.ok(r.out.includes("Program interrupted. (Use 'cont' to resume).\n> $DIR/spin.js(3)tick()\n-> ticks += 1;\n"), r.out);
  assert.is(r.status, 0, r.out);
});

test.run();
