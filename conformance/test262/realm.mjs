// One fresh realm (a `vm` context) per test run, with what test262's host
// contract asks for (`print`, `$262`), tsdb's runtime evaluated inside it when
// the run is instrumented, and a module loader for module tests and `import()`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";

const hostRequire = createRequire(import.meta.url);

const hostSetup = new vm.Script(`(function (host) {
  globalThis.print = function print(...args) { host.print(args.map(String).join(" ")); };
  globalThis.$262 = {
    global: globalThis,
    evalScript(source) { return host.evalScript(String(source)); },
    createRealm() { return host.createRealm(); },
    detachArrayBuffer(buffer) { host.detachArrayBuffer(buffer); },
  };
  return globalThis.$262;
})`);

// What a mode installs before the test runs; returns the function that uninstalls it.
const modeSetup = new vm.Script(`(function (tsdb, mode, observe) {
  if (mode === "traced") {
    // Every event, and at each line every key of every frame's locals read. (With built-ins saved
    // now and index loops, as a debugger must: the test may patch Array.prototype's iterator.)
    const ownKeys = Reflect.ownKeys;
    const generated = (key) => {
      if (typeof key !== "string" || key[0] !== "$" || key[1] !== "t") return false;
      // $t$, $t0$, and a script's own $t<key>$ (letters, digits, _)
      let i = 2;
      while ((key[i] >= "0" && key[i] <= "9") || (key[i] >= "a" && key[i] <= "z") || key[i] === "_") i++;
      return key[i] === "$";
    };
    const tracer = (frame, event) => {
      if (event === "line") {
        for (let f = frame; f; f = f.back) {
          const locals = f.locals;
          const keys = ownKeys(locals);
          for (let i = 0; i < keys.length; i++) {
            if (generated(keys[i])) observe("locals show the generated name " + keys[i]);
            locals[keys[i]];
          }
        }
      }
      return tracer;
    };
    tsdb.settrace(tracer);
  } else if (mode === "bdb") {
    // A Bdb that stops at every event and steps on.
    class Stepper extends tsdb.Bdb {
      userCall() { this.setStep(); }
      userLine() { this.setStep(); }
      userReturn() { this.setStep(); }
      userException() { this.setStep(); }
    }
    new Stepper().setTrace();
  }
  return () => tsdb.settrace(null);
})`);

/**
 * A realm for one run. `instrumented` says whether the program's files are
 * instrumented (then `instrumentFile(path, source, sourceType)` gives their
 * code and tsdb's runtime lives in the realm); `bundle` is the vm.Script of
 * tsdb made by bundle.mjs.
 */
export class Realm {
  constructor({ instrumented, instrumentFile, bundle, runtimeSpecifier, timeout }) {
    this.options = { instrumented, instrumentFile, bundle, runtimeSpecifier, timeout };
    this.instrumented = instrumented;
    this.instrumentFile = instrumentFile;
    this.timeout = timeout;
    this.runtimeSpecifier = runtimeSpecifier;
    this.context = vm.createContext();
    this.global = vm.runInContext("globalThis", this.context);
    this.printed = [];
    this.onPrint = null;
    this.observations = new Set();
    this.modules = new Map();
    this.runtimeModule = null;
    this.scripts = 0;
    this.$262 = hostSetup.runInContext(this.context)({
      print: (text) => {
        this.printed.push(text);
        this.onPrint?.(text);
      },
      evalScript: (source) => this.evalScript(source),
      createRealm: () => new Realm(this.options).$262,
      detachArrayBuffer: (buffer) => void structuredClone(buffer, { transfer: [buffer] }),
    });
    if (instrumented) {
      const { tsdb, runtime } = bundle.runInContext(this.context)({ require: hostRequire, process, queueMicrotask, console });
      this.tsdb = tsdb;
      this.runtime = runtime;
      // A classic script's header is evaluated once per realm, as a Script: here, in this context.
      runtime.scriptRealm((text) => vm.runInContext(text, this.context));
    }
  }

  /** Installs the mode's trace function (none for `plain` and `untraced`); returns the uninstaller. */
  startMode(mode) {
    if (!this.instrumented || mode === "untraced") return () => {};
    return modeSetup.runInContext(this.context)(this.tsdb, mode, (text) => this.observations.add(text));
  }

  /** The frames left on the shadow stack (0 after a run that finished). */
  stackDepth() {
    return this.instrumented ? this.runtime.state.sp : 0;
  }

  /** Code of a file of the program: instrumented or not. A refused file throws this realm's SyntaxError. */
  code(path, source, sourceType) {
    if (!this.instrumented) return source;
    // The text toString answers for its functions (the strict run's has the "use strict" line).
    this.runtime.registerSource(path, source);
    try {
      return this.instrumentFile(path, source, sourceType);
    } catch (error) {
      if (error?.name === "InstrumentError") throw new this.global.SyntaxError(`tsdb: ${error.message.split("\n")[0]}`);
      throw error;
    }
  }

  /** Compiles a classic script of the program (errors as this realm's errors). */
  compileScript(source, filename) {
    const code = this.code(filename, source, "script");
    try {
      return new vm.Script(code, { filename, importModuleDynamically: (specifier) => this.importDynamic(specifier, filename) });
    } catch (error) {
      throw this.ownError(error);
    }
  }

  /** Runs a compiled script in this realm, under the time limit. */
  run(script) {
    return script.runInContext(this.context, { timeout: this.timeout });
  }

  /** `$262.evalScript`: another script of the same program, instrumented like the test itself. */
  evalScript(source) {
    return this.run(this.compileScript(source, `${this.mainFile ?? "<evalScript>"}#evalScript-${++this.scripts}`));
  }

  ownError(error) {
    if (error instanceof SyntaxError) return new this.global.SyntaxError(error.message);
    return error;
  }

  /** The module at `path`, made (not linked) on first use. */
  module(path) {
    let module = this.modules.get(path);
    if (module) return module;
    const source = readFileSync(path, "utf8");
    const code = this.code(path, source, "module");
    try {
      module = new vm.SourceTextModule(code, {
        context: this.context,
        identifier: path,
        initializeImportMeta: (meta) => {
          meta.url = pathToFileURL(path).href;
        },
        importModuleDynamically: (specifier) => this.importDynamic(specifier, path),
      });
    } catch (error) {
      throw this.ownError(error);
    }
    this.modules.set(path, module);
    return module;
  }

  /** The module that instrumented code imports the runtime from: this realm's runtime. */
  runtimeAsModule() {
    if (!this.runtimeModule) {
      const runtime = this.runtime;
      const names = Object.keys(runtime);
      this.runtimeModule = new vm.SyntheticModule(
        names,
        function () {
          for (const name of names) this.setExport(name, runtime[name]);
        },
        { context: this.context, identifier: this.runtimeSpecifier },
      );
    }
    return this.runtimeModule;
  }

  linker = (specifier, referencing) => {
    if (this.instrumented && specifier === this.runtimeSpecifier) return this.runtimeAsModule();
    return this.module(resolve(dirname(referencing.identifier), specifier));
  };

  /** Links and evaluates a module; resolves to it. */
  async evaluate(module) {
    if (module.status === "unlinked") await module.link(this.linker);
    await module.evaluate({ timeout: this.timeout });
    return module;
  }

  async importDynamic(specifier, referrer) {
    return this.evaluate(this.module(resolve(dirname(referrer), specifier)));
  }
}
