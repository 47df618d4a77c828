/**
 * A cold start on every core: when the loader instruments a file that missed the cache, the files
 * it imports or requires by a literal relative specifier, that the loader would compile and that
 * miss the cache too, are handed to threads (prefetch-thread.ts) that instrument them and write
 * their cache entries, so that they are warm when the program loads them. Nothing else changes:
 * the program still loads, compiles and runs every file itself, in its order; a thread only ever
 * writes cache entries (the same cache, the same checks), and a file whose job failed (a syntax
 * error) is compiled again by the loader when the program reaches it, which reports the error as
 * ever. No thread starts before a file with such imports misses the cache (a warm start pays
 * nothing: this module is not even loaded), nor before the files queued and not yet loaded hold
 * enough source to pay for a thread (one per `THREADS_FROM_BYTES`: a thread loads and warms up Babel
 * anew), nor when no core is idle (`TSDB_THREADS` says how many instead); the threads never keep
 * the process alive.
 *
 * Jobs go to every thread; a shared slot per job says who has it (`Atomics.compareExchange`), so
 * an idle thread takes the next job while the loader's thread is busy in the program's
 * synchronous `require`s (its event loop never runs then). The loader, reaching a file whose job
 * a thread has, does the last queued jobs meanwhile, then waits for it; a job no thread has
 * started yet is taken back and done in place. (bench/FINDINGS.md §23.)
 */
import { readFileSync, realpathSync, statSync, writeSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { isatty } from "node:tty";
import { Worker } from "node:worker_threads";
import { PRIVATE_THREAD } from "../common/private-thread.js";
import { typeScriptAlternatives } from "../common/source-kinds.js";
import { BIG_STACK_MB } from "../compiler/threads.js";
import type { LoaderConfig } from "./loader.js";

/** A job's slot: queued, being done by a thread, done (whatever the outcome), taken back by the loader. */
export const QUEUED = 0;
export const TAKEN = 1;
export const DONE = 2;
export const TAKEN_BACK = 3;

/** What a thread starts with. */
export interface PrefetchData {
  config: LoaderConfig;
  slots: SharedArrayBuffer;
}

/** One job a thread is sent: instrument `filename`, then mark `slot` done. */
export interface PrefetchJob {
  slot: number;
  filename: string;
}

/** At most this many jobs in a process (the slots' size); later cold files are left to the loader. */
const MAX_JOBS = 1 << 14;
/** Bigger files are left to the loader: Babel holds some 200× a file's size while it works on it. */
const MAX_BYTES = 1 << 20;
/**
 * A thread starts for each this much source queued (not taken back by the loader): less is done
 * sooner by the loader's thread than by one that must first load Babel and warm up its JIT
 * (0.5–1.5 s of CPU). Not tuned on an idle machine (bench/FINDINGS.md §23).
 */
const THREADS_FROM_BYTES = 128 * 1024;
/** How long the loader waits for a thread's job before doing it itself (a thread that died never answers). */
const WAIT_MS = 120_000;

/**
 * `import … from "x"`, `export … from "x"`, `import "x"` and `require("x")` with a relative or
 * absolute specifier. Found in the text, not parsed: a match in a comment or a string only costs
 * a file instrumented ahead for nothing.
 */
const SPECIFIERS = /(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*)(["'])(\.{0,2}\/[^"'\n]*)\1/g;
/** What `require("./x")` tries after the name itself (the loader's extensions), then `./x/index`. */
const EXTENSIONS = [".js", ".ts", ".tsx", ".cts"];

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The file `specifier` most likely names from `from` (real path), or undefined. */
function resolveLocal(specifier: string, from: string): string | undefined {
  const dir = dirname(from);
  const base = resolve(dir, specifier);
  const candidates = [
    base,
    ...EXTENSIONS.map((ext) => base + ext),
    ...EXTENSIONS.map((ext) => join(base, `index${ext}`)),
    ...typeScriptAlternatives(specifier).map((alternative) => resolve(dir, alternative)),
  ];
  const found = candidates.find(isFile);
  return found === undefined ? undefined : realpathSync(found);
}

export class Prefetcher {
  private readonly slots = new Int32Array(new SharedArrayBuffer(4 * MAX_JOBS));
  private readonly jobs = new Map<string, number>();
  /** The file of each job, by slot, and its size. */
  private readonly files: string[] = [];
  private readonly sizes: number[] = [];
  /** Files already looked at (queued, found warm, or not the loader's). */
  private readonly seen = new Set<string>();
  /** Files whose imports were looked at. */
  private readonly scanned = new Set<string>();
  private readonly threads: Worker[] = [];
  /** Bytes of source queued and not taken back. */
  private queuedBytes = 0;
  /** How many threads may run (decided when the first would start). */
  private maxThreads: number | undefined;
  private readonly progress: Progress | null;

  /**
   * `cold(source, filename)`: true when the loader would compile `filename` and its cache misses;
   * `help(filename)`: instrument a queued file here, into the cache (its errors are left for later).
   */
  constructor(
    private readonly config: LoaderConfig,
    private readonly options: NonNullable<LoaderConfig["prefetch"]>,
    private readonly cold: (source: string, filename: string) => boolean,
    private readonly help: (filename: string) => void,
  ) {
    this.progress = options.progress && isatty(2) ? new Progress(config.cwd ?? process.cwd()) : null;
  }

  /** `filename` was found in the cache: if a thread put it there, what it imports is queued in turn. */
  warmed(source: string, filename: string): void {
    if (this.jobs.has(filename) && !this.scanned.has(filename)) this.ahead(source, filename);
  }

  /** `filename` (with `source`) missed the cache: queue what it imports that misses it too. */
  ahead(source: string, filename: string): void {
    if (this.scanned.has(filename)) return;
    this.scanned.add(filename);
    this.seen.add(filename);
    for (const [, , specifier] of source.matchAll(SPECIFIERS)) {
      if (this.files.length >= MAX_JOBS) return;
      let file: string | undefined;
      try {
        file = resolveLocal(specifier, filename);
      } catch {
        continue; // unreadable: the program will say so if it loads it
      }
      if (file === undefined || this.seen.has(file)) continue;
      this.seen.add(file);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue;
      }
      if (text.length > MAX_BYTES || !this.cold(text, file)) continue;
      this.queue(file, text.length);
    }
  }

  private queue(filename: string, bytes: number): void {
    const job: PrefetchJob = { slot: this.files.length, filename };
    this.jobs.set(filename, job.slot);
    this.files.push(filename);
    this.sizes.push(bytes);
    for (const thread of this.threads) thread.postMessage(job);
    this.queuedBytes += bytes;
    if (this.queuedBytes >= THREADS_FROM_BYTES * (this.threads.length + 1)) this.addThread();
  }

  /**
   * One more thread (one per `THREADS_FROM_BYTES` queued), up to as many as asked, else one per
   * core that is idle (the last minute's load average; the loader's thread has one): on a busy
   * machine a thread only adds the CPU it takes to load and warm up Babel. It is sent the jobs
   * still queued.
   */
  private addThread(): void {
    const cores = availableParallelism();
    this.maxThreads ??= this.options.threads ?? Math.max(0, Math.min(cores - 1, Math.floor(cores - loadavg()[0])));
    if (this.threads.length >= this.maxThreads) return;
    const data: PrefetchData = { config: this.config, slots: this.slots.buffer as SharedArrayBuffer };
    const thread = new Worker(join(__dirname, "prefetch-thread.js"), {
      ...PRIVATE_THREAD,
      resourceLimits: { stackSizeMb: BIG_STACK_MB },
      workerData: data,
    });
    // Never keeps the process alive; a thread that fails leaves its files to the loader.
    thread.unref();
    thread.on("error", () => {});
    this.threads.push(thread);
    for (let slot = 0; slot < this.files.length; slot++) {
      if (Atomics.load(this.slots, slot) === QUEUED) thread.postMessage({ slot, filename: this.files[slot] } satisfies PrefetchJob);
    }
  }

  /**
   * `filename` missed the cache and is about to be compiled: if a thread has its job, waits for it
   * (true: look in the cache again); a job not started yet is taken back (false: compile it here).
   */
  settle(filename: string): boolean {
    this.seen.add(filename);
    const slot = this.jobs.get(filename);
    if (slot === undefined) return false;
    const state = Atomics.compareExchange(this.slots, slot, QUEUED, TAKEN_BACK);
    if (state === QUEUED) this.queuedBytes -= this.sizes[slot];
    if (state === QUEUED || state === TAKEN_BACK) return false;
    // While a thread has it, this thread does the jobs no thread has started, then waits.
    while (Atomics.load(this.slots, slot) === TAKEN) {
      const other = this.takeBack();
      if (other === undefined) {
        this.progress?.show(filename, this.threadsDone());
        Atomics.wait(this.slots, slot, TAKEN, WAIT_MS);
        break;
      }
      this.help(other);
    }
    return true;
  }

  /**
   * The last job queued that no thread has started, taken back (undefined: none). The threads take
   * the first ones: what the program loads next is most often what the file it loads now imports,
   * queued last.
   */
  private takeBack(): string | undefined {
    for (let slot = this.files.length - 1; slot >= 0; slot--) {
      if (Atomics.compareExchange(this.slots, slot, QUEUED, TAKEN_BACK) !== QUEUED) continue;
      this.queuedBytes -= this.sizes[slot];
      return this.files[slot];
    }
    return undefined;
  }

  /** The loader compiles `filename` itself now (`done()` when it has). */
  compiling(filename: string): void {
    this.progress?.show(filename, this.threadsDone());
  }

  /** Erases the progress line (before the program's code runs again). */
  done(): void {
    this.progress?.clear();
  }

  /** How many jobs the threads have finished, of how many (null: no threads). */
  private threadsDone(): [number, number] | null {
    if (this.threads.length === 0) return null;
    let count = 0;
    for (let slot = 0; slot < this.files.length; slot++) if (Atomics.load(this.slots, slot) === DONE) count++;
    return [count, this.files.length];
  }
}

/**
 * The line on a terminal's stderr while the loader compiles a file or waits for a thread's:
 * `tsdb: instrumenting lib/x.js (threads: 12/57 files ready)` (the files queued for the threads and
 * how many they have done; only the name without threads), erased before the program runs on.
 * It is written from where the program's output left the cursor and the cursor is put back there
 * (a line the program has not ended stays as it was), without wrapping (no line scrolls), and
 * erased from there to the end of the line. Written to fd 2 directly: `process.stderr` is the
 * program's, created when it first asks.
 */
class Progress {
  private shown = false;
  constructor(private readonly cwd: string) {}

  /** `threads`: how many of the files queued the threads have done, of how many (null: no threads). */
  show(filename: string, threads: [number, number] | null): void {
    const name = relative(this.cwd, filename);
    const ahead = threads === null ? "" : ` (threads: ${threads[0]}/${threads[1]} files ready)`;
    const text = `tsdb: instrumenting ${name.startsWith("..") ? filename : name}${ahead}`;
    this.shown = write(`${this.shown ? ERASE_RIGHT : ""}${SAVE_CURSOR}${NO_WRAP}${text}${WRAP}${RESTORE_CURSOR}`);
  }

  clear(): void {
    if (!this.shown) return;
    this.shown = false;
    write(ERASE_RIGHT);
  }
}

const SAVE_CURSOR = "\x1b7";
const RESTORE_CURSOR = "\x1b8";
/** Auto-wrap off (DECAWM): what does not fit the line is cut, nothing scrolls. */
const NO_WRAP = "\x1b[?7l";
const WRAP = "\x1b[?7h";
const ERASE_RIGHT = "\x1b[K";

/** Writes to fd 2; false when it could not (a progress line is never worth an error). */
function write(text: string): boolean {
  try {
    writeSync(2, text);
    return true;
  } catch {
    return false;
  }
}
