/**
 * The `tsdb` command's start (dist/bin/tsdb.js): runs the debugger's bundle (dist/debugger/bundle.js,
 * build.mjs) from V8's code cache. Node 20 compiles a CommonJS file from its text at every start, and
 * V8 compiles each function of it the first time it runs: for the bundle (230 KB, most of it run
 * before the first prompt) that is about a fifth of what the command adds to Node's own start
 * (bench/FINDINGS.md §42). The code cache made at the end of a session holds the functions that
 * session compiled; the next start compiles none of them.
 *
 * The code cache is bytecode V8 runs without checking it against the text: it is kept in the hook's
 * cache directory (the user's own, register/cache-dir.ts) and read under its rules (register/cache.ts
 * `getCode`): a file this user owns and nobody else can write, whose header holds a checksum of the
 * bundle's text and of the data. Anything else (missing, another user's, damaged, made from another
 * text or by another Node) is ignored, and the bundle is compiled from its text as before.
 *
 * V8 does not keep a script's host options in its code cache, so in Node 20 an `import()` compiled
 * from a script run from one fails: the bundle has none; the code that runs `import()` is loaded
 * from files of its own (build.mjs).
 */
import Module from "node:module";
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Script } from "node:vm";
import { detectFormat } from "../common/source-kinds.js";
import { startHooksThread } from "../register/hooks-thread.js";
import { type CommandLine, parseCommandLine } from "./command-line.js";
import type * as Cache from "../register/cache.js";
import type * as CacheDir from "../register/cache-dir.js";
import type * as Main from "./main.js";

/**
 * Runs the debugger with the command line's arguments. A script that runs as an ES module needs
 * Node's hooks thread before it loads: the thread is started first, and boots while the debugger
 * loads (register/hooks-thread.ts; the hook and its cache load after it, below).
 */
export function start(argv: string[]): void {
  const command = parseCommandLine(argv);
  const esm = isModule(command);
  if (esm) startHooksThread();
  (load(join(__dirname, "bundle.js")) as typeof Main).main(command, esm);
}

/** True when `command` runs a script that Node runs as an ES module (false when it cannot be read: main.ts says why). */
function isModule(command: CommandLine): boolean {
  if (command.kind !== "run") return false;
  try {
    const file = realpathSync(resolve(command.script));
    return detectFormat(file, readFileSync(file, "utf8")) === "module";
  } catch {
    return false;
  }
}

/** The cache the code cache goes in: the hook's (as the debugger installs it), when it can be trusted; null otherwise (the hook then says why). */
function ownCache(DiskCache: typeof Cache.DiskCache): Cache.DiskCache | null {
  try {
    const { defaultCacheDir, prepareCacheDir } = require("../register/cache-dir.js") as typeof CacheDir;
    const dir = defaultCacheDir();
    return prepareCacheDir(dir) === null ? new DiskCache(dir, { warn: () => {} }) : null;
  } catch {
    return null;
  }
}

/**
 * Runs the CommonJS file `filename` with Node's five parameters (its `module` holds only `exports`: all
 * the bundle uses of it), compiled with the code cache kept for it; returns its exports. The code
 * cache is made when the process exits, when there was none or V8 refused it.
 */
export function load(filename: string): unknown {
  // Required here: not on the way to the hooks thread's start.
  const { DiskCache, sha256 } = require("../register/cache.js") as typeof Cache;
  const text = readFileSync(filename, "utf8");
  const cache = ownCache(DiskCache);
  // One code cache per file and Node; its checksum ties it to the text.
  const key = sha256(`tsdb own code\n${filename}\n${process.version}\n${process.arch}`);
  const sum = cache === null ? "" : sha256(text);
  const cachedData = cache?.getCode(key, sum) ?? undefined;
  const script = new Script(Module.wrap(text), { filename, cachedData });
  if (cache !== null && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once("exit", () => cache.setCode(key, script.createCachedData(), sum));
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, Module.createRequire(filename), module, filename, dirname(filename));
  return module.exports;
}
