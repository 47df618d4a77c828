// `npm run suites -- <dir> [--only=a,b] [--modes=…] [--report=…]`: real
// libraries' own test suites (conformance/suites/list.mjs), each run plain and
// instrumented through `node --import tsdb/register` in each tracing mode,
// compared test by test (TAP). `<dir>/<name>` holds each library's checkout
// with its dev dependencies installed (no network is used here). A run longer
// than --limit seconds (default 600) is stopped: its tests not reached count as
// "not reached", which is slowness, not a difference.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compareTap, parseTap } from "./suites/tap.mjs";
import { SUITES } from "./suites/list.mjs";
import { writeSuitesReport } from "./suites/report.mjs";

const MODES = ["untraced", "traced", "bdb"];
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    only: { type: "string" },
    modes: { type: "string", default: MODES.join(",") },
    report: { type: "string", default: "conformance/report/suites" },
    limit: { type: "string", default: "600" },
  },
});
if (positionals.length !== 1) {
  console.error(
    "usage: npm run suites -- <directory holding the libraries' checkouts> [--only=name,…] [--modes=untraced,traced,bdb] [--report=…]",
  );
  process.exit(2);
}
const dir = resolve(positionals[0]);
const modes = values.modes.split(",");
for (const mode of modes) if (!MODES.includes(mode)) throw new Error(`unknown mode ${mode} (modes: ${MODES.join(", ")})`);
const registerUrl = new URL(import.meta.resolve("tsdb/register")).href;
const modeFile = fileURLToPath(new URL("./suites/mode.mjs", import.meta.url));
const limit = Number(values.limit) * 1000;
const scratch = mkdtempSync(join(tmpdir(), "tsdb-suites-"));

function run(suite, cwd, mode) {
  const started = Date.now();
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" };
  let args = suite.command;
  let stats = null;
  if (mode !== "plain") {
    const out = join(scratch, `${suite.name}-${mode}.json`);
    Object.assign(env, {
      TSDB_INCLUDE: suite.include.join(","),
      TSDB_CONFORMANCE_MODE: mode,
      TSDB_CONFORMANCE_OUT: out,
      TSDB_CACHE_DIR: join(scratch, "cache"),
    });
    args = ["--import", registerUrl, "--import", modeFile, ...args];
    const result = spawnSync(process.execPath, args, {
      cwd,
      env,
      encoding: "utf8",
      maxBuffer: 1 << 28,
      timeout: limit,
      killSignal: "SIGKILL",
    });
    if (existsSync(out)) stats = JSON.parse(readFileSync(out, "utf8"));
    return { ...result, stats, seconds: (Date.now() - started) / 1000 };
  }
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: "utf8", maxBuffer: 1 << 28 });
  return { ...result, stats, seconds: (Date.now() - started) / 1000 };
}

const results = [];
for (const suite of SUITES) {
  if (values.only && !values.only.split(",").includes(suite.name)) continue;
  const cwd = join(dir, suite.name);
  if (!existsSync(join(cwd, "node_modules"))) {
    console.error(`${suite.name}: no checkout with node_modules in ${cwd} (fetch ${suite.repo}, then npm install --ignore-scripts there)`);
    process.exitCode = 1;
    continue;
  }
  if (suite.setup) spawnSync(suite.setup[0], suite.setup.slice(1), { cwd, stdio: "ignore" });
  const plain = run(suite, cwd, "plain");
  const reference = parseTap(plain.stdout);
  const entry = {
    name: suite.name,
    repo: suite.repo,
    plain: { status: plain.status, seconds: plain.seconds, ...reference.counts },
    modes: {},
  };
  process.stderr.write(`${suite.name}: plain ${reference.counts.pass} pass, ${reference.counts.fail} fail (${plain.seconds} s)\n`);
  for (const mode of modes) {
    const got = run(suite, cwd, mode);
    const tap = parseTap(got.stdout);
    const stopped = got.signal === "SIGKILL";
    const differences = compareTap(reference, tap, suite.timing ?? [], stopped);
    entry.modes[mode] = {
      status: stopped ? `stopped after ${values.limit} s` : got.status,
      notReached: stopped ? reference.tests.size - tap.tests.size : 0,
      seconds: got.seconds,
      ...tap.counts,
      files: got.stats?.files ?? 0,
      events: got.stats?.events ?? 0,
      generatedNamesInLocals: got.stats?.generated ?? [],
      differences,
      stderr: got.status !== plain.status ? String(got.stderr).slice(-2000) : undefined,
    };
    process.stderr.write(
      `${suite.name}: ${mode} ${tap.counts.pass} pass, ${tap.counts.fail} fail, ${differences.length} difference(s), ${got.stats?.files ?? 0} files instrumented (${got.seconds} s)\n`,
    );
  }
  results.push(entry);
}
rmSync(scratch, { recursive: true, force: true });
writeSuitesReport(resolve(values.report), results, modes);
process.stdout.write(`report: ${values.report}.md and .json\n`);
