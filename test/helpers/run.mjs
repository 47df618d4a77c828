// Helpers for tests: instrument a source text into a temporary file, run it
// (with a trace function installed, or plain), and collect what happened.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { instrument } from "../../dist/compiler.mjs";
import * as rt from "../../dist/runtime-internal.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "../..");
export const tmp = join(root, "test/.tmp");
export const runtimePath = join(root, "dist/runtime/internal.js");
let counter = 0;

/** Writes `source` instrumented as `name` (an extension picks the language); returns the file's path. */
export function instrumentToFile(source, name = "case.mjs", options = {}) {
  const dir = join(tmp, `${process.pid}-${counter++}`);
  mkdirSync(dir, { recursive: true });
  const original = join(dir, name);
  writeFileSync(original, source);
  const out = original.replace(/\.([cm]?)[jt]sx?$/, (_, m) => `.out.${m}js`);
  const { code } = instrument(source, { filename: original, runtime: runtimePath, sourceMaps: "inline", ...options });
  writeFileSync(out, code);
  return { original, out };
}

/** Imports (ESM) or requires (CJS) the instrumented file; resolves to its exports. */
export async function load(out) {
  return import(pathToFileURL(out).href);
}

/**
 * Runs `source` instrumented, with a trace function that records every
 * `(event, code.name, lineno)` of frames in that file and traces everything.
 * Returns { events, exports, error }.
 */
export async function traceRun(source, name = "case.mjs", { local, options, after } = {}) {
  const { original, out } = instrumentToFile(source, name, options);
  const events = [];
  const tracer = (frame, event, arg) => {
    // Looking never changes the program: every frame's locals are read at every event.
    readEveryFrame(frame);
    if (frame.code.filename === original) {
      events.push([event, frame.code.name, frame.lineno]);
      local?.(frame, event, arg, events);
    }
    return tracer;
  };
  rt.settrace(tracer);
  let exports, error;
  try {
    exports = await load(out);
    if (after) await after(exports);
  } catch (e) {
    error = e;
  } finally {
    rt.settrace(null);
  }
  return { events, exports, error, original, out };
}

/** Reads every binding of every frame on the stack (what a debugger showing all of them does). */
// (Index loops and Object.keys saved now: a program under test may patch Array.prototype's iterator.)
const { keys } = Object;
export function readEveryFrame(frame) {
  for (let f = frame; f !== null; f = f.back) {
    const names = keys(f.locals);
    for (let i = 0; i < names.length; i++) void f.locals[names[i]];
  }
}

export { rt };
