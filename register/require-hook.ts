/**
 * The CommonJS half of `tsdb/register`: a `require.extensions` hook in the
 * manner of `pirates`, which also passes on the module format Node 20.19+
 * gives `Module.prototype._compile` (pirates drops it, and then `require()`
 * of an ES module — `require(esm)` — compiles it as CommonJS).
 */
import Module from "node:module";

/**
 * `(code, filename, format)` → the code to compile; `format` is what Node decided, when it did.
 * `run`, for CommonJS: runs the module itself, given Node's `_compile` of this module for a body.
 */
export type CompileHook = (
  code: string,
  filename: string,
  format: "module" | "commonjs" | undefined,
) => { code: string; format?: "module" | "commonjs"; run?: (nodeCompile: (body: string) => unknown) => unknown };

type Loader = (module: CompilingModule, filename: string) => void;
interface CompilingModule {
  _compile(code: string, filename: string, format?: string): unknown;
}

const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;

/**
 * Installs `hook` for `exts` (files with other extensions that Node loads
 * with the `.js` loader, `.cjs` and `.mjs` among them, come through `.js`);
 * `moduleGraph` runs the compiling of a file Node compiles as an ES module.
 * Returns the function that removes it.
 */
export function addRequireHook(
  hook: CompileHook,
  exts: readonly string[],
  matcher: (filename: string) => boolean,
  moduleGraph: <T>(compile: () => T) => T,
): () => void {
  const installed = new Map<string, { loader: Loader; previous: Loader | undefined }>();
  let active = true;
  // Taken before installing: an extension Node has no loader for falls back to
  // the `.js` loader as it was, not to this hook's own `.js` loader.
  const jsLoader = extensions[".js"];
  for (const ext of exts) {
    const previous = extensions[ext];
    const fallback = previous ?? jsLoader;
    const loader: Loader = (module, filename) => {
      if (!active) return fallback(module, filename);
      const compile = module._compile;
      const own = Object.hasOwn(module, "_compile");
      // Back as it was: an inherited `_compile` is not left behind as an own (enumerable) property.
      const restore = () => {
        if (own) module._compile = compile;
        else delete (module as Partial<CompilingModule>)._compile;
      };
      const hooked = matcher(filename);
      module._compile = function (this: CompilingModule, ...args: [string, string, string?]) {
        restore();
        if (!hooked) {
          // Not instrumented, but an ES module's imports may be (require(esm)).
          const call = () => Reflect.apply(compile, this, args);
          return args[2] === "module" ? moduleGraph(call) : call();
        }
        const [code, name, format] = args;
        const given = format === "module" || format === "commonjs" ? format : undefined;
        const result = hook(code, filename, given);
        const out = result.format ?? format;
        if (result.run !== undefined && out !== "module") {
          return result.run((body) => (out === undefined ? compile.call(this, body, name) : compile.call(this, body, name, out)));
        }
        if (out === undefined) return compile.call(this, result.code, name);
        // An ES module: Node loads, links and runs its graph in this call (require(esm)).
        if (out === "module") return moduleGraph(() => compile.call(this, result.code, name, out));
        return compile.call(this, result.code, name, out);
      };
      try {
        return fallback(module, filename);
      } finally {
        // The loader may have thrown before compiling (ERR_REQUIRE_ESM, unreadable file).
        if (Object.hasOwn(module, "_compile") && module._compile !== compile) restore();
      }
    };
    extensions[ext] = loader;
    installed.set(ext, { loader, previous });
  }
  return () => {
    active = false;
    for (const [ext, { loader, previous }] of installed) {
      // Restore only where nobody has hooked on top of us since; otherwise stay, inert.
      if (extensions[ext] !== loader) continue;
      if (previous) extensions[ext] = previous;
      else delete extensions[ext];
    }
  };
}
