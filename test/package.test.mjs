// The package as people install it: `npm pack` from a fresh checkout builds and ships dist,
// declarations, README, LICENSE and docs; a TypeScript consumer (moduleResolution node16 and
// bundler) type-checks a Bdb subclass; an older Node gets a clear message.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { cleanup, cli, node, registerCJS, registerESM, root, sandbox } from "./fixtures/register/harness.mjs";
import { tempDir } from "./helpers/system.mjs";

const require_ = createRequire(import.meta.url);

const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 300_000, env: { ...process.env, npm_config_update_notifier: "false" } });
  assert.is(r.status, 0, `${cmd} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

test("npm pack from a fresh checkout: built, with declarations, README, LICENSE, docs; a TypeScript consumer type-checks", () => {
  const work = tempDir("tsdb-pack");
  try {
    // A fresh checkout: the files git knows (committed or not, ignored ones left out), no dist.
    const checkout = join(work, "tsdb");
    const files = run("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], root).split("\0").filter(Boolean);
    for (const file of files) if (existsSync(join(root, file))) cpSync(join(root, file), join(checkout, file));
    assert.not.ok(existsSync(join(checkout, "dist")));
    symlinkSync(join(root, "node_modules"), join(checkout, "node_modules"), "dir");
    const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], checkout));
    const shipped = new Set(packed.files.map((f) => f.path));
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const wanted = [
      "package.json",
      "README.md",
      "LICENSE",
      "dist/index.js",
      "dist/index.mjs",
      "dist/bin/tsdb.js",
      "dist/bin/tsdb-instrument.js",
    ];
    for (const entry of Object.values(pkg.exports))
      if (typeof entry === "object") wanted.push(...Object.values(entry).map((p) => p.slice(2)));
    for (const file of wanted) assert.ok(shipped.has(file), `${file} is shipped`);
    for (const entry of Object.values(pkg.exports))
      if (typeof entry === "object") assert.ok(entry.types, "a types condition for every entry point");
    assert.ok(
      [...shipped].some((f) => f.startsWith("docs/")),
      "docs ship",
    );
    assert.not.ok([...shipped].some((f) => f.startsWith("test/") || (f.startsWith("bench/") && !f.endsWith(".md"))));
    // README links to files of the repository only where they ship.
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const [, target] of readme.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g))
      assert.ok(shipped.has(target.replace(/^\.\//, "")), `README links ${target}, which ships`);

    // A consumer with the packed tarball installed.
    const consumer = join(work, "consumer");
    mkdirSync(join(consumer, "node_modules/tsdb"), { recursive: true });
    run("tar", ["-xzf", join(work, packed.filename), "-C", join(consumer, "node_modules/tsdb"), "--strip-components=1"], work);
    // Only what a consumer has: @types/node, none of tsdb's devDependencies.
    mkdirSync(join(consumer, "node_modules/@types"));
    symlinkSync(join(root, "node_modules/@types/node"), join(consumer, "node_modules/@types/node"), "dir");
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", type: "module" }));
    writeFileSync(
      join(consumer, "debugger.ts"),
      `import { Bdb, type Frame } from "tsdb";
import { getline, settrace } from "tsdb/runtime";
import { register } from "tsdb/register";

export class LineLogger extends Bdb {
  override userLine(frame: Frame): void {
    console.log(frame.code.filename, frame.lineno, getline(frame.code.filename, frame.lineno));
    this.setContinue();
  }
}
const unregister: () => void = register({ cache: false });
settrace(null);
unregister();
`,
    );
    const tsc = join(root, "node_modules/typescript/bin/tsc");
    for (const [module, resolution] of [
      ["node16", "node16"],
      ["esnext", "bundler"],
    ]) {
      const options = {
        module,
        moduleResolution: resolution,
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ["node"],
        target: "es2022",
      };
      writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["debugger.ts"] }));
      const r = spawnSync(process.execPath, [tsc, "-p", "."], { cwd: consumer, encoding: "utf8" });
      assert.is(r.status, 0, `moduleResolution ${resolution}:\n${r.stdout}${r.stderr}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test("engines says >=20.6 (module.register, the ES module hook); an older Node gets a clear message", () => {
  const { unsupportedNode, MINIMUM_NODE } = require_(join(root, "dist/common/node-version.js"));
  assert.is(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines.node, `>=${MINIMUM_NODE.replace(/\.0$/, "")}`);
  assert.is(unsupportedNode("20.6.0"), null);
  assert.is(unsupportedNode("22.1.0"), null);
  assert.match(unsupportedNode("20.5.1"), "tsdb needs Node.js 20.6.0 or later (this is 20.5.1)");
  assert.match(unsupportedNode("18.19.0"), "this is 18.19.0");
  // A Node that says it is 20.5.1: register and the commands stop with that message only.
  const dir = sandbox();
  writeFileSync(join(dir, "old.cjs"), 'Object.defineProperty(process.versions, "node", { value: "20.5.1" });\n');
  writeFileSync(join(dir, "app.cjs"), "console.log('ran');\n");
  for (const args of [
    ["--require", "./old.cjs", "--require", registerCJS, "app.cjs"],
    ["--require", "./old.cjs", "--import", registerESM, "app.cjs"],
    ["--require", "./old.cjs", cli, "app.cjs"],
  ]) {
    const r = node(args, { cwd: dir });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, "tsdb needs Node.js 20.6.0 or later (this is 20.5.1)");
    assert.not.match(r.stdout, "ran");
    assert.not.match(r.stderr, "    at ");
  }
});

test.after(cleanup);

test.run();
