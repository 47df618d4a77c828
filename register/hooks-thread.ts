/**
 * Node's ES module hooks thread (Node 20: `module.register()` runs hooks on a thread of their own).
 * `module.register()` makes the thread, then waits for it to boot (Node's bootstrap of a worker,
 * 40–100 ms of CPU) before it returns: nothing else runs on the main thread meanwhile.
 * `startHooksThread()` has Node make the thread without waiting for it, so that it boots while the
 * main thread loads what it needs; the `register()` that installs tsdb's hooks later waits only for
 * what is left of the boot (bench/FINDINGS.md §42).
 *
 * How: Node 20 makes the thread (`new HooksProxy()`, lib/internal/modules/esm/loader.js) before it
 * turns the specifier into a string, and waits for it only after. A specifier whose conversion
 * throws stops the call between the two, with the thread made and no hook registered: the loader
 * resolves and loads as it does without hooks until `register()` adds tsdb's. A Node that converts
 * first (or checks the argument) throws before making anything: the thread then starts in
 * `register()`, as it did before.
 */
import Module from "node:module";

/**
 * Set in the environment while the hooks thread is made: it runs `--require` preloads too, and its
 * environment is a copy taken then, so that tsdb/register, preloaded, does not register hooks of its own there.
 */
export const HOOKS_THREAD = "TSDB_REGISTER_HOOKS_THREAD";

/** Runs `make` (something that may make the hooks thread) with the thread's mark in the environment. */
export function asHooksThread<T>(make: () => T): T {
  process.env[HOOKS_THREAD] = "1";
  try {
    return make();
  } finally {
    delete process.env[HOOKS_THREAD];
  }
}

/** What stops `module.register()` once the thread is made (see above). */
const STOP = new Error("tsdb: the hooks thread is started ahead");
const STOPPING_SPECIFIER = {
  toString(): string {
    throw STOP;
  },
};

/** Has Node make its ES module hooks thread now, without waiting for it; nothing on a Node without `module.register()`. */
export function startHooksThread(): void {
  const register = (Module as unknown as { register?: (specifier: unknown) => void }).register;
  if (typeof register !== "function") return;
  try {
    asHooksThread(() => register(STOPPING_SPECIFIER));
  } catch {
    // STOP, or a Node that refuses the specifier before making anything (see above)
  }
}
