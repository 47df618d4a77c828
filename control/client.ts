/**
 * `tsdb -p PID`: the debugger's terminal end for a program started with `tsdb/register`. The
 * debugger runs inside the program (attached.ts); this process shows its output, reads the
 * lines it asks for (line editor, history) and turns Ctrl-C into an interrupt request.
 */
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { Interrupt, openReader, stdout, writeAll } from "../debugger/io.js";
import { controlDir, keyPath, notPrivate, socketPath } from "./paths.js";
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
  const socket = socketPath(dir, pid);
  if (!existsSync(socket)) {
    fail(
      `${pid}: it does not listen for a debugger (it was not started with tsdb/register: node --import tsdb/register app.js, or --require tsdb/register)`,
    );
  }
  const why = notPrivate(dir, owner);
  if (why !== null) fail(`${pid}: ${why}`);
  let key: string;
  try {
    key = readFileSync(keyPath(dir, pid), "utf8");
  } catch (error) {
    fail(`${pid}: cannot read its key (${(error as Error).message})`);
  }

  const out = stdout;
  const reader = openReader(out);
  const connection = connect(socket);
  let done = false;
  const end = (status: number, text = "") => {
    done = true;
    reader.close();
    if (text) out.write(text);
    process.exit(status);
  };
  connection.on("connect", () => connection.write(encode({ t: "hello", key })));
  connection.on("error", (error) => fail(`${pid}: ${error.message} (is it still running with tsdb/register?)`));
  connection.on("close", () => {
    if (!done) end(0, "\nThe program ended.\n");
  });
  // Ctrl-C while the program runs (the terminal is ours, in cooked mode): stop it.
  process.on("SIGINT", () => connection.write(encode({ t: "interrupt" })));
  connection.on(
    "data",
    messages<ToDebugger>((message) => {
      if (message.t === "out") out.write(message.s);
      else if (message.t === "refused") fail(`${pid}: ${message.s}`);
      else if (message.t === "bye") end(0);
      else {
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
