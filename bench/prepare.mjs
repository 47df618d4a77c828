// Before measuring: a snapshot of dist/ (other people rebuild dist/ while the
// bench runs; every child must see the same build), and instrumented copies of
// the workloads in bench/.work/, compiled against that snapshot's runtime.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

function snapshotDist(root, workDir) {
  const src = join(root, "dist");
  const dst = join(workDir, "dist");
  for (let attempt = 0; ; attempt++) {
    try {
      if (!existsSync(join(src, "index.js")) || !existsSync(join(src, "runtime/index.js")) || !existsSync(join(src, "compiler/index.js"))) {
        throw new Error("dist/ is incomplete (run `node build.mjs`)");
      }
      rmSync(dst, { recursive: true, force: true });
      cpSync(src, dst, { recursive: true });
      // A build that was running while we copied leaves a partial tree: check again.
      createRequire(join(dst, "x.js"))("./index.js");
      return dst;
    } catch (error) {
      if (attempt >= 5) throw error;
      const until = Date.now() + 1000;
      while (Date.now() < until);
    }
  }
}

function lineOf(text, re, offset = 0) {
  const i = text.split("\n").findIndex((l) => re.test(l));
  if (i < 0) throw new Error(`no line matching ${re}`);
  return i + 1 + offset;
}

/**
 * Returns { dist, breakpoints } where breakpoints maps a workload (and
 * "other") to [filename, line] of a line that holds code and never runs.
 */
export function prepare({ root, workDir, workloadsDir, workloads }) {
  mkdirSync(workDir, { recursive: true });
  const dist = snapshotDist(root, workDir);
  const require = createRequire(join(dist, "x.js"));
  const { instrument } = require("./compiler/index.js");
  const runtime = join(dist, "runtime/internal.js");
  const breakpoints = {};

  const compile = (from, to) => {
    const code = readFileSync(from, "utf8");
    const out = instrument(code, { filename: from, sourceMaps: "none", sourceType: "commonjs", runtime }).code;
    writeFileSync(to, out);
    return code;
  };

  compile(join(workloadsDir, "driver.cjs"), join(workDir, "driver.cjs"));
  const other = join(workloadsDir, "other.cjs");
  breakpoints.other = [other, lineOf(compile(other, join(workDir, "other.cjs")), /return 42/)];
  for (const w of workloads) {
    if (w === "acorn") {
      const file = join(root, "node_modules/acorn/dist/acorn.js");
      const text = compile(file, join(workDir, "acorn.cjs"));
      // The first line of Parser.prototype.raise: parsing a valid file never gets there.
      breakpoints.acorn = [file, lineOf(text, /\.raise = function\(pos, message\) \{/, 1)];
    } else {
      const file = join(workloadsDir, `${w}.cjs`);
      breakpoints[w] = [file, lineOf(compile(file, join(workDir, `${w}.cjs`)), /return 42/)];
    }
  }
  return { dist, breakpoints };
}
