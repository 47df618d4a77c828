// Preloaded (`node --import tsdb/register --import ./mode.mjs …`) into a
// library's test run: installs the tracing mode named by TSDB_CONFORMANCE_MODE
// (`untraced`, `traced`: every event, every frame's locals read at each line;
// `bdb`: a Bdb stepping through every event) and, at exit, writes how many
// files were instrumented and events seen to TSDB_CONFORMANCE_OUT.
import { writeFileSync } from "node:fs";
import { Bdb, settrace } from "tsdb";
// The files instrumented in this process (not public API: the count is evidence that the run was instrumented).
import { loadedfiles } from "tsdb/runtime/internal";

const mode = process.env.TSDB_CONFORMANCE_MODE ?? "untraced";
let events = 0;
const generated = new Set();

if (mode === "traced") {
  const tracer = (frame, event) => {
    events++;
    if (event === "line") {
      for (let f = frame; f; f = f.back) {
        const locals = f.locals;
        for (const key of Reflect.ownKeys(locals)) {
          if (typeof key === "string" && /^\$t\w*\$/.test(key)) generated.add(key);
          locals[key];
        }
      }
    }
    return tracer;
  };
  settrace(tracer);
} else if (mode === "bdb") {
  class Stepper extends Bdb {
    userCall() {
      events++;
      this.setStep();
    }
    userLine() {
      events++;
      this.setStep();
    }
    userReturn() {
      events++;
      this.setStep();
    }
    userException() {
      events++;
      this.setStep();
    }
  }
  new Stepper().setTrace();
} else if (mode !== "untraced") throw new Error(`TSDB_CONFORMANCE_MODE: unknown mode ${mode}`);

process.on("exit", () => {
  const out = process.env.TSDB_CONFORMANCE_OUT;
  if (out) writeFileSync(out, JSON.stringify({ mode, files: loadedfiles().length, events, generated: [...generated] }));
});
