// `npm run test262 -- <test262 checkout> [options]`: every test of
// test/language run plain and instrumented, in each tracing mode, in fresh
// realms on a pool of processes; writes a JSON and a Markdown report and
// prints the counts. Options:
//   --modes=plain,untraced,traced,bdb   (plain always runs: it is the reference)
//   --dir=test/language   --filter=REGEX   --every=N (a sample: every Nth file)   --jobs=N   --timeout=MS
//   --report=conformance/report/test262   (writes .json and .md; each run as it ends in .runs.jsonl)
//   --once     a test without strictness flags runs sloppy only (INTERPRETING.md asks for both)
//   --resume   keep the runs already in .runs.jsonl (same modes), make the others
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { MODES, runTests } from "./test262/pool.mjs";
import { markdown, summarize, writeReport } from "./test262/report.mjs";
import { listTests } from "./test262/tests.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    modes: { type: "string", default: MODES.join(",") },
    dir: { type: "string", default: "test/language" },
    filter: { type: "string" },
    every: { type: "string", default: "1" },
    jobs: { type: "string" },
    timeout: { type: "string", default: "10000" },
    report: { type: "string", default: "conformance/report/test262" },
    once: { type: "boolean", default: false },
    // how instrumented code is printed: compact (what tsdb/register and tsdb-instrument run) or readable (instrument()'s default)
    print: { type: "string", default: "compact" },
    resume: { type: "boolean", default: false },
  },
});
if (positionals.length !== 1) {
  console.error(
    "usage: npm run test262 -- <path to a tc39/test262 checkout> [--modes=…] [--dir=…] [--filter=…] [--every=N] [--jobs=N] [--timeout=MS] [--print=compact|readable] [--report=…]",
  );
  process.exit(2);
}
if (values.print !== "compact" && values.print !== "readable") {
  console.error(`--print=${values.print}: compact or readable`);
  process.exit(2);
}
const root = resolve(positionals[0]);
if (!existsSync(join(root, "harness/assert.js")) || !existsSync(join(root, values.dir))) {
  console.error(`${root}: not a test262 checkout (no harness/assert.js or ${values.dir})`);
  process.exit(2);
}
const modes = ["plain", ...values.modes.split(",").filter((m) => m !== "plain")];
for (const mode of modes) if (!MODES.includes(mode)) throw new Error(`unknown mode ${mode} (modes: ${MODES.join(", ")})`);
let files = listTests(root, values.dir);
if (values.filter) files = files.filter((f) => new RegExp(values.filter).test(f));
const every = Number(values.every);
if (!(Number.isInteger(every) && every >= 1)) throw new Error(`--every must be a positive integer, not ${values.every}`);
files = files.filter((_, i) => i % every === 0);

const journal = `${resolve(values.report)}.runs.jsonl`;
mkdirSync(dirname(journal), { recursive: true });
const done =
  values.resume && existsSync(journal)
    ? readFileSync(journal, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
if (!values.resume) writeFileSync(journal, "");
const started = Date.now();
let last = 0;
const result = await runTests({
  root,
  files,
  modes,
  jobs: values.jobs ? Number(values.jobs) : undefined,
  timeout: Number(values.timeout),
  once: values.once,
  compact: values.print === "compact",
  done,
  onRun: (run) => appendFileSync(journal, JSON.stringify(run) + "\n"),
  onProgress(done, total) {
    if (Date.now() - last > 10000 || done === total) {
      last = Date.now();
      process.stderr.write(`${done}/${total} runs, ${Math.round((Date.now() - started) / 1000)} s\n`);
    }
  },
});
let commit = "unknown";
try {
  commit = execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
} catch {}
const summary = summarize(result, modes);
const meta = {
  test262: commit,
  node: process.version,
  directory:
    values.dir +
    (values.filter ? ` (filter ${values.filter})` : "") +
    (every > 1 ? `, every ${every}th file` : "") +
    (values.once ? ", tests without strictness flags sloppy only" : ""),
  seconds: Math.round((Date.now() - started) / 1000),
};
writeReport(resolve(values.report), summary, { title: "test262, plain vs instrumented", modes, meta });
process.stdout.write(markdown(summary, { title: "test262, plain vs instrumented", modes, meta }).split("\n## ")[0]);
process.stdout.write(`\nreport: ${values.report}.md and .json\n`);
