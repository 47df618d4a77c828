// Programs run under tsdb's Bdb and, as their Python twins, under CPython
// 3.11's bdb (same line layout, same actions at each stop). The expected
// logs are what Python printed; where the languages differ, a comment says so.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { instrumentToFile, load } from "./helpers/run.mjs";
import { Recorder, cleanup } from "./helpers/bdb-recorder.mjs";

const Twins = suite("bdb: Python twins");
Twins.after.each(cleanup);

const steps = (n) => Array(n).fill("step");

Twins("exception raised in a callee and caught in the caller", async () => {
  // def inner(x):          def main():
  //     if x:                  try:
  //         raise ValueError(x)    inner(1)
  //     return 0               except ValueError:
  //                                pass
  //                            return 2
  const { out } = instrumentToFile(
    `function inner(x) {
  if (x)
    throw new Error(x);
  return 0; }

export function main() {
  try {
    inner(1);
  } catch (e) {
    e; }
  return 2; }
`,
    "twin-exc.mjs",
  );
  const { main } = await load(out);
  const run = (actions) => {
    const db = new Recorder(actions);
    db.runcall(main);
    cleanup();
    return db.log;
  };
  // Python also reports 'line main 9' (the `except` clause); JavaScript's
  // `catch (e) {` holds no statement.
  assert.equal(run(steps(20)), [
    "line main 7",
    "line main 8",
    "call inner 1",
    "line inner 2",
    "line inner 3",
    "exception inner 3",
    "return inner 3",
    "exception main 8",
    "line main 10",
    "line main 11",
    "return main 11",
  ]);
  assert.equal(run(["step", "step", "next", "next", "next", "next", "next", "next", "next", "next", "next"]), [
    "line main 7",
    "line main 8",
    "call inner 1",
    "line inner 2",
    "line inner 3",
    "exception inner 3",
    "return inner 3",
    "exception main 8",
    "line main 10",
    "line main 11",
    "return main 11",
  ]);
  assert.equal(run(["step", "step", "step", "step", "return", "step", "step", "step"]), [
    "line main 7",
    "line main 8",
    "call inner 1",
    "line inner 2",
    "line inner 3",
    "return inner 3",
    "exception main 8",
    "line main 10",
    "line main 11",
  ]);
});

Twins("until in a loop", async () => {
  const { out } = instrumentToFile(
    `export function main() {
  let s = 0;
  for (let i = 0; i < 3; i++)
    s += i;
  s += 10;
  return s; }
`,
    "twin-until.mjs",
  );
  const { main } = await load(out);
  for (const actions of [
    ["step", "step", "step", "until", "until", "until", "continue"],
    ["step", "step", "step", "step", "until", "step", "continue"],
  ]) {
    const db = new Recorder(actions);
    assert.is(db.runcall(main), 13);
    cleanup();
    assert.equal(db.log, ["line main 2", "line main 3", "line main 4", "line main 3", "line main 4", "line main 5", "line main 6"]);
  }
});

Twins.run();
