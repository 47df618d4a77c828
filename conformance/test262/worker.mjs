// A child process of the test262 pool: runs the jobs the parent sends, one
// test run (a file in one scenario) in every asked mode, and answers each mode's
// result as soon as it is known (so that a hang is pinned on its mode).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { instrument } from "tsdb/compiler";
import { bundleSource, runtimeSpecifier } from "./bundle.mjs";
import { Realm } from "./realm.mjs";

// A test's promise rejected and never handled is the test's business, not this process's end.
process.on("unhandledRejection", () => {});

const specifier = runtimeSpecifier();
const bundle = new vm.Script(await bundleSource(specifier), { filename: "tsdb-bundle.js" });
const harnessScripts = new Map();

function harness(root, name) {
  const path = join(root, "harness", name);
  let script = harnessScripts.get(path);
  if (!script) harnessScripts.set(path, (script = new vm.Script(readFileSync(path, "utf8"), { filename: path })));
  return script;
}

function errorName(error) {
  try {
    if ((typeof error === "object" && error !== null) || typeof error === "function") {
      const name = error.constructor?.name;
      if (typeof name === "string" && name) return name;
    }
  } catch {}
  return typeof error;
}

function describe(error) {
  let message;
  try {
    message = error?.message ?? String(error);
  } catch {
    message = "(unprintable)";
  }
  return `${errorName(error)}: ${String(message).split("\n")[0]}`;
}

const isTimeout = (error) => error?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT";

function within(promise, ms) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** One mode of one job: { status: "pass" | "fail" | "timeout", message?, observations? }. */
async function runMode(job, mode, instrumentFile) {
  const { root, file, run, meta, timeout } = job;
  const path = join(root, file);
  const negative = meta.negative;
  const isAsync = meta.flags.includes("async");
  const realm = new Realm({ instrumented: mode !== "plain", instrumentFile, bundle, runtimeSpecifier: specifier, timeout });
  realm.mainFile = path;
  const verdict = (status, message) => {
    const result = { status };
    if (message) result.message = message;
    if (realm.observations.size > 0) result.observations = [...realm.observations];
    return result;
  };
  const judge = (error, phase) => {
    if (isTimeout(error)) return verdict("timeout");
    if (negative && negative.phase === phase && errorName(error) === negative.type) return verdict("pass");
    return verdict("fail", `${phase}: ${describe(error)}`);
  };
  let stop = () => {};
  try {
    if (run !== "raw") {
      for (const name of ["assert.js", "sta.js", ...(isAsync ? ["doneprintHandle.js"] : []), ...meta.includes])
        realm.run(harness(root, name));
    }
    const done = isAsync
      ? new Promise((resolve) => (realm.onPrint = (text) => text.startsWith("Test262:AsyncTest") && resolve(text)))
      : null;
    stop = realm.startMode(mode);
    if (run === "module") {
      let module;
      try {
        module = realm.module(path);
      } catch (error) {
        return judge(error, "parse");
      }
      try {
        await module.link(realm.linker);
      } catch (error) {
        return judge(error, "resolution");
      }
      try {
        await module.evaluate({ timeout });
      } catch (error) {
        return judge(error, "runtime");
      }
    } else {
      let script;
      try {
        script = realm.compileScript(run === "strict" ? `"use strict";\n${job.source}` : job.source, path);
      } catch (error) {
        return judge(error, "parse");
      }
      try {
        realm.run(script);
      } catch (error) {
        return judge(error, "runtime");
      }
    }
    if (negative) return verdict("fail", `expected ${negative.type} (${negative.phase}), nothing thrown`);
    if (isAsync) {
      const text = await within(done, timeout);
      if (text === "timeout") return verdict("timeout");
      if (text !== "Test262:AsyncTestComplete") return verdict("fail", text);
    }
    const depth = realm.stackDepth();
    if (depth !== 0) realm.observations.add(`${depth} frame(s) left on the shadow stack`);
    return verdict("pass");
  } catch (error) {
    return verdict(isTimeout(error) ? "timeout" : "fail", `harness: ${describe(error)}`);
  } finally {
    // Uninstalling the trace function can fail when the program broke what tsdb uses: a difference too.
    try {
      stop();
    } catch (error) {
      // biome-ignore lint/correctness/noUnsafeFinally: the failure to stop is the run's result
      return verdict("fail", `tsdb: settrace(null) threw ${describe(error)}`);
    }
  }
}

async function runJob(job) {
  job.source = readFileSync(join(job.root, job.file), "utf8");
  // One instrumentation per file and source type, shared by the modes.
  const cache = new Map();
  const instrumentFile = (path, source, sourceType) => {
    const key = `${sourceType}\0${source}`;
    let entry = cache.get(key);
    if (!entry) {
      try {
        entry = { code: instrument(source, { filename: path, sourceType, sourceMaps: "none", compact: job.compact }).code };
      } catch (error) {
        entry = { error };
      }
      cache.set(key, entry);
    }
    if (entry.error) throw entry.error;
    return entry.code;
  };
  for (const mode of job.modes) {
    process.send({ id: job.id, mode, result: await runMode(job, mode, instrumentFile) });
  }
  process.send({ id: job.id, done: true });
}

process.on("message", (job) => {
  runJob(job).catch((error) => process.send({ id: job.id, crash: describe(error) }));
});
process.send({ ready: true });
