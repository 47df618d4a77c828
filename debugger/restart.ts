/**
 * `restart`/`run`: the program runs again in a fresh process (a new
 * `tsdb` on the same script), which takes over the terminal while this one
 * waits for it and then exits with its status. What the session set up
 * goes along in a private file: breakpoints (numbers, conditions, ignore
 * counts, hits, command lists), display expressions and aliases.
 */
import type * as ChildProcess from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Breakpoint } from "../bdb/index.js";
import { PACKAGE_ROOT } from "../common/package.js";
import { ownBuiltins } from "../common/own-builtins.js";
import type { BreakpointCommands, Tsdb } from "./debugger.js";
import { readPrivate } from "./user-files.js";

/** The environment variable that hands the state file to the new process. */
const STATE_VARIABLE = "TSDB_RESTART_STATE";

interface SavedBreakpoint {
  number: number;
  file: string;
  line: number;
  temporary: boolean;
  cond: string | null;
  funcname: string | null;
  enabled: boolean;
  ignore: number;
  hits: number;
  commands?: BreakpointCommands;
}

export interface SessionState {
  breakpoints: SavedBreakpoint[];
  aliases: [string, string][];
  displays: { filename: string; qualname: string; exprs: string[] }[];
}

function save(db: Tsdb): SessionState {
  const breakpoints: SavedBreakpoint[] = [];
  for (const bp of Breakpoint.bpbynumber) {
    if (bp === null) continue;
    const { number, file, line, temporary, cond, funcname, enabled, ignore, hits } = bp;
    breakpoints.push({ number, file, line, temporary, cond, funcname, enabled, ignore, hits, commands: db.bpCommands.get(number) });
  }
  const displays = [...db.displaying].map(([frame, map]) => ({
    filename: frame.code.filename,
    qualname: frame.code.qualname,
    exprs: [...map.keys()],
  }));
  return { breakpoints, aliases: [...db.aliases], displays };
}

/** Runs the script again (with `args`, or the same arguments) in a new process; exits with its status. */
export function runAgain(db: Tsdb, script: string, args: string[], options: string[]): never {
  db.message(`Restarting ${script} with arguments:`);
  db.message("\t" + args.join(" "));
  const dir = mkdtempSync(join(tmpdir(), "tsdb-restart-"));
  const file = join(dir, "state.json");
  writeFileSync(file, JSON.stringify(save(db)), { mode: 0o600 });
  db.reader.close();
  const bin = join(PACKAGE_ROOT, "dist", "bin", "tsdb.js");
  // (loaded here: a session that never restarts does not pay for it)
  const { spawnSync } = require("node:child_process") as typeof ChildProcess;
  const r = spawnSync(process.execPath, [...process.execArgv, bin, ...options, "--", script, ...args], {
    stdio: "inherit",
    env: { ...process.env, [STATE_VARIABLE]: file },
  });
  rmSync(dir, { recursive: true, force: true });
  // (the program's exit handlers run with its own built-ins)
  return ownBuiltins.asProgram(() => process.exit(r.status ?? 1));
}

/** The state handed over by the process that restarted this one (taken out of the environment the program sees), or null. */
export function takeState(warn: (text: string) => void): SessionState | null {
  const file = process.env[STATE_VARIABLE];
  delete process.env[STATE_VARIABLE];
  if (!file) return null;
  // the file lives in a directory only this user can enter; it is checked all the same
  try {
    if ((statSync(join(file, "..")).mode & 0o077) !== 0) return null;
  } catch {
    return null;
  }
  const text = readPrivate(file, warn);
  if (text === null) return null;
  try {
    return JSON.parse(text) as SessionState;
  } catch {
    return null;
  }
}

/** Sets up a new session as the one that restarted it was. */
export function restore(db: Tsdb, state: SessionState): void {
  for (const saved of state.breakpoints) {
    // breakpoint numbers stay as they were (cleared ones stay unused)
    while (Breakpoint.next < saved.number) {
      Breakpoint.bpbynumber.push(null);
      Breakpoint.next++;
    }
    const err = db.setBreak(saved.file, saved.line, saved.temporary, saved.cond, saved.funcname);
    const bp = Breakpoint.bpbynumber[saved.number];
    if (err || !bp) {
      db.error(`breakpoint ${saved.number} at ${saved.file}:${saved.line} could not be set again: ${err}`);
      continue;
    }
    db.instrumentFile?.(bp.file);
    bp.enabled = saved.enabled;
    bp.ignore = saved.ignore;
    bp.hits = saved.hits;
    if (saved.commands) db.bpCommands.set(saved.number, saved.commands);
  }
  for (const [name, text] of state.aliases) db.aliases.set(name, text);
  db.pendingDisplays.push(...state.displays);
}
