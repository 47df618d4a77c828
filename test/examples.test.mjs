// The README's library example runs as the README says.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "./helpers/run.mjs";

test("examples/line-tracer.mjs prints what the README shows", () => {
  const r = spawnSync(process.execPath, [join(root, "examples/line-tracer.mjs")], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  assert.is(
    r.stdout,
    [
      "<string>(5)<module>(): const area = square(4);",
      "call square(x)",
      "<string>(2)square(): const y = x * x;",
      "<string>(3)square(): return y;",
      "return 16",
      "return undefined",
      "",
    ].join("\n"),
  );
});

test.run();
