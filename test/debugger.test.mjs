// Transcript tests of the `tsdb` command (as test_pdb's doctests): commands are
// piped to `node dist/bin/tsdb.js script`, echoed after the prompt
// (TSDB_ECHO=1), and the whole session is compared. Fixtures: test/fixtures/debugger.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { root, session, transcript } from "./fixtures/debugger/session.mjs";

function check(script, commands, expected, options = {}) {
  const r = session(script, commands, options);
  assert.fixture(r.out, transcript(expected));
  return r;
}

test("stops before the first line; step into a call, next, args, return value", () => {
  check(
    "basic.cjs",
    ["n", "s", "a", "n", "n", "n", "retval", "s", "c"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) n
    > $DIR/basic.cjs(16)<module>()
    -> const a = square(3);
    (tsdb) s
    --Call--
    > $DIR/basic.cjs(3)square()
    -> function square(x) {
    (tsdb) a
    x = 3
    (tsdb) n
    > $DIR/basic.cjs(4)square()
    -> const y = x * x;
    (tsdb) n
    > $DIR/basic.cjs(5)square()
    -> return y;
    (tsdb) n
    --Return--
    > $DIR/basic.cjs(5)square()->9
    -> return y;
    (tsdb) retval
    9
    (tsdb) s
    > $DIR/basic.cjs(17)<module>()
    -> const b = sumTo(4);
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test("step into another module; next over a call; until out of a loop; return", () => {
  check(
    "basic.cjs",
    ["s", "s", "n", "n", "n", "s", "n", "n", "n", "n", "until", "p total", "n", "r", "c"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) s
    --Call--
    > $DIR/lib.cjs(1)<module>()
    -> function double(v) {
    (tsdb) s
    > $DIR/lib.cjs(6)<module>()
    -> module.exports = { double };
    (tsdb) n
    --Return--
    > $DIR/lib.cjs(6)<module>()->undefined
    -> module.exports = { double };
    (tsdb) n
    > $DIR/basic.cjs(16)<module>()
    -> const a = square(3);
    (tsdb) n
    > $DIR/basic.cjs(17)<module>()
    -> const b = sumTo(4);
    (tsdb) s
    --Call--
    > $DIR/basic.cjs(8)sumTo()
    -> function sumTo(n) {
    (tsdb) n
    > $DIR/basic.cjs(9)sumTo()
    -> let total = 0;
    (tsdb) n
    > $DIR/basic.cjs(10)sumTo()
    -> for (let i = 1; i <= n; i++) {
    (tsdb) n
    > $DIR/basic.cjs(11)sumTo()
    -> total += i;
    (tsdb) n
    > $DIR/basic.cjs(10)sumTo()
    -> for (let i = 1; i <= n; i++) {
    (tsdb) until
    > $DIR/basic.cjs(11)sumTo()
    -> total += i;
    (tsdb) p total
    1
    (tsdb) n
    > $DIR/basic.cjs(10)sumTo()
    -> for (let i = 1; i <= n; i++) {
    (tsdb) r
    --Return--
    > $DIR/basic.cjs(13)sumTo()->10
    -> return total;
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test("until leaves a loop from its last line; until with a line number", () => {
  check(
    "basic.cjs",
    ["b 11", "c", "cl 1", "until", "p total", "c"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b 11
    Breakpoint 1 at $DIR/basic.cjs:11
    (tsdb) c
    > $DIR/basic.cjs(11)sumTo()
    -> total += i;
    (tsdb) cl 1
    Deleted breakpoint 1 at $DIR/basic.cjs:11
    (tsdb) until
    > $DIR/basic.cjs(13)sumTo()
    -> return total;
    (tsdb) p total
    10
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
  check(
    "basic.cjs",
    ["until 18", "p a + b", "c"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) until 18
    > $DIR/basic.cjs(18)<module>()
    -> const c = lib.double(a + b);
    (tsdb) p a + b
    19
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test("breakpoints: by line, by file:line in another module, by function name; listing; where/up/down", () => {
  check(
    "basic.cjs",
    ["b 4", "b lib.cjs:2", "b sumTo", "b", "c", "w", "c", "b", "c", "p v", "up", "p a", "p b", "down", "p r", "c"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b 4
    Breakpoint 1 at $DIR/basic.cjs:4
    (tsdb) b lib.cjs:2
    Breakpoint 2 at $DIR/lib.cjs:2
    (tsdb) b sumTo
    Breakpoint 3 at $DIR/basic.cjs:9
    (tsdb) b
    Num Type         Disp Enb   Where
    1   breakpoint   keep yes   at $DIR/basic.cjs:4
    2   breakpoint   keep yes   at $DIR/lib.cjs:2
    3   breakpoint   keep yes   at $DIR/basic.cjs:9
    (tsdb) c
    > $DIR/basic.cjs(4)square()
    -> const y = x * x;
    (tsdb) w
      $DIR/basic.cjs(16)<module>()
    -> const a = square(3);
    > $DIR/basic.cjs(4)square()
    -> const y = x * x;
    (tsdb) c
    > $DIR/basic.cjs(9)sumTo()
    -> let total = 0;
    (tsdb) b
    Num Type         Disp Enb   Where
    1   breakpoint   keep yes   at $DIR/basic.cjs:4
    \tbreakpoint already hit 1 time
    2   breakpoint   keep yes   at $DIR/lib.cjs:2
    3   breakpoint   keep yes   at $DIR/basic.cjs:9
    \tbreakpoint already hit 1 time
    (tsdb) c
    > $DIR/lib.cjs(2)double()
    -> const r = v * 2;
    (tsdb) p v
    19
    (tsdb) up
    > $DIR/basic.cjs(18)<module>()
    -> const c = lib.double(a + b);
    (tsdb) p a
    9
    (tsdb) p b
    10
    (tsdb) down
    > $DIR/lib.cjs(2)double()
    -> const r = v * 2;
    (tsdb) p r
    *** ReferenceError: Cannot access 'r' before initialization
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test("break module.function in a file not loaded yet (pdb's form)", () => {
  check(
    "basic.cjs",
    ["b lib.double", "c", "p v", "c"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b lib.double
    Breakpoint 1 at $DIR/lib.cjs:2
    (tsdb) c
    > $DIR/lib.cjs(2)double()
    -> const r = v * 2;
    (tsdb) p v
    19
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test("conditional and temporary breakpoints, ignore, disable/enable, condition, clear", () => {
  check(
    "basic.cjs",
    ["tbreak 11, i == 3", "b 11", "disable 2", "b", "c", "p i", "b", "enable 2", "ignore 2 1", "c"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) tbreak 11, i == 3
    Breakpoint 1 at $DIR/basic.cjs:11
    (tsdb) b 11
    Breakpoint 2 at $DIR/basic.cjs:11
    (tsdb) disable 2
    Disabled breakpoint 2 at $DIR/basic.cjs:11
    (tsdb) b
    Num Type         Disp Enb   Where
    1   breakpoint   del  yes   at $DIR/basic.cjs:11
    \tstop only if i == 3
    2   breakpoint   keep no    at $DIR/basic.cjs:11
    (tsdb) c
    Deleted breakpoint 1 at $DIR/basic.cjs:11
    > $DIR/basic.cjs(11)sumTo()
    -> total += i;
    (tsdb) p i
    3
    (tsdb) b
    Num Type         Disp Enb   Where
    2   breakpoint   keep no    at $DIR/basic.cjs:11
    (tsdb) enable 2
    Enabled breakpoint 2 at $DIR/basic.cjs:11
    (tsdb) ignore 2 1
    Will ignore next 1 crossing of breakpoint 2.
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test("condition, ignore and clear messages", () => {
  check(
    "basic.cjs",
    [
      "b 4, x > 100",
      "condition 1",
      "condition 1 x > 1",
      "ignore 1 2",
      "ignore 1",
      "b",
      "clear 1",
      "b 4",
      "b 5",
      "clear basic.cjs:4",
      "b",
      "c",
      "c",
    ],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b 4, x > 100
    Breakpoint 1 at $DIR/basic.cjs:4
    (tsdb) condition 1
    Breakpoint 1 is now unconditional.
    (tsdb) condition 1 x > 1
    New condition set for breakpoint 1.
    (tsdb) ignore 1 2
    Will ignore next 2 crossings of breakpoint 1.
    (tsdb) ignore 1
    Will stop next time breakpoint 1 is reached.
    (tsdb) b
    Num Type         Disp Enb   Where
    1   breakpoint   keep yes   at $DIR/basic.cjs:4
    \tstop only if x > 1
    (tsdb) clear 1
    Deleted breakpoint 1 at $DIR/basic.cjs:4
    (tsdb) b 4
    Breakpoint 2 at $DIR/basic.cjs:4
    (tsdb) b 5
    Breakpoint 3 at $DIR/basic.cjs:5
    (tsdb) clear basic.cjs:4
    Deleted breakpoint 2 at $DIR/basic.cjs:4
    (tsdb) b
    Num Type         Disp Enb   Where
    3   breakpoint   keep yes   at $DIR/basic.cjs:5
    (tsdb) c
    > $DIR/basic.cjs(5)square()
    -> return y;
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test("clear without argument asks first", () => {
  const r = session("basic.cjs", ["b 4", "b 5", "clear", "y", "b", "c"]);
  assert.ok(
    r.out.includes(
      "(tsdb) clear\nClear all breaks? y\nDeleted breakpoint 1 at $DIR/basic.cjs:4\nDeleted breakpoint 2 at $DIR/basic.cjs:5\n(tsdb) b\n(tsdb) c\nresult",
    ),
    r.out,
  );
});

test("list, list continued, list ., ranges, [EOF], longlist", () => {
  check(
    "basic.cjs",
    ["b 11", "c", "l", "l", "l .", "l 1, 3", "l 2, 2", "l 4, 2", "l 30", "ll"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b 11
    Breakpoint 1 at $DIR/basic.cjs:11
    (tsdb) c
    > $DIR/basic.cjs(11)sumTo()
    -> total += i;
    (tsdb) l
      6  \t}
      7  \t
      8  \tfunction sumTo(n) {
      9  \t  let total = 0;
     10  \t  for (let i = 1; i <= n; i++) {
     11 B->\t    total += i;
     12  \t  }
     13  \t  return total;
     14  \t}
     15  \t
     16  \tconst a = square(3);
    (tsdb) l
     17  \tconst b = sumTo(4);
     18  \tconst c = lib.double(a + b);
     19  \tconsole.log("result", a, b, c);
    [EOF]
    (tsdb) l .
      6  \t}
      7  \t
      8  \tfunction sumTo(n) {
      9  \t  let total = 0;
     10  \t  for (let i = 1; i <= n; i++) {
     11 B->\t    total += i;
     12  \t  }
     13  \t  return total;
     14  \t}
     15  \t
     16  \tconst a = square(3);
    (tsdb) l 1, 3
      1  \tconst lib = require("./lib.cjs");
      2  \t
      3  \tfunction square(x) {
    (tsdb) l 2, 2
      2  \t
    (tsdb) l 4, 2
      4  \t  const y = x * x;
      5  \t  return y;
      6  \t}
    (tsdb) l 30
    [EOF]
    (tsdb) ll
      8  \tfunction sumTo(n) {
      9  \t  let total = 0;
     10  \t  for (let i = 1; i <= n; i++) {
     11 B->\t    total += i;
     12  \t  }
     13  \t  return total;
     14  \t}
    (tsdb) 
  `,
  );
});

test("display / undisplay", () => {
  check(
    "basic.cjs",
    ["b 11", "c", "display total", "display i * 10", "display", "c", "undisplay total", "c", "undisplay nope", "undisplay", "display", "q"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b 11
    Breakpoint 1 at $DIR/basic.cjs:11
    (tsdb) c
    > $DIR/basic.cjs(11)sumTo()
    -> total += i;
    (tsdb) display total
    display total: 0
    (tsdb) display i * 10
    display i * 10: 10
    (tsdb) display
    Currently displaying:
    total: 0
    i * 10: 10
    (tsdb) c
    > $DIR/basic.cjs(11)sumTo()
    -> total += i;
    display total: 1  [old: 0]
    display i * 10: 20  [old: 10]
    (tsdb) undisplay total
    (tsdb) c
    > $DIR/basic.cjs(11)sumTo()
    -> total += i;
    display i * 10: 30  [old: 20]
    (tsdb) undisplay nope
    *** not displaying nope
    (tsdb) undisplay
    (tsdb) display
    No expression is being displayed
    (tsdb) q
  `,
  );
});

test("p, pp, whatis, expressions, assignments to locals stick", () => {
  check(
    "basic.cjs",
    [
      "b 4",
      "c",
      "p x",
      'pp {a: [1, 2, {b: 3}], s: "str", long: "x".repeat(70)}',
      "{a: 1}",
      "whatis x",
      "whatis [1]",
      "x * 7",
      "x = 12",
      "p x",
      "!n = 5",
      "p n",
      "n",
      "p y",
      "up",
      "whatis square",
      "c",
    ],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b 4
    Breakpoint 1 at $DIR/basic.cjs:4
    (tsdb) c
    > $DIR/basic.cjs(4)square()
    -> const y = x * x;
    (tsdb) p x
    3
    (tsdb) pp {a: [1, 2, {b: 3}], s: "str", long: "x".repeat(70)}
    {
      a: [ 1, 2, { b: 3 } ],
      s: 'str',
      long: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
    }
    (tsdb) {a: 1}
    { a: 1 }
    (tsdb) whatis x
    number
    (tsdb) whatis [1]
    Array
    (tsdb) x * 7
    21
    (tsdb) x = 12
    (tsdb) p x
    12
    (tsdb) !n = 5
    (tsdb) p n
    5
    (tsdb) n
    > $DIR/basic.cjs(5)square()
    -> return y;
    (tsdb) p y
    144
    (tsdb) up
    > $DIR/basic.cjs(16)<module>()
    -> const a = square(3);
    (tsdb) whatis square
    Function square
    (tsdb) c
    result 144 10 308
    The program finished with exit code 0
  `,
  );
});

test("empty line repeats the last command", () => {
  check(
    "basic.cjs",
    ["n", "", "", "c"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) n
    > $DIR/basic.cjs(16)<module>()
    -> const a = square(3);
    (tsdb) 
    > $DIR/basic.cjs(17)<module>()
    -> const b = sumTo(4);
    (tsdb) 
    > $DIR/basic.cjs(18)<module>()
    -> const c = lib.double(a + b);
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test("bad commands and arguments get messages, never a crash", () => {
  check(
    "basic.cjs",
    [
      "frobnicate",
      "b nosuch",
      "b 2",
      "b 99",
      "b zz:3",
      "b 4, x ===",
      "u",
      "d",
      "s 1",
      "ignore",
      "ignore x",
      "ignore 9",
      "enable",
      "disable 1",
      "condition",
      "clear 5",
      "until 0",
      "until a",
      "l a",
      "p",
      "p )",
      "jump 3",
      "help nosuch",
      "retval",
      "c",
    ],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) frobnicate
    *** ReferenceError: frobnicate is not defined
    (tsdb) b nosuch
    *** The specified object 'nosuch' is not a function or was not found along the loaded files.
    (tsdb) b 2
    *** Blank or comment
    (tsdb) b 99
    End of file
    (tsdb) b zz:3
    *** 'zz' not found
    (tsdb) b 4, x ===
    *** Invalid condition x ===: SyntaxError: Unexpected end of input
    (tsdb) u
    *** Oldest frame
    (tsdb) d
    *** Newest frame
    (tsdb) s 1
    *** Invalid argument: 1
           Usage: s(tep)
    (tsdb) ignore
    *** Breakpoint number expected
    (tsdb) ignore x
    *** Non-numeric breakpoint number x
    (tsdb) ignore 9
    *** Breakpoint number 9 out of range
    (tsdb) enable
    *** Argument is required for this command
           Usage: enable bpnumber [bpnumber ...]
    (tsdb) disable 1
    *** Breakpoint number 1 out of range
    (tsdb) condition
    *** Breakpoint number expected
    (tsdb) clear 5
    *** Breakpoint number 5 out of range
    (tsdb) until 0
    *** "until" line number is smaller than current line number
    (tsdb) until a
    *** Error in argument: 'a'
    (tsdb) l a
    *** Error in argument: 'a'
    (tsdb) p
    *** Argument is required for this command
           Usage: p expression
    (tsdb) p )
    *** SyntaxError: Unexpected token ')'
    (tsdb) jump 3
    *** jump is not possible in tsdb: the engine cannot move a running function to another line (see 'help jump')
    (tsdb) help nosuch
    *** No help for 'nosuch'
    (tsdb) retval
    *** Not yet returned!
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test("help lists the commands; help <command> shows its usage", () => {
  const r = session("basic.cjs", ["help", "help next", "h b", "help exec", "q"]);
  assert.ok(r.out.includes("Documented commands (type help <topic>):\n========================================\n"), r.out);
  for (const name of [
    "break",
    "tbreak",
    "clear",
    "disable",
    "enable",
    "ignore",
    "condition",
    "step",
    "next",
    "return",
    "until",
    "continue",
    "where",
    "bt",
    "up",
    "down",
    "list",
    "longlist",
    "ll",
    "args",
    "p",
    "pp",
    "display",
    "undisplay",
    "retval",
    "quit",
    "exit",
    "alias",
    "unalias",
    "commands",
    "debug",
    "restart",
    "run",
    "source",
    "interact",
    "exceptions",
    "jump",
    "j",
  ]) {
    assert.match(r.out, new RegExp(`(^|\\s)${name}(\\s|$)`, "m"), name);
  }
  assert.ok(
    r.out.includes("(tsdb) help next\n       Usage: n(ext)\n\n       Continue execution until the next line in the current function\n"),
    r.out,
  );
  assert.ok(r.out.includes("Usage: b(reak) [ ([filename:]lineno | function) [, condition] ]"), r.out);
  assert.ok(r.out.includes("(!) statement"), r.out);
});

test("TypeScript: breakpoint on a method by Class.method name, this, up into the caller", () => {
  check(
    "shapes.ts",
    ["b Rect.area", "c", "p this", "ll", "up", "p s", "p shapes.length", "c", "c"],
    `
    > $DIR/shapes.ts(5)<module>()
    -> class Rect implements Shape {
    (tsdb) b Rect.area
    Breakpoint 1 at $DIR/shapes.ts:9
    (tsdb) c
    > $DIR/shapes.ts(9)area()
    -> const a: number = this.w * this.h;
    (tsdb) p this
    Rect { w: 2, h: 3 }
    (tsdb) ll
      8  \t  area(): number {
      9 B->\t    const a: number = this.w * this.h;
     10  \t    return a;
     11  \t  }
    (tsdb) up
    > $DIR/shapes.ts(17)<module>()
    -> sum += s.area();
    (tsdb) p s
    Rect { w: 2, h: 3 }
    (tsdb) p shapes.length
    2
    (tsdb) c
    > $DIR/shapes.ts(9)area()
    -> const a: number = this.w * this.h;
    (tsdb) c
    total area 26
    The program finished with exit code 0
  `,
  );
});

test("ES module with top-level await: next steps over await", () => {
  check(
    "asyncmod.mjs",
    ["b load", "c", "a", "n", "n", "p value", "c", "c"],
    `
    > $DIR/asyncmod.mjs(17)<module>()
    -> await run();
    (tsdb) b load
    Breakpoint 1 at $DIR/asyncmod.mjs:6
    (tsdb) c
    > $DIR/asyncmod.mjs(6)load()
    -> await delay(5);
    (tsdb) a
    name = 'alpha'
    (tsdb) n
    > $DIR/asyncmod.mjs(7)load()
    -> const value = name.toUpperCase();
    (tsdb) n
    > $DIR/asyncmod.mjs(8)load()
    -> return value;
    (tsdb) p value
    'ALPHA'
    (tsdb) c
    > $DIR/asyncmod.mjs(6)load()
    -> await delay(5);
    (tsdb) c
    ALPHA BETA
    done
    The program finished with exit code 0
  `,
  );
});

test("uncaught exception: post-mortem at the frame that threw", () => {
  const r = check(
    "throws.js",
    ["c", "w", "p text", "up", "p sum", "p item", "l", "down", "d", "u 5", "u", "c"],
    `
    > $DIR/throws.js(17)<module>()
    -> console.log(total(["1", "2"]));
    (tsdb) c
    3
    Uncaught exception. Entering post mortem debugging
    Running 'cont' or 'step' will end the program
    > $DIR/throws.js(4)parse()
    -> throw new TypeError(\`not a number: \${text}\`);
    (tsdb) w
      $DIR/throws.js(18)<module>()
    -> console.log(total(["3", "x"]));
      $DIR/throws.js(12)total()
    -> sum += parse(item);
    > $DIR/throws.js(4)parse()
    -> throw new TypeError(\`not a number: \${text}\`);
    (tsdb) p text
    'x'
    (tsdb) up
    > $DIR/throws.js(12)total()
    -> sum += parse(item);
    (tsdb) p sum
    3
    (tsdb) p item
    'x'
    (tsdb) l
      7  \t}
      8  \t
      9  \tfunction total(items) {
     10  \t  let sum = 0;
     11  \t  for (const item of items) {
     12  ->\t    sum += parse(item);
     13  \t  }
     14  \t  return sum;
     15  \t}
     16  \t
     17  \tconsole.log(total(["1", "2"]));
    (tsdb) down
    > $DIR/throws.js(4)parse()
    -> throw new TypeError(\`not a number: \${text}\`);
    (tsdb) d
    *** Newest frame
    (tsdb) u 5
    > $DIR/throws.js(18)<module>()
    -> console.log(total(["3", "x"]));
    (tsdb) u
    *** Oldest frame
    (tsdb) c
    Post mortem debugger finished.
    The program finished with exit code 1
  `,
  );
  assert.is(r.status, 1);
  assert.ok(r.err.includes("TypeError: not a number: x"), r.err);
});

test("a module's top-level const that throws: post-mortem in the module frame", () => {
  const r = check(
    "config.mjs",
    ["c", "w", "p text", "p port", "q"],
    `
    > $DIR/config.mjs(2)<module>()
    -> const text = '{"port": 80,}';
    (tsdb) c
    Uncaught exception. Entering post mortem debugging
    Running 'cont' or 'step' will end the program
    > $DIR/config.mjs(4)<module>()
    -> export const config = JSON.parse(text);
    (tsdb) w
    > $DIR/config.mjs(4)<module>()
    -> export const config = JSON.parse(text);
    (tsdb) p text
    '{"port": 80,}'
    (tsdb) p port
    8080
    (tsdb) q
  `,
  );
  assert.is(r.status, 1);
  assert.ok(r.err.includes("SyntaxError"), r.err);
});

test("unhandled rejection of an async function: post-mortem", () => {
  const r = check(
    "rejects.mjs",
    ["c", "w", "p user", "q"],
    `
    > $DIR/rejects.mjs(7)<module>()
    -> fetchUser(7);
    (tsdb) c
    Uncaught exception. Entering post mortem debugging
    Running 'cont' or 'step' will end the program
    > $DIR/rejects.mjs(4)fetchUser()
    -> return user.name.toUpperCase();
    (tsdb) w
    > $DIR/rejects.mjs(4)fetchUser()
    -> return user.name.toUpperCase();
    (tsdb) p user
    { id: 7, name: null }
    (tsdb) q
  `,
  );
  assert.is(r.status, 1);
  assert.ok(r.err.includes("TypeError: Cannot read properties of null (reading 'toUpperCase')"), r.err);
});

test("debugger; statements stop at the next line", () => {
  check(
    "stmt.js",
    ["c", "p twice", "w", "n", "p result", "c"],
    `
    > $DIR/stmt.js(8)<module>()
    -> console.log("start");
    (tsdb) c
    start
    > $DIR/stmt.js(4)compute()
    -> const result = twice + 1;
    (tsdb) p twice
    40
    (tsdb) w
      $DIR/stmt.js(9)<module>()
    -> console.log(compute(20));
    > $DIR/stmt.js(4)compute()
    -> const result = twice + 1;
    (tsdb) n
    > $DIR/stmt.js(5)compute()
    -> return result;
    (tsdb) p result
    41
    (tsdb) c
    41
    end
    The program finished with exit code 0
  `,
  );
});

test("debugger; in a callback run later by the event loop", () => {
  check(
    "later.js",
    ["c", "p v", "w", "c"],
    `
    > $DIR/later.js(1)<module>()
    -> console.log("scheduled");
    (tsdb) c
    scheduled
    > $DIR/later.js(5)later()
    -> console.log("v is", v);
    (tsdb) p v
    5
    (tsdb) w
    > $DIR/later.js(5)later()
    -> console.log("v is", v);
    (tsdb) c
    v is 5
    The program finished with exit code 0
  `,
  );
});

test("the script's process.argv and exit code are its own", () => {
  const r = check(
    "exitcode.js",
    ["c"],
    `
    > $DIR/exitcode.js(1)<module>()
    -> console.log("args", JSON.stringify(process.argv.slice(2)), process.argv[1].endsWith("exitcode.js"));
    (tsdb) c
    args ["a","b c"] true
    The program finished with exit code 3
  `,
    { args: ["a", "b c"] },
  );
  assert.is(r.status, 3);
});

test("quit and end of input end the program", () => {
  let r = session("basic.cjs", ["q"]);
  assert.is(r.out, '> $DIR/basic.cjs(1)<module>()\n-> const lib = require("./lib.cjs");\n(tsdb) q\n');
  assert.is(r.status, 0);
  r = session("basic.cjs", ["n"]);
  assert.ok(r.out.endsWith("(tsdb) \n"), r.out);
  assert.not.ok(r.out.includes("result"));
  r = session("basic.cjs", ["exit"]);
  assert.is(r.status, 0);
});

test("a script outside the package, run from another directory", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-"));
  writeFileSync(join(dir, "util.ts"), "export function add(a: number, b: number): number {\n  return a + b;\n}\n");
  writeFileSync(join(dir, "app.ts"), 'import { add } from "./util.js";\nconst x: number = add(1, 2);\nconsole.log("x", x);\n');
  const r = session(join(dir, "app.ts"), ["b util.ts:2", "c", "p a + b", "c"], { cwd: tmpdir() });
  assert.ok(r.out.startsWith(`> ${dir}/app.ts(2)<module>()\n-> const x: number = add(1, 2);\n`), r.out);
  assert.ok(r.out.includes(`Breakpoint 1 at ${dir}/util.ts:2\n`), r.out);
  assert.ok(r.out.includes(`> ${dir}/util.ts(2)add()\n-> return a + b;\n(tsdb) p a + b\n3\n`), r.out);
  assert.ok(r.out.includes("x 3\nThe program finished with exit code 0"), r.out);
});

test("a fresh `npm init -y` package (type commonjs) with TypeScript using import: the debugger works there", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "fresh", version: "1.0.0", main: "index.js", type: "commonjs" }));
  writeFileSync(join(dir, "util.ts"), "export function add(a: number, b: number): number {\n  return a + b;\n}\n");
  writeFileSync(join(dir, "app.ts"), 'import { add } from "./util";\nconst x: number = add(1, 2);\nconsole.log("x", x);\n');
  const r = session(join(dir, "app.ts"), ["b util.ts:2", "c", "p a + b", "c"], { cwd: dir });
  assert.ok(r.out.startsWith(`> ${dir}/app.ts(2)<module>()\n-> const x: number = add(1, 2);\n`), r.out);
  assert.ok(r.out.includes(`> ${dir}/util.ts(2)add()\n-> return a + b;\n(tsdb) p a + b\n3\n`), r.out);
  assert.ok(r.out.includes("x 3\nThe program finished with exit code 0"), r.out);
  assert.is(r.status, 0, r.out);
});

test("-c commands run at the first stop; ';;' separates commands", () => {
  const r = session("-c", ["p x ;; p x * 2", "c"], { args: ["b 4", "-c", "c", "basic.cjs"] });
  assert.fixture(
    r.out,
    transcript(`
    Breakpoint 1 at $DIR/basic.cjs:4
    > $DIR/basic.cjs(4)square()
    -> const y = x * x;
    (tsdb) p x ;; p x * 2
    3
    6
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `),
  );
  const fast = session("--no-capture", ["c"], { args: ["basic.cjs"] });
  assert.ok(fast.out.endsWith("(tsdb) c\nresult 9 10 38\nThe program finished with exit code 0\n"), fast.out);
  const r2 = session("-c", [], { args: ["continue", "throws.js"] });
  assert.ok(r2.out.startsWith("3\nUncaught exception. Entering post mortem debugging\n"), r2.out);
  assert.ok(r2.out.includes("> $DIR/throws.js(4)parse()\n"), r2.out);
  assert.is(r2.status, 1);
});

test("command line: --help, --version, errors", () => {
  let r = session("--help", []);
  assert.ok(r.out.startsWith("usage: tsdb"), r.out);
  assert.is(r.status, 0);
  r = session("--version", []);
  assert.match(r.out, /^tsdb \d+\.\d+\.\d+/);
  r = session("nosuch.js", []);
  assert.is(r.status, 1);
  assert.ok(r.err.includes("Error: nosuch.js does not exist"), r.err);
  r = session("--frob", []);
  assert.is(r.status, 2);
  assert.ok(r.err.includes("unrecognized arguments: --frob"), r.err);
});

test("the transcripts of README.md and examples/inventory/README.md are what tsdb does", async () => {
  const { root } = await import("./fixtures/debugger/session.mjs");
  for (const [file, count] of [
    ["examples/inventory/README.md", 2],
    ["README.md", 3],
  ]) {
    const readme = readFileSync(join(root, file), "utf8");
    const blocks = [...readme.matchAll(/```\n\$ node dist\/bin\/tsdb.js (\S+)(?: (\S+))?\n([\s\S]*?)```/g)];
    assert.is(blocks.length, count, file);
    for (const [, script, arg, expected] of blocks) {
      const commands = [...expected.matchAll(/^(?:\(tsdb\)|\(com\)) (.*)$/gm)].map((m) => m[1]);
      const r = session(script, commands, { cwd: root, args: arg ? [arg] : [], merge: true });
      assert.fixture(r.out.split("$ROOT").join("/path/to/tsdb"), expected);
    }
  }
});

test("p a, b prints both; p ( is a syntax error; p and pp show the whole depth; w N", () => {
  check(
    "basic.cjs",
    ["n", "n", "s", "w 1", "w -1", "w 0", "w x", "q"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) n
    > $DIR/basic.cjs(16)<module>()
    -> const a = square(3);
    (tsdb) n
    > $DIR/basic.cjs(17)<module>()
    -> const b = sumTo(4);
    (tsdb) s
    --Call--
    > $DIR/basic.cjs(8)sumTo()
    -> function sumTo(n) {
    (tsdb) w 1
    > $DIR/basic.cjs(8)sumTo()
    -> function sumTo(n) {
    (tsdb) w -1
      $DIR/basic.cjs(17)<module>()
    -> const b = sumTo(4);
    (tsdb) w 0
    > $DIR/basic.cjs(8)sumTo()
    -> function sumTo(n) {
    (tsdb) w x
    *** Invalid count (x)
    (tsdb) q
  `,
  );
  check(
    "basic.cjs",
    ["p typeof square, 1 + 1, 'two'", "p (1, 2)", "p [1, 2]", "p (", "p {a: {b: {c: {d: [1]}}}}", "pp {a: {b: {c: {d: [1]}}}}", "q"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) p typeof square, 1 + 1, 'two'
    ('function', 2, 'two')
    (tsdb) p (1, 2)
    2
    (tsdb) p [1, 2]
    [ 1, 2 ]
    (tsdb) p (
    *** SyntaxError: Unexpected end of input
    (tsdb) p {a: {b: {c: {d: [1]}}}}
    { a: { b: { c: { d: [ 1 ] } } } }
    (tsdb) pp {a: {b: {c: {d: [1]}}}}
    {
      a: {
        b: { c: { d: [ 1 ] } }
      }
    }
    (tsdb) q
  `,
  );
});

test("alias and unalias: %1.., %*, listing, errors, nesting", () => {
  check(
    "basic.cjs",
    [
      "alias twice p %1 * 2",
      "alias all p [%*]",
      "alias t2 twice",
      "alias",
      "alias twice",
      "twice 21",
      "all 1, 2, 3",
      "t2 4",
      "twice",
      "twice 1 2",
      "alias bad p %2",
      "alias nosuch",
      "unalias twice",
      "twice 1",
      "unalias",
      "q",
    ],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) alias twice p %1 * 2
    (tsdb) alias all p [%*]
    (tsdb) alias t2 twice
    (tsdb) alias
    all = p [%*]
    t2 = twice
    twice = p %1 * 2
    (tsdb) alias twice
    twice = p %1 * 2
    (tsdb) twice 21
    42
    (tsdb) all 1, 2, 3
    [ 1, 2, 3 ]
    (tsdb) t2 4
    *** Too many arguments for alias 't2'
    (tsdb) twice
    *** Not enough arguments for alias 'twice'
    (tsdb) twice 1 2
    *** Too many arguments for alias 'twice'
    (tsdb) alias bad p %2
    *** Replaceable parameters must be consecutive
    (tsdb) alias nosuch
    *** Unknown alias 'nosuch'
    (tsdb) unalias twice
    (tsdb) twice 1
    *** SyntaxError: Unexpected number
    (tsdb) unalias
    *** Argument is required for this command
           Usage: unalias name
    (tsdb) q
  `,
  );
});

test("commands: a breakpoint's command list runs at each hit; silent; continue inside; end", () => {
  check(
    "basic.cjs",
    ["b 11", "commands", "silent", "p [i, total]", "c", "b 13", "commands 2", "p total", "end", "commands 9", "c", "p n", "c"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b 11
    Breakpoint 1 at $DIR/basic.cjs:11
    (tsdb) commands
    (com) silent
    (com) p [i, total]
    (com) c
    (tsdb) b 13
    Breakpoint 2 at $DIR/basic.cjs:13
    (tsdb) commands 2
    (com) p total
    (com) end
    (tsdb) commands 9
    *** cannot set commands: Breakpoint number 9 out of range
    (tsdb) c
    [ 1, 0 ]
    [ 2, 1 ]
    [ 3, 3 ]
    [ 4, 6 ]
    10
    > $DIR/basic.cjs(13)sumTo()
    -> return total;
    (tsdb) p n
    4
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test("convenience variables: $_frame, $_retval, $_exception and the user's own", () => {
  check(
    "basic.cjs",
    [
      "$n = 5",
      "p $n + 1",
      "p $_frame.code.name, $_frame.lineno",
      "b 5",
      "c",
      "r",
      "p $_retval",
      "$n += $_retval",
      "p $n",
      "p $nosuch",
      "c",
    ],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) $n = 5
    (tsdb) p $n + 1
    6
    (tsdb) p $_frame.code.name, $_frame.lineno
    ('<module>', 1)
    (tsdb) b 5
    Breakpoint 1 at $DIR/basic.cjs:5
    (tsdb) c
    > $DIR/basic.cjs(5)square()
    -> return y;
    (tsdb) r
    --Return--
    > $DIR/basic.cjs(5)square()->9
    -> return y;
    (tsdb) p $_retval
    9
    (tsdb) $n += $_retval
    (tsdb) p $n
    14
    (tsdb) p $nosuch
    undefined
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
  const r = session("throws.js", ["c", "p $_exception.message", "q"]);
  assert.ok(r.out.includes("(tsdb) p $_exception.message\n'not a number: x'\n"), r.out);
});

test("debug: a recursive debugger steps through an expression", () => {
  check(
    "basic.cjs",
    ["n", "debug square(5)", "s", "s", "n", "p y", "c", "p typeof square", "q"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) n
    > $DIR/basic.cjs(16)<module>()
    -> const a = square(3);
    (tsdb) debug square(5)
    ENTERING RECURSIVE DEBUGGER
    > <string>(1)<module>()
    -> square(5)
    ((tsdb)) s
    --Call--
    > $DIR/basic.cjs(3)square()
    -> function square(x) {
    ((tsdb)) s
    > $DIR/basic.cjs(4)square()
    -> const y = x * x;
    ((tsdb)) n
    > $DIR/basic.cjs(5)square()
    -> return y;
    ((tsdb)) p y
    25
    ((tsdb)) c
    LEAVING RECURSIVE DEBUGGER
    (tsdb) p typeof square
    'function'
    (tsdb) q
  `,
  );
});

test("interact: a REPL in the frame's scope, statements over several lines, ended by end of input", () => {
  const r = session("basic.cjs", [
    "n",
    "n",
    "interact",
    "a * 2",
    "function f(v) {",
    "  return v + a;",
    "}",
    "f(1)",
    "let k = 5",
    "k + f(0)",
    "a = 4",
  ]);
  assert.fixture(
    r.out,
    transcript(`
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) n
    > $DIR/basic.cjs(16)<module>()
    -> const a = square(3);
    (tsdb) n
    > $DIR/basic.cjs(17)<module>()
    -> const b = sumTo(4);
    (tsdb) interact
    *tsdb interact start*
    >>> a * 2
    18
    >>> function f(v) {
    ...   return v + a;
    ... }
    >>> f(1)
    10
    >>> let k = 5
    >>> k + f(0)
    14
    >>> a = 4
    *** TypeError: Assignment to constant variable.
    >>> 
    *exit from tsdb interact command*
    (tsdb) 
  `),
  );
});

test("source: the source of a function", () => {
  check(
    "basic.cjs",
    ["n", "source square", "source lib.double", "source 1", "source Math.max", "q"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) n
    > $DIR/basic.cjs(16)<module>()
    -> const a = square(3);
    (tsdb) source square
      3  \tfunction square(x) {
      4  \t  const y = x * x;
      5  \t  return y;
      6  \t}
    (tsdb) source lib.double
      1  \tfunction double(v) {
      2  \t  const r = v * 2;
      3  \t  return r;
      4  \t}
    (tsdb) source 1
    *** source: a function or class was expected, got number
    (tsdb) source Math.max
    *** could not find the source of max: no single instrumented function of that name
    (tsdb) q
  `,
  );
});

test("exceptions: the chain of a post-mortem error (cause, AggregateError.errors)", () => {
  check(
    "chain.js",
    ["c", "exceptions", "exceptions 0", "exceptions 1", "w", "p name", "exceptions 4", "exceptions 9", "exceptions x", "q"],
    `
    > $DIR/chain.js(21)<module>()
    -> loadAll(["a", "b"]);
    (tsdb) c
    Uncaught exception. Entering post mortem debugging
    Running 'cont' or 'step' will end the program
    > $DIR/chain.js(18)loadAll()
    -> throw new AggregateError(errors, "nothing loaded");
    (tsdb) exceptions
        0 SyntaxError: Expected property name or '}' in JSON at position 1
        1 Error: cannot load a
        2 SyntaxError: Expected property name or '}' in JSON at position 1
        3 Error: cannot load b
    >   4 AggregateError: nothing loaded
    (tsdb) exceptions 0
    > $DIR/chain.js(3)load()
    -> JSON.parse(\`{\${name}\`);
    (tsdb) exceptions 1
    > $DIR/chain.js(5)load()
    -> throw new Error(\`cannot load \${name}\`, { cause: error });
    (tsdb) w
      $DIR/chain.js(13)loadAll()
    -> load(name);
    > $DIR/chain.js(5)load()
    -> throw new Error(\`cannot load \${name}\`, { cause: error });
    (tsdb) p name
    'a'
    (tsdb) exceptions 4
    > $DIR/chain.js(18)loadAll()
    -> throw new AggregateError(errors, "nothing loaded");
    (tsdb) exceptions 9
    *** No exception with that number
    (tsdb) exceptions x
    *** Argument must be an integer
    (tsdb) q
  `,
  );
  const r = session("basic.cjs", ["exceptions", "q"]);
  assert.ok(r.out.includes("(tsdb) exceptions\nDid not find chained exceptions."), r.out);
});

test("uncaught errors and p err show no frame of tsdb's own", () => {
  const r = session("crash.cjs", ["c", "p $_exception", "pp $_exception", "q"], { merge: true });
  assert.ok(r.out.includes("Error: boom\n    at boom ($DIR/crash.cjs:2:9)\n    at Object.<anonymous> ($DIR/crash.cjs:4:1)\n"), r.out);
  assert.ok(r.out.includes("(tsdb) p $_exception\nError: boom\n    at boom ($DIR/crash.cjs:2:9)\n"), r.out);
  assert.not.ok(r.out.includes("$ROOT/dist"), r.out);
  assert.not.ok(r.out.includes("executeUserEntryPoint"), r.out);
});

test("restart and run: the program runs again, breakpoints, commands, displays and aliases kept", () => {
  check(
    "basic.cjs",
    [
      "b 11",
      "commands",
      "p i",
      "end",
      "alias pt p total",
      "c",
      "display total",
      "restart",
      "b",
      "c",
      "pt",
      "run x 'y z'",
      "p process.argv.slice(2)",
      "q",
    ],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b 11
    Breakpoint 1 at $DIR/basic.cjs:11
    (tsdb) commands
    (com) p i
    (com) end
    (tsdb) alias pt p total
    (tsdb) c
    1
    > $DIR/basic.cjs(11)sumTo()
    -> total += i;
    (tsdb) display total
    display total: 0
    (tsdb) restart
    Restarting $DIR/basic.cjs with arguments:
    \t
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b
    Num Type         Disp Enb   Where
    1   breakpoint   keep yes   at $DIR/basic.cjs:11
    \tbreakpoint already hit 1 time
    (tsdb) c
    1
    > $DIR/basic.cjs(11)sumTo()
    -> total += i;
    display total: 0
    (tsdb) pt
    0
    (tsdb) run x 'y z'
    Restarting $DIR/basic.cjs with arguments:
    \tx y z
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) p process.argv.slice(2)
    [ 'x', 'y z' ]
    (tsdb) q
  `,
  );
});

test(".tsdbrc in the home and working directories runs at the first stop; another user's is not read", async () => {
  const homeDir = mkdtempSync(join(tmpdir(), "tsdb-home-"));
  const work = mkdtempSync(join(tmpdir(), "tsdb-work-"));
  writeFileSync(join(homeDir, ".tsdbrc"), "# comment\nalias two p 2\n");
  writeFileSync(join(work, ".tsdbrc"), "p 'from cwd'\n");
  writeFileSync(join(work, "app.js"), "const x = 1;\nconsole.log(x);\n");
  let r = session(join(work, "app.js"), ["two", "c"], { cwd: work, env: { HOME: homeDir } });
  assert.ok(r.out.startsWith("'from cwd'\n> "), r.out);
  assert.ok(r.out.includes("(tsdb) two\n2\n"), r.out);
  chmodSync(join(work, ".tsdbrc"), 0o666);
  r = session(join(work, "app.js"), ["c"], { cwd: work, env: { HOME: homeDir } });
  assert.ok(r.out.startsWith(`*** not reading ${work}/.tsdbrc: it is not private to you`), r.out);
  assert.not.ok(r.out.includes("from cwd"), r.out);
});

test("ES modules: the first stop is before the first module body runs (an import's)", () => {
  check(
    "esm-app.mjs",
    ["n", "b esm-app.mjs:4", "c", "p loadedAt", "c"],
    `
    > $DIR/esm-dep.mjs(1)<module>()
    -> export const loadedAt = [];
    (tsdb) n
    > $DIR/esm-dep.mjs(2)<module>()
    -> loadedAt.push("dep");
    (tsdb) b esm-app.mjs:4
    Breakpoint 1 at $DIR/esm-app.mjs:4
    (tsdb) c
    dep body runs
    > $DIR/esm-app.mjs(4)<module>()
    -> console.log(greet("app"), loadedAt.join(","));
    (tsdb) p loadedAt
    [ 'dep', 'app' ]
    (tsdb) c
    hello app dep,app
    The program finished with exit code 0
  `,
  );
});

test("piped commands leave the program the lines the debugger did not read", async () => {
  const r = session("readin.js", ["c", "line-a", "line-b"]);
  assert.ok(r.out.endsWith('(tsdb) c\ndone 2 "line-a\\nline-b\\n"\nThe program finished with exit code 0\n'), r.out);
});

test("jump says why not and what to do instead", () => {
  const r = session("basic.cjs", ["help jump", "q"]);
  assert.ok(r.out.includes("Usage: j(ump) lineno\n"), r.out);
  assert.ok(r.out.includes('Instead: "until lineno"'), r.out);
});

test("a breakpoint in a file tsdb does not instrument (node_modules) hits; loaded already: said at once, hits after restart", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-nm-"));
  mkdirSync(join(dir, "node_modules/lib"), { recursive: true });
  writeFileSync(join(dir, "app.js"), 'const lib = require("lib");\nconsole.log("sum", lib.add(1, 2));\n');
  writeFileSync(
    join(dir, "node_modules/lib/index.js"),
    "function add(a, b) {\n  const sum = a + b;\n  return sum;\n}\nmodule.exports = { add };\n",
  );
  const clean = (out) => out.split(dir).join("$TMP");
  let r = session(join(dir, "app.js"), ["b node_modules/lib/index.js:2", "c", "p a, b", "c"], { cwd: dir });
  assert.fixture(
    clean(r.out),
    transcript(`
    > $TMP/app.js(1)<module>()
    -> const lib = require("lib");
    (tsdb) b node_modules/lib/index.js:2
    Breakpoint 1 at $TMP/node_modules/lib/index.js:2
    (tsdb) c
    > $TMP/node_modules/lib/index.js(2)add()
    -> const sum = a + b;
    (tsdb) p a, b
    (1, 2)
    (tsdb) c
    sum 3
    The program finished with exit code 0
  `),
  );
  r = session(join(dir, "app.js"), ["n", "b node_modules/lib/index.js:2", "restart", "c", "q"], { cwd: dir });
  assert.fixture(
    clean(r.out),
    transcript(`
    > $TMP/app.js(1)<module>()
    -> const lib = require("lib");
    (tsdb) n
    > $TMP/app.js(2)<module>()
    -> console.log("sum", lib.add(1, 2));
    (tsdb) b node_modules/lib/index.js:2
    Breakpoint 1 at $TMP/node_modules/lib/index.js:2
    *** $TMP/node_modules/lib/index.js was loaded before the breakpoint was set, without instrumentation: the breakpoint cannot hit until the program loads it again ('restart')
    (tsdb) restart
    Restarting $TMP/app.js with arguments:
    \t
    > $TMP/app.js(1)<module>()
    -> const lib = require("lib");
    (tsdb) c
    > $TMP/node_modules/lib/index.js(2)add()
    -> const sum = a + b;
    (tsdb) q
  `),
  );
});

test("a breakpoint in an ES module of node_modules loaded already: said at once; after restart it hits", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-esm-nm-"));
  mkdirSync(join(dir, "node_modules/lib"), { recursive: true });
  writeFileSync(join(dir, "node_modules/lib/package.json"), JSON.stringify({ name: "lib", type: "module", main: "index.js" }));
  writeFileSync(join(dir, "node_modules/lib/index.js"), "export function add(a, b) {\n  const sum = a + b;\n  return sum;\n}\n");
  writeFileSync(join(dir, "app.mjs"), 'import { add } from "lib";\nconsole.log("sum", add(1, 2));\n');
  const r = session(join(dir, "app.mjs"), ["b node_modules/lib/index.js:2", "restart", "c", "p a, b", "q"], { cwd: dir });
  assert.fixture(
    r.out.split(dir).join("$TMP"),
    transcript(`
    > $TMP/app.mjs(2)<module>()
    -> console.log("sum", add(1, 2));
    (tsdb) b node_modules/lib/index.js:2
    Breakpoint 1 at $TMP/node_modules/lib/index.js:2
    *** $TMP/node_modules/lib/index.js was loaded before the breakpoint was set, without instrumentation: the breakpoint cannot hit until the program loads it again ('restart')
    (tsdb) restart
    Restarting $TMP/app.mjs with arguments:
    \t
    > $TMP/app.mjs(2)<module>()
    -> console.log("sum", add(1, 2));
    (tsdb) c
    > $TMP/node_modules/lib/index.js(2)add()
    -> const sum = a + b;
    (tsdb) p a, b
    (1, 2)
    (tsdb) q
  `),
  );
});

test("a script excluded by the include settings is said so, and instrumented all the same", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tsdb-ex-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ tsdb: { exclude: ["app.js"] } }));
  writeFileSync(join(dir, "app.js"), "const x = 1;\nconsole.log(x + 1);\n");
  const r = session(join(dir, "app.js"), ["n", "p x", "c"], { cwd: dir });
  assert.fixture(
    r.out.split(dir).join("$TMP"),
    transcript(`
    *** $TMP/app.js is outside the include/exclude settings (TSDB_INCLUDE, TSDB_EXCLUDE or "tsdb" in package.json): instrumenting it anyway, so that the debugger can stop in it
    > $TMP/app.js(1)<module>()
    -> const x = 1;
    (tsdb) n
    > $TMP/app.js(2)<module>()
    -> console.log(x + 1);
    (tsdb) p x
    1
    (tsdb) c
    2
    The program finished with exit code 0
  `),
  );
});

test("a TypeScript namespace file first stops in <module>, where next runs the namespace's body", () => {
  check(
    "namespace.ts",
    ["n", "p Geometry.unit", "c"],
    `
    > $DIR/namespace.ts(1)<module>()
    -> namespace Geometry {
    (tsdb) n
    > $DIR/namespace.ts(7)<module>()
    -> console.log(Geometry.area(2, 3));
    (tsdb) p Geometry.unit
    1
    (tsdb) c
    6
    The program finished with exit code 0
  `,
  );
});

test("an awaiting module top level is shown as <module>; an anonymous function, or a line that may be one, as <anonymous>", () => {
  check(
    "async-top.mjs",
    ["b 3", "c", "w", "c", "w", "c"],
    `
    > $DIR/async-top.mjs(5)<module>()
    -> const wrap = async () => (await fetchValue()) + 1;
    (tsdb) b 3
    Breakpoint 1 at $DIR/async-top.mjs:3
    (tsdb) c
    > $DIR/async-top.mjs(3)fetchValue()
    -> return 42;
    (tsdb) w
      $DIR/async-top.mjs(6)<module>() [awaiting]
    -> console.log("result", await wrap());
      $DIR/async-top.mjs(5)wrap() [awaiting]
    -> const wrap = async () => (await fetchValue()) + 1;
    > $DIR/async-top.mjs(3)fetchValue()
    -> return 42;
    (tsdb) c
    result 43
    > $DIR/async-top.mjs(3)fetchValue()
    -> return 42;
    (tsdb) w
      $DIR/async-top.mjs(7)<anonymous>() [awaiting]
    -> console.log("again", await (async () => await fetchValue())());
      $DIR/async-top.mjs(7)<anonymous>() [awaiting]
    -> console.log("again", await (async () => await fetchValue())());
    > $DIR/async-top.mjs(3)fetchValue()
    -> return 42;
    (tsdb) c
    again 42
    The program finished with exit code 0
  `,
  );
});

test("where shows the functions awaiting an async function resumed by the event loop, marked [awaiting]", () => {
  check(
    "async-callers.mjs",
    ["b 7", "c", "w", "w 1", "up", "c"],
    `
    > $DIR/async-callers.mjs(19)<module>()
    -> main();
    (tsdb) b 7
    Breakpoint 1 at $DIR/async-callers.mjs:7
    (tsdb) c
    > $DIR/async-callers.mjs(7)fetchValue()
    -> return 42;
    (tsdb) w
      $DIR/async-callers.mjs(16)main() [awaiting]
    -> console.log("result", await compute());
      $DIR/async-callers.mjs(11)compute() [awaiting]
    -> const value = await fetchValue();
    > $DIR/async-callers.mjs(7)fetchValue()
    -> return 42;
    (tsdb) w 1
    > $DIR/async-callers.mjs(7)fetchValue()
    -> return 42;
    (tsdb) up
    *** Oldest frame
    (tsdb) c
    result 43
    The program finished with exit code 0
  `,
  );
});

test("a block binding that shadows an outer one: next steps over it; before its declaration it is in its TDZ, in every frame", () => {
  check(
    "shadow.mjs",
    ["n", "p kind", "s", "n", "p kind", "n", "p kind", "up", "p kind", "down", "n", "p kind", "c"],
    `
    > $DIR/shadow.mjs(8)<module>()
    -> let kind = "module";
    (tsdb) n
    > $DIR/shadow.mjs(10)<module>()
    -> let kind = pick();
    (tsdb) p kind
    *** ReferenceError: Cannot access 'kind' before initialization
    (tsdb) s
    --Call--
    > $DIR/shadow.mjs(1)pick()
    -> function pick() {
    (tsdb) n
    > $DIR/shadow.mjs(2)pick()
    -> let kind = "outer";
    (tsdb) p kind
    *** ReferenceError: Cannot access 'kind' before initialization
    (tsdb) n
    > $DIR/shadow.mjs(4)pick()
    -> let kind = "inner";
    (tsdb) p kind
    *** ReferenceError: Cannot access 'kind' before initialization
    (tsdb) up
    > $DIR/shadow.mjs(10)<module>()
    -> let kind = pick();
    (tsdb) p kind
    *** ReferenceError: Cannot access 'kind' before initialization
    (tsdb) down
    > $DIR/shadow.mjs(4)pick()
    -> let kind = "inner";
    (tsdb) n
    > $DIR/shadow.mjs(5)pick()
    -> return kind;
    (tsdb) p kind
    'inner'
    (tsdb) c
    inner
    module
    The program finished with exit code 0
  `,
  );
});

test("up in a callee: a caller's variables current (changed by a closure, the loop head's v on the call's line), writes seen by the program", () => {
  check(
    "frames.mjs",
    ["b 2", "c", "up", "p t", "p v", "p arguments.length", "p this", "x = 500", "t = 30", "c", "c"],
    `
    > $DIR/frames.mjs(16)<module>()
    -> console.log(tally([1, 2]));
    (tsdb) b 2
    Breakpoint 1 at $DIR/frames.mjs:2
    (tsdb) c
    > $DIR/frames.mjs(2)check()
    -> return v > 1;
    (tsdb) up
    > $DIR/frames.mjs(12)tally()
    -> for (const v of values) ok.push(check(v));
    (tsdb) p t
    3
    (tsdb) p v
    1
    (tsdb) p arguments.length
    1
    (tsdb) p this
    *** ReferenceError: this is not known here
    (tsdb) x = 500
    (tsdb) t = 30
    (tsdb) c
    > $DIR/frames.mjs(2)check()
    -> return v > 1;
    (tsdb) c
    x is 500
    [ 30, [ false, true ], 500, 1 ]
    The program finished with exit code 0
  `,
  );
});

test("post-mortem in CommonJS: the frames' variables, and the module's require, module, exports, __filename, __dirname", () => {
  check(
    "frames.cjs",
    ["c", "p doubled", "up", "p limit", "p typeof require", "p module.exports === exports", "p __filename", "p typeof __dirname", "q"],
    `
    > $DIR/frames.cjs(5)<module>()
    -> const limit = 3;
    (tsdb) c
    Uncaught exception. Entering post mortem debugging
    Running 'cont' or 'step' will end the program
    > $DIR/frames.cjs(3)fail()
    -> throw new Error("doubled is " + doubled);
    (tsdb) p doubled
    6
    (tsdb) up
    > $DIR/frames.cjs(6)<module>()
    -> fail(limit);
    (tsdb) p limit
    3
    (tsdb) p typeof require
    'function'
    (tsdb) p module.exports === exports
    true
    (tsdb) p __filename
    '$DIR/frames.cjs'
    (tsdb) p typeof __dirname
    'string'
    (tsdb) q
  `,
  );
});

test("a program that changes the built-ins: the debugger's listings and commands work as before; what it evaluates and formats sees the program's", () => {
  check(
    "patched.mjs",
    ["b add", "c", "w", "n", `p total, "  x ".trim(), [1, 2].join(), "push" in [], {}.extra, shown`, "c"],
    `
    > $DIR/patched.mjs(2)<module>()
    -> String.prototype.trim = function () { return "TRIMMED"; };
    (tsdb) b add
    Breakpoint 1 at $DIR/patched.mjs:11
    (tsdb) c
    > $DIR/patched.mjs(11)add()
    -> const total = x + y;
    (tsdb) w
      $DIR/patched.mjs(14)<module>()
    -> const a = add(1, 2);
    > $DIR/patched.mjs(11)add()
    -> const total = x + y;
    (tsdb) n
    > $DIR/patched.mjs(12)add()
    -> return total;
    (tsdb) p total, "  x ".trim(), [1, 2].join(), "push" in [], {}.extra, shown
    (3, 'TRIMMED', 'JOINED', false, 'polluted', JOINED)
    (tsdb) c
    3 TRIMMED PREPARED
    The program finished with exit code 0
  `,
  );
});

test("a built-in the program made throw for good breaks the debugger: it says so and lets the program run on, unchanged", () => {
  const r = check(
    "frozen.mjs",
    ["n", "n", "p n"],
    `
    > $DIR/frozen.mjs(2)<module>()
    -> const before = "a\\r".replace(/\\r$/, "");
    (tsdb) n
    > $DIR/frozen.mjs(3)<module>()
    -> Object.defineProperty(String.prototype, "replace", {
    (tsdb) n
    *** tsdb failed at this stop (Error: the program's replace): the program goes on without the debugger
    a 1
    The program finished with exit code 0
  `,
  );
  assert.is(r.status, 0);
  assert.is(r.err, "");
});

test("a program that leaves a built-in deleted: tsdb's own work at exit (its code cache) fails quietly, the exit code is the program's", () => {
  const cache = mkdtempSync(join(tmpdir(), "tsdb-cache-"));
  const r = session("no-push.mjs", ["c"], { env: { TSDB_CACHE_DIR: cache } });
  assert.is(
    r.out,
    transcript(`
    > $DIR/no-push.mjs(2)<module>()
    -> delete Array.prototype.push;
    (tsdb) c
    false
    The program finished with exit code 0
  `),
  );
  assert.is(r.err, "");
  assert.is(r.status, 0);
});

test("quit at a stop: the program's exit handlers run with its own built-ins", () => {
  check(
    "exit-handler.mjs",
    ["n", "n", "q"],
    `
    > $DIR/exit-handler.mjs(2)<module>()
    -> String.prototype.trim = () => "TRIMMED";
    (tsdb) n
    > $DIR/exit-handler.mjs(3)<module>()
    -> process.on("exit", () => console.log("exit handler:", " a ".trim()));
    (tsdb) n
    > $DIR/exit-handler.mjs(4)<module>()
    -> let n = 1;
    (tsdb) q
    exit handler: TRIMMED
  `,
  );
});

test("a return value's inspect method runs with the program's built-ins in the stop's location line and in where", () => {
  check(
    "returns-shown.mjs",
    ["n", "s", "n", "n", "w", "c"],
    `
    > $DIR/returns-shown.mjs(2)<module>()
    -> Array.prototype.join = function () { return "JOINED"; };
    (tsdb) n
    > $DIR/returns-shown.mjs(6)<module>()
    -> const made = make();
    (tsdb) s
    --Call--
    > $DIR/returns-shown.mjs(3)make()
    -> function make() {
    (tsdb) n
    > $DIR/returns-shown.mjs(4)make()
    -> return { [Symbol.for("nodejs.util.inspect.custom")]: () => [1, 2].join() };
    (tsdb) n
    --Return--
    > $DIR/returns-shown.mjs(4)make()->JOINED
    -> return { [Symbol.for("nodejs.util.inspect.custom")]: () => [1, 2].join() };
    (tsdb) w
      $DIR/returns-shown.mjs(6)<module>()
    -> const made = make();
    > $DIR/returns-shown.mjs(4)make()->JOINED
    -> return { [Symbol.for("nodejs.util.inspect.custom")]: () => [1, 2].join() };
    (tsdb) c
    The program finished with exit code 0
  `,
  );
});

test("a breakpoint in a file of tsdb's own (its dependencies) is set, and the debugger says it cannot hit", () => {
  check(
    "basic.cjs",
    [`b ${join(root, "node_modules/uvu/dist/index.js")}:1`, "c"],
    `
    > $DIR/basic.cjs(1)<module>()
    -> const lib = require("./lib.cjs");
    (tsdb) b $ROOT/node_modules/uvu/dist/index.js:1
    Breakpoint 1 at $ROOT/node_modules/uvu/dist/index.js:1
    *** $ROOT/node_modules/uvu/dist/index.js is part of tsdb (its build or its dependencies), which it never instruments: the breakpoint cannot hit
    (tsdb) c
    result 9 10 38
    The program finished with exit code 0
  `,
  );
});

test.run();
