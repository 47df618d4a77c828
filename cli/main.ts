/**
 * `tsdb-instrument`: instruments files and trees ahead of time.
 *
 *     tsdb-instrument src --out-dir build        a tree, layout kept
 *     tsdb-instrument app.ts --out-file app.js   one file
 *     tsdb-instrument app.ts                     one file to stdout
 *     tsdb-instrument < app.js > app.out.js      stdin to stdout
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { minimatch } from "minimatch";
import { type WriteError, writeFileAtomic } from "../common/atomic-write.js";
import { tsdbVersion } from "../common/package.js";
import { extensionFormat, isSourceFile, outputName, packageType, sourceTypeOf } from "../common/source-kinds.js";
import { type InstrumentOptions, instrument, InstrumentError, type InstrumentResult, type SourceMap } from "../compiler/instrument.js";
import { InstrumentPool, replyError } from "../compiler/threads.js";
import { availableParallelism } from "node:os";
import { isInstrumented } from "../contract/index.js";

const USAGE = `Usage: tsdb-instrument [options] [<file|dir>...]

Instruments JavaScript and TypeScript for tsdb. With no file, reads standard
input and writes standard output. A directory is walked (node_modules and
.git skipped) and written under --out-dir with the same layout.

Options:
  -d, --out-dir <dir>       write the instrumented files under <dir>
  -o, --out-file <file>     write the one input (or standard input) to <file>
      --include <glob>      only instrument files matching <glob> (repeatable,
                            comma-separated allowed; relative to the working
                            directory or to the directory given)
      --exclude <glob>      do not instrument files matching <glob> (repeatable)
  -s, --source-maps <mode>  file (<out>.map beside it and a sourceMappingURL
                            comment; the default when writing files), inline
                            (the default on standard output), none
      --copy-files          copy the files that are not instrumented to --out-dir
      --runtime <specifier> what the output imports the runtime from
                            (default: tsdb/runtime/internal)
      --source-type <type>  module, commonjs, script (a classic script, sharing
                            the global scope with other scripts) or unambiguous
                            (default: by extension and the nearest package.json
                            "type")
      --filename <name>     the file name of code read from standard input
                            (its extension picks the language)
  -q, --quiet               no summary line
  -h, --help                show this help
  -v, --version             show tsdb's version

Outputs are named .js for .ts, .mjs for .mts, .cjs for .cts and .jsx for .tsx,
and keep their source's permissions. Files tsdb instrumented already (an
earlier output inside a tree) are skipped. When an output would be an input
(compared by real path, links resolved), two inputs would share an output, or
an output would replace a file tsdb did not write, nothing is written and the
exit status is 1. Each file is written whole or not at all. A file that fails
(syntax error, unreadable, disk full) is reported as file:line:column: message
with a code frame, or with what failed; the others are still written, and the
exit status is 1.
`;

type SourceType = "module" | "commonjs" | "script" | "unambiguous";

interface Options {
  outDir?: string;
  outFile?: string;
  include: string[];
  exclude: string[];
  /** undefined: `file` where files are written, `inline` on standard output */
  sourceMaps?: "inline" | "file" | "none";
  copyFiles: boolean;
  runtime?: string;
  sourceType?: SourceType;
  filename?: string;
  quiet: boolean;
}

/** One unit of work: a source to instrument or a file to copy. */
interface Job {
  source: string;
  /** output path; undefined: standard output */
  out?: string;
  /** path relative to the tree root given, for include/exclude */
  rootRelative: string;
  kind: "instrument" | "copy";
}

class UsageError extends Error {}

const cwd = () => process.cwd();
const display = (file: string) => {
  const rel = relative(cwd(), file);
  return rel && !rel.startsWith("..") ? rel.split(sep).join("/") : file;
};

function list(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

function parse(argv: string[]): { options: Options; inputs: string[]; help: boolean; version: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "out-dir": { type: "string", short: "d" },
      "out-file": { type: "string", short: "o" },
      include: { type: "string", multiple: true },
      exclude: { type: "string", multiple: true },
      "source-maps": { type: "string", short: "s" },
      "copy-files": { type: "boolean" },
      runtime: { type: "string" },
      "source-type": { type: "string" },
      filename: { type: "string" },
      quiet: { type: "boolean", short: "q" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
  const sourceMaps = values["source-maps"];
  if (sourceMaps !== undefined && sourceMaps !== "inline" && sourceMaps !== "file" && sourceMaps !== "none") {
    throw new UsageError(`--source-maps must be inline, file or none, not ${JSON.stringify(sourceMaps)}`);
  }
  const sourceType = values["source-type"];
  if (sourceType !== undefined && !["module", "commonjs", "script", "unambiguous"].includes(sourceType)) {
    throw new UsageError(`--source-type must be module, commonjs, script or unambiguous, not ${JSON.stringify(sourceType)}`);
  }
  return {
    options: {
      outDir: values["out-dir"],
      outFile: values["out-file"],
      include: list(values.include),
      exclude: list(values.exclude),
      sourceMaps,
      copyFiles: values["copy-files"] ?? false,
      runtime: values.runtime,
      sourceType: sourceType as SourceType | undefined,
      filename: values.filename,
      quiet: values.quiet ?? false,
    },
    inputs: positionals,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

function sourceTypeFor(file: string, options: Options): SourceType {
  return options.sourceType ?? sourceTypeOf(extensionFormat(file) ?? packageType(file));
}

const SKIP_DIRS = new Set(["node_modules", ".git"]);

/** The real path of `path`, which may not exist yet: its nearest existing ancestor resolved, the rest appended. */
function realOutput(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realOutput(parent), basename(path));
  }
}

/** True when `file` starts like a file tsdb instrumented (an earlier output lying in the tree). */
function instrumentedAlready(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const head = Buffer.alloc(4096);
    return isInstrumented(head.toString("utf8", 0, readSync(fd, head, 0, head.length, 0)));
  } catch {
    return false; // unreadable: reported when it is read
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Every file under `root` (sorted, node_modules/.git and the folder whose real path is `skip`
 * left out), as paths relative to `root`.
 */
function walk(root: string, skip: string | undefined): string[] {
  const files: string[] = [];
  const visit = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (SKIP_DIRS.has(entry.name) || (skip !== undefined && realOutput(path) === skip)) continue;
        visit(path, relPath);
      } else if (entry.isFile() || (entry.isSymbolicLink() && statOrNull(path)?.isFile())) {
        files.push(relPath);
      }
    }
  };
  visit(root, "");
  return files;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function readStdin(): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "EAGAIN") continue;
      if (code === "EOF") break;
      throw error;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString("utf8");
}

function toBase64(map: SourceMap): string {
  return Buffer.from(JSON.stringify(map)).toString("base64");
}

/** What `instrument()` is given for `file` (undefined: standard input). */
function instrumentOptions(file: string | undefined, options: Options): InstrumentOptions {
  return {
    filename: file,
    sourceType: file ? sourceTypeFor(file, options) : (options.sourceType ?? "unambiguous"),
    sourceMaps: options.sourceMaps === "none" ? "none" : "file",
    runtime: options.runtime,
    // Output to run, not to read: without layout whitespace it is a third smaller and faster to
    // load, and positions come from the map (a formatter makes it readable). Comments stay (licences).
    compact: true,
  };
}

/**
 * The instrumented code of `file` (written to `out`, or to stdout when undefined) as it is
 * written, and the map to write beside it, if any: a file where files are written, inline on stdout.
 */
function withMap(
  { code, map }: InstrumentResult,
  out: string | undefined,
  options: Options,
  fromFile: boolean,
): { code: string; map?: SourceMap } {
  const sourceMaps = options.sourceMaps ?? (out ? "file" : "inline");
  if (!map || sourceMaps === "none") return { code: code.endsWith("\n") ? code : code + "\n" };
  const outDir = out ? dirname(out) : cwd();
  // A source read from a file stays there, where the map names it (stack traces and the debugger
  // need positions only): its text is copied into the map only for standard input (`fromFile` false).
  const { sourcesContent, ...rest } = map;
  const fixed: SourceMap = {
    ...rest,
    file: out ? basename(out) : undefined,
    sources: map.sources.map((s) => (s.startsWith("<") ? s : relative(outDir, resolve(s)).split(sep).join("/"))),
    ...(sourcesContent && !fromFile ? { sourcesContent } : {}),
  };
  if (!fixed.file) delete fixed.file;
  const body = code.endsWith("\n") ? code : code + "\n";
  if (sourceMaps === "inline") {
    return { code: `${body}//# sourceMappingURL=data:application/json;charset=utf-8;base64,${toBase64(fixed)}\n` };
  }
  if (!out) throw new UsageError("--source-maps file needs --out-file or --out-dir");
  return { code: `${body}//# sourceMappingURL=${basename(out)}.map\n`, map: fixed };
}

/** A step of one job that failed, for the message. */
class StepError extends Error {
  constructor(
    readonly step: string,
    readonly cause: unknown,
  ) {
    super(`${step}: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** Runs `fn`; an error it throws says which step failed. */
function step<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw stepError(what, error);
  }
}

function stepError(what: string, error: unknown): unknown {
  return error instanceof UsageError || error instanceof InstrumentError ? error : new StepError(what, error);
}

function describe(error: unknown, file: string): string {
  if (error instanceof InstrumentError) {
    return `${display(file)}:${error.line}:${error.column}: ${error.reason}${error.frame ? "\n" + error.frame : ""}`;
  }
  const e = error as { message?: string };
  return `${display(file)}: ${e?.message ?? String(error)}`;
}

class Progress {
  private shown = false;
  private last = 0;
  constructor(private readonly total: number) {}
  private get on(): boolean {
    return Boolean(process.stderr.isTTY) && this.total > 30;
  }
  update(done: number, file: string): void {
    if (!this.on) return;
    const now = Date.now();
    if (now - this.last < 50 && done < this.total) return;
    this.last = now;
    const columns = process.stderr.columns || 80;
    const line = `[${done}/${this.total}] ${display(file)}`;
    process.stderr.write(`\r\x1b[K${line.slice(0, columns - 1)}`);
    this.shown = true;
  }
  clear(): void {
    if (this.shown) process.stderr.write("\r\x1b[K");
    this.shown = false;
  }
}

/** The jobs for the inputs, or a usage error; `conflicts` lists outputs that would destroy an input or each other. */
function plan(inputs: string[], options: Options): { jobs: Job[]; missing: string[]; conflicts: string[] } {
  const jobs: Job[] = [];
  const missing: string[] = [];
  /** real path of every input file (those not instrumented or copied too) */
  const sources = new Set<string>();
  const outDir = options.outDir ? resolve(options.outDir) : undefined;
  const realOutDir = outDir ? realOutput(outDir) : undefined;
  const includes = options.include.map((p) => minimatch.filter(p, { dot: true }));
  const excludes = options.exclude.map((p) => minimatch.filter(p, { dot: true }));
  const selected = (file: string, rootRelative: string) => {
    const fromCwd = relative(cwd(), file).split(sep).join("/");
    const matches = (m: (p: string) => boolean) => m(fromCwd) || m(rootRelative);
    return (includes.length === 0 || includes.some(matches)) && !excludes.some(matches);
  };
  const trees = inputs.filter((input) => statOrNull(resolve(input))?.isDirectory());
  if (trees.length > 0 && !outDir) throw new UsageError(`a directory (${trees[0]}) needs --out-dir`);
  if (options.outFile && (inputs.length > 1 || trees.length > 0)) throw new UsageError("--out-file takes one input file");
  if (!outDir && !options.outFile && inputs.length > 1) throw new UsageError("more than one input needs --out-dir");
  for (const input of inputs) {
    const path = resolve(input);
    const stat = statOrNull(path);
    if (stat?.isDirectory()) {
      for (const rel of walk(path, realOutDir)) {
        const file = join(path, rel);
        sources.add(realOutput(file));
        // tsdb's own output lying in the tree (an earlier --out-dir) is neither instrumented again nor
        // copied, nor is the map written beside it.
        if (isSourceFile(file) && instrumentedAlready(file)) continue;
        if (file.endsWith(".map") && isSourceFile(file.slice(0, -4)) && instrumentedAlready(file.slice(0, -4))) continue;
        const instrumenting = isSourceFile(file) && selected(file, rel);
        if (!instrumenting && !options.copyFiles) continue;
        const outRel = instrumenting ? outputName(rel) : rel;
        jobs.push({ source: file, out: join(outDir!, outRel), rootRelative: rel, kind: instrumenting ? "instrument" : "copy" });
      }
    } else if (!stat) {
      missing.push(input);
    } else {
      sources.add(realOutput(path));
      // A file named on the command line is instrumented whatever its extension and the globs.
      const out = outDir ? join(outDir, outputName(basename(path))) : options.outFile ? resolve(options.outFile) : undefined;
      jobs.push({ source: path, out, rootRelative: basename(path), kind: "instrument" });
    }
  }
  return { jobs, missing, conflicts: conflicts(jobs, sources, options.sourceMaps !== "inline" && options.sourceMaps !== "none") };
}

/**
 * Outputs that would overwrite an input (compared by real path: a symbolic link to a source is
 * that source), a file tsdb did not instrument (a hand-written x.js beside x.ts), or that two
 * inputs would both write (the second would silently win).
 */
function conflicts(jobs: Job[], sources: Set<string>, maps: boolean): string[] {
  const found: string[] = [];
  const writers = new Map<string, string>();
  for (const job of jobs) {
    if (!job.out) continue;
    const outs = [job.out, ...(maps && job.kind === "instrument" ? [job.out + ".map"] : [])];
    for (const out of outs) {
      const real = realOutput(out);
      const other = writers.get(real);
      if (sources.has(real)) {
        found.push(`${display(job.source)}: the output ${display(out)} is an input${real !== out ? ` (${display(real)})` : ""}`);
      } else if (out === job.out && job.kind === "instrument" && statOrNull(real)?.isFile() && !instrumentedAlready(real)) {
        found.push(
          `${display(job.source)}: the output ${display(out)} exists and is not tsdb's output${real !== out ? ` (${display(real)})` : ""}`,
        );
      } else if (other !== undefined) {
        found.push(`${display(job.source)} and ${display(other)}: both would be written to ${display(out)}`);
      } else {
        writers.set(real, job.source);
      }
    }
  }
  return found;
}

/** Files with this many bytes or more to instrument are shared among threads, one per core. */
const THREADS_FROM_BYTES = 256 * 1024;

/**
 * Runs the jobs: sources are instrumented in parallel (threads, when there is enough to share),
 * and each result is written (or its error reported) in the jobs' order, as one thread would.
 */
async function runJobs(jobs: Job[], options: Options): Promise<{ instrumented: number; copied: number; failed: number }> {
  const counts = { instrumented: 0, copied: 0, failed: 0 };
  const progress = new Progress(jobs.length);
  const report = (message: string) => {
    progress.clear();
    process.stderr.write(message + "\n");
  };
  // Read first: a source that cannot be read is reported in its place, as before.
  const inputs = jobs.map((job) => {
    try {
      const text = step("cannot read", () => readFileSync(job.source));
      // The output keeps the source's permissions (an executable script stays executable).
      return { text, mode: statSync(job.source).mode & 0o777 };
    } catch (error) {
      return { error };
    }
  });
  let bytes = 0;
  let sources = 0;
  for (const [i, job] of jobs.entries()) {
    const text = inputs[i].text;
    if (job.kind === "instrument" && text) [bytes, sources] = [bytes + text.length, sources + 1];
  }
  const threads = bytes >= THREADS_FROM_BYTES ? Math.min(availableParallelism(), sources) : 1;
  const pool = threads > 1 ? new InstrumentPool(threads) : null;
  const instrumented = jobs.map((job, i) => {
    const text = inputs[i].text;
    if (job.kind !== "instrument" || !text) return null;
    const given = instrumentOptions(job.source, options);
    if (!pool) return () => instrument(text.toString("utf8"), given);
    const reply = pool.run({ code: text.toString("utf8"), options: given, instrumenting: true });
    return async () => {
      const answer = await reply;
      if (!answer.ok) throw replyError(answer.error);
      return answer.result;
    };
  });
  try {
    for (const [index, job] of jobs.entries()) {
      progress.update(index, job.source);
      try {
        const input = inputs[index];
        if (!input.text) throw input.error;
        if (job.kind === "copy") {
          writeOut(job.out!, input.text, input.mode);
          counts.copied++;
          continue;
        }
        let result: InstrumentResult;
        try {
          result = await instrumented[index]!();
        } catch (error) {
          throw stepError("cannot instrument", error);
        }
        const { code, map } = withMap(result, job.out, options, true);
        if (job.out) {
          writeWithMap(job.out, code, map, input.mode);
        } else {
          process.stdout.write(code);
        }
        counts.instrumented++;
      } catch (error) {
        if (error instanceof UsageError) throw error;
        counts.failed++;
        report(describe(error, job.source));
      }
    }
  } finally {
    await pool?.close();
  }
  progress.update(jobs.length, jobs.at(-1)?.source ?? "");
  progress.clear();
  return counts;
}

/** Writes the map (if any), then the code; a map whose code could not be written is removed. */
function writeWithMap(out: string, code: string, map: SourceMap | undefined, mode?: number): void {
  if (!map) {
    writeOut(out, code, mode);
    return;
  }
  writeOut(out + ".map", JSON.stringify(map) + "\n");
  try {
    writeOut(out, code, mode);
  } catch (error) {
    rmSync(out + ".map", { force: true });
    throw error;
  }
}

/** Makes the output's folder and writes it whole (or not at all); the error says which failed. */
function writeOut(file: string, data: string | Uint8Array, mode?: number): void {
  step(`cannot create the folder ${display(dirname(file))}`, () => mkdirSync(dirname(file), { recursive: true }));
  try {
    writeFileAtomic(file, data, mode);
  } catch (error) {
    const failed = error as WriteError;
    throw new StepError(`cannot ${failed.step} ${display(file)}`, failed.cause);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Runs the command line; returns (and sets `process.exitCode` to) the exit status. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const status = await run(argv);
  process.exitCode = status;
  return status;
}

async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`tsdb-instrument: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { options, inputs } = parsed;
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.version) {
    process.stdout.write(`${tsdbVersion()}\n`);
    return 0;
  }
  try {
    if (options.outDir && options.outFile) throw new UsageError("--out-dir and --out-file cannot be used together");
    if (inputs.length === 0) return runStdin(options);
    const { jobs, missing, conflicts } = plan(inputs, options);
    if (conflicts.length > 0) {
      for (const conflict of conflicts) process.stderr.write(`tsdb-instrument: ${conflict}\n`);
      process.stderr.write(
        "tsdb-instrument: nothing written: an output must not be an input, another input's output, or a file tsdb did not write\n",
      );
      return 1;
    }
    for (const input of missing) process.stderr.write(`${input}: no such file or directory\n`);
    const counts = await runJobs(jobs, options);
    counts.failed += missing.length;
    const writing = Boolean(options.outDir || options.outFile);
    if (!options.quiet && (writing || counts.failed > 0)) {
      const parts = [`${plural(counts.instrumented, "file")} instrumented`];
      if (counts.copied) parts.push(`${counts.copied} copied`);
      parts.push(`${counts.failed} failed`);
      process.stderr.write(`tsdb-instrument: ${parts.join(", ")}\n`);
    }
    return counts.failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`tsdb-instrument: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function runStdin(options: Options): number {
  if (process.stdin.isTTY) {
    process.stderr.write(USAGE);
    return 2;
  }
  const text = readStdin();
  const filename = options.filename ? resolve(options.filename) : undefined;
  const out = options.outFile ? resolve(options.outFile) : undefined;
  try {
    const { code, map } = withMap(
      step("cannot instrument", () => instrument(text, instrumentOptions(filename, options))),
      out,
      options,
      false,
    );
    if (out) {
      writeWithMap(out, code, map);
    } else {
      process.stdout.write(code);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(describe(error, filename ?? "<stdin>") + "\n");
    return 1;
  }
}
