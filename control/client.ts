/**
 * `tsdb -p PID`: the debugger's terminal end for a program started with `tsdb/register`. The
 * debugger runs inside the program (attached.ts); this process shows its output, reads the
 * lines it asks for (line editor, history) and turns Ctrl-C into an interrupt request.
 */
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { isatty } from "node:tty";
import { Worker } from "node:worker_threads";
import { PRIVATE_THREAD } from "../common/private-thread.js";
import { type Completer, Interrupt, openReader, stdout, TerminalReader, writeAll } from "../debugger/io.js";
import type { CompleterData } from "./completer.js";
import { controlDir, keyPath, notPrivate, sessionPath, socketPath } from "./paths.js";
import { encode, messages, type ToDebugger } from "./protocol.js";

function fail(text: string): never {
  writeAll(2, `tsdb: cannot attach to process ${text}\n`);
  process.exit(1);
}

/** The user owning process `pid` (Linux /proc; elsewhere: ours, the only one it could be). */
function ownerOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /^Uid:\s+(\d+)/m.exec(status);
    if (m) return Number(m[1]);
  } catch {
    // no /proc
  }
  return process.getuid!();
}

export function attach(pidText: string): void {
  const pid = Number(pidText);
  if (!/^\d+$/.test(pidText) || pid <= 0) fail(`${pidText}: not a process id`);
  try {
    process.kill(pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") fail(`${pid}: no such process`);
    if (code === "EPERM") fail(`${pid}: it belongs to another user (only its owner can attach)`);
    throw error;
  }
  const uid = process.getuid!();
  const owner = ownerOf(pid);
  if (owner !== uid && uid !== 0) fail(`${pid}: it belongs to another user (only its owner can attach)`);
  const dir = controlDir(owner);
  // Files left by a process that had this pid before (killed by a signal) stay until a young
  // process's doorbell replaces them: while it is young, a refused connection is tried again.
  const age = ageOf(pid);
  const retryUntil = age !== null && age < DOORBELL_SECONDS ? Date.now() + (DOORBELL_SECONDS - age) * 1000 : 0;
  const start = (): void => {
    const retry = (why: string): void => {
      if (Date.now() < retryUntil) setTimeout(start, 50);
      else fail(`${pid}: ${why}`);
    };
    reach(pid, dir, owner).then((found) => talk(pid, found.socket, found.key, retry), retry);
  };
  start();
}

/** Seconds since process `pid` started (Linux /proc), or null. */
function ageOf(pid: number): number | null {
  try {
    // field 22 of /proc/PID/stat (after the command name in parentheses): start time in clock ticks since boot
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    return uptime - Number(fields[19]) / 100;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a program may take to set its doorbell up (protocol.ts: 2 s after its start, on a loaded machine more). */
const DOORBELL_SECONDS = 5;
/** How long the doorbell may take to start the control worker (the program takes the request at its next function entry or loop head, or between events). */
const START_SECONDS = 10;

/**
 * The session socket of `pid` and its key: the control worker's socket when it runs already,
 * else rings the doorbell and waits for the worker it starts.
 */
async function reach(pid: number, dir: string, owner: number): Promise<{ socket: string; key: string }> {
  const bell = socketPath(dir, pid);
  const session = sessionPath(dir, pid);
  // a program that has just started may not have set its doorbell up yet
  for (let age = ageOf(pid); !existsSync(bell) && age !== null && age < DOORBELL_SECONDS; age = ageOf(pid)) await sleep(20);
  if (!existsSync(bell)) {
    fail(
      `${pid}: it does not listen for a debugger (it was not started with tsdb/register: node --import tsdb/register app.js, or --require tsdb/register)`,
    );
  }
  const why = notPrivate(dir, owner);
  if (why !== null) fail(`${pid}: ${why}`);
  let key = "";
  try {
    key = readFileSync(keyPath(dir, pid), "utf8");
  } catch (error) {
    fail(`${pid}: cannot read its key (${(error as Error).message})`);
  }
  if (!existsSync(session)) {
    await ring(bell, key);
    const deadline = Date.now() + START_SECONDS * 1000;
    while (!existsSync(session)) {
      if (Date.now() > deadline) {
        fail(`${pid}: it did not answer in ${START_SECONDS} s (it runs no instrumented code and does not return to its event loop)`);
      }
      await sleep(20);
    }
  }
  return { socket: session, key };
}

/** Rings the doorbell: the program starts its control worker. Rejects with why not. */
function ring(bell: string, key: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const connection = connect(bell);
    connection.on("connect", () => connection.write(encode({ t: "hello", key })));
    connection.on("error", (error) => reject(`${error.message} (is it still running with tsdb/register?)`));
    connection.on(
      "data",
      messages<ToDebugger>((message) => {
        if (message.t === "refused") reject(message.s);
        if (message.t === "starting") resolve();
      }),
    );
  });
}

/**
 * The session: the program's debugger output shown, lines read for it, Ctrl-C sent. Until the
 * program has answered, a refusal goes to `retry`.
 */
function talk(pid: number, socket: string, key: string, retry: (why: string) => void): void {
  const out = stdout;
  const connection = connect(socket);
  let reader: ReturnType<typeof openReader> | null = null;
  let done = false;
  const end = (status: number, text = "") => {
    done = true;
    reader?.close();
    if (text) out.write(text);
    process.exit(status);
  };
  // Tab's own connection and thread start with the session (a thread takes a while on a busy machine).
  let completer: Completer | null = null;
  connection.on("connect", () => {
    connection.write(encode({ t: "hello", key }));
    if (isatty(0)) completer = remoteCompleter(socket, key);
  });
  // Ctrl-C while the program runs (the terminal is ours, in cooked mode): stop it.
  const interrupt = () => connection.write(encode({ t: "interrupt" }));
  process.on("SIGINT", interrupt);
  // Tried again with a new connection (a young program's stale files): this one's listener goes.
  const again = (why: string) => {
    process.removeListener("SIGINT", interrupt);
    retry(why);
  };
  connection.on("error", (error) => {
    done = true;
    if (reader === null) again(`${error.message} (is it still running with tsdb/register?)`);
    else fail(`${pid}: ${error.message} (is it still running with tsdb/register?)`);
  });
  connection.on("close", () => {
    if (!done) end(0, "\nThe program ended.\n");
  });
  connection.on(
    "data",
    messages<ToDebugger>((message) => {
      if (message.t === "refused") {
        done = true;
        connection.destroy();
        if (reader === null) again(message.s);
        else fail(`${pid}: ${message.s}`);
        return;
      }
      if (reader === null) {
        reader = openReader(out);
        if (reader instanceof TerminalReader) reader.completer = completer;
      }
      if (message.t === "out") out.write(message.s);
      else if (message.t === "bye") end(0);
      else if (message.t === "prompt") {
        let line: string | null;
        try {
          line = reader.readline(message.s);
        } catch (error) {
          if (!(error instanceof Interrupt)) throw error;
          connection.write(encode({ t: "kbint" }));
          return;
        }
        connection.write(encode(line === null ? { t: "eof" } : { t: "line", s: line }));
      }
    }),
  );
}

/** How long Tab waits for the program's candidates. */
const COMPLETION_MS = 5000;

/** The line editor's completer: the program's debugger answers (completer.ts carries the question). */
function remoteCompleter(socket: string, key: string): Completer {
  const slot = new SharedArrayBuffer(8 + (1 << 20));
  const state = new Int32Array(slot, 0, 2);
  const bytes = new Uint8Array(slot, 8);
  const data: CompleterData = { socket, key, slot };
  // (from dist/: the `tsdb` command runs this code from a bundle, build.mjs)
  const worker = new Worker(join(__dirname, "..", "control", "completer.js"), { ...PRIVATE_THREAD, workerData: data });
  worker.unref();
  let last = 0;
  return (line, cursor) => {
    const id = ++last;
    worker.postMessage({ id, line, cursor });
    const until = Date.now() + COMPLETION_MS;
    for (let left = COMPLETION_MS; Atomics.load(state, 0) !== id && left > 0; left = until - Date.now())
      Atomics.wait(state, 0, Atomics.load(state, 0), left);
    if (Atomics.load(state, 0) !== id) return { start: cursor, candidates: [] };
    return JSON.parse(Buffer.from(bytes.subarray(0, state[1])).toString("utf8")) as { start: number; candidates: string[] };
  };
}
