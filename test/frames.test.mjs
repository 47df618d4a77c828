// Frames that tell the truth (SPEC §2, `Frame.locals`): what every frame on the stack shows, and
// that looking never changes the program.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { traceRun } from "./helpers/run.mjs";

/** A trace function's local part that reads every frame's locals (and each value) at every event. */
function readEveryFrame(frame) {
  for (let f = frame; f !== null; f = f.back) for (const name of Object.keys(f.locals)) void f.locals[name];
}

// A block binding that shadows an outer one is in its TDZ before its declaration: a site there must
// not read it (as the outer binding's name) nor write back into it.
const shadowing = {
  "a function's block": `export function run() {
  let kind = "outer";
  {
    let kind = "inner";
    return kind;
  }
}`,
  "a for...of body": `export function run() {
  let v = "outer";
  const seen = [];
  for (const x of ["a", "b"]) {
    let v = x;
    seen.push(v);
  }
  return seen.join("") + v;
}`,
  "a for...of body shadowing its own head": `export function run() {
  const seen = [];
  for (let x of ["a", "b"]) {
    seen.push(x);
    let x2 = x;
    {
      let x = x2 + "!";
      seen.push(x);
    }
  }
  return seen.join("");
}`,
  "a catch body": `export function run() {
  let e = "outer";
  try {
    throw "thrown";
  } catch (err) {
    let e = err;
    return e;
  }
}`,
  "a switch case": `export function run(n) {
  let kind = "outer";
  switch (n) {
    case 1:
      kind = kind + "!";
      let kind2 = kind;
      return kind2;
  }
}`,
  "module top level": `let kind = "outer";
let result;
{
  let kind = "inner";
  result = kind;
}
export function run() {
  return result + kind;
}`,
};

const expected = {
  "a function's block": "inner",
  "a for...of body": "abouter",
  "a for...of body shadowing its own head": "aa!bb!",
  "a catch body": "thrown",
  "a switch case": "outer!",
  "module top level": "innerouter",
};

for (const [name, source] of Object.entries(shadowing)) {
  test(`a shadowing block binding in ${name}: the program runs as written under a trace function`, async () => {
    const { exports, error } = await traceRun(source, "shadow.mjs", {
      local: (frame) => readEveryFrame(frame),
      after: (m) => assert.is(m.run(1), expected[name]),
    });
    assert.is(error, undefined);
    assert.is(exports.run(1), expected[name]);
  });
}

test("a shadowing block binding: before its declaration the frame shows neither it nor the outer one", async () => {
  const seen = [];
  await traceRun(shadowing["a function's block"], "shadow.mjs", {
    local: (frame, event) => {
      if (frame.code.name === "run" && event === "line") seen.push([frame.lineno, frame.locals.kind, "kind" in frame.locals]);
    },
    after: (m) => m.run(),
  });
  assert.equal(seen, [
    [2, undefined, false],
    [4, undefined, false],
    [5, "inner", true],
  ]);
});
test.run();
