/**
 * How the load hook compiles JSX, as tsx does: the nearest tsconfig.json's
 * `jsx` setting (`react-jsx`/`react-jsxdev`: the automatic runtime from
 * `jsxImportSource`; otherwise the classic `React.createElement`, or
 * `jsxFactory`/`jsxFragmentFactory`). Pragmas in the file (`@jsx`,
 * `@jsxFrag`, `@jsxRuntime`, `@jsxImportSource`) win, as in Babel.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Options of @babel/plugin-transform-react-jsx. */
export interface JsxOptions {
  runtime: "classic" | "automatic";
  pragma?: string;
  pragmaFrag?: string;
  importSource?: string;
}

interface CompilerOptions {
  jsx?: string;
  jsxFactory?: string;
  jsxFragmentFactory?: string;
  jsxImportSource?: string;
}

/** tsconfig.json is JSON with comments and trailing commas. */
function parseJsonc(text: string): unknown {
  const stripped = text
    .replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, string: string | undefined) => string ?? "")
    .replace(/("(?:\\.|[^"\\])*")|,(\s*[}\]])/g, (_, string: string | undefined, close: string | undefined) => string ?? close ?? "");
  return JSON.parse(stripped);
}

const byDir = new Map<string, CompilerOptions>();

/** The compilerOptions of the nearest tsconfig.json above `dir` (`extends` not followed), or {}. */
function compilerOptions(dir: string): CompilerOptions {
  let found = byDir.get(dir);
  if (found !== undefined) return found;
  let text: string | undefined;
  try {
    text = readFileSync(join(dir, "tsconfig.json"), "utf8");
  } catch {
    // none here
  }
  if (text !== undefined) {
    try {
      const options = (parseJsonc(text) as { compilerOptions?: CompilerOptions } | null)?.compilerOptions;
      found = options && typeof options === "object" ? options : {};
    } catch {
      found = {}; // TypeScript's to report
    }
  } else {
    found = dirname(dir) === dir ? {} : compilerOptions(dirname(dir));
  }
  byDir.set(dir, found);
  return found;
}

/** The JSX transform's options for `filename`. */
export function jsxOptions(filename: string): JsxOptions {
  const options = compilerOptions(dirname(filename));
  if (options.jsx === "react-jsx" || options.jsx === "react-jsxdev") {
    return options.jsxImportSource ? { runtime: "automatic", importSource: options.jsxImportSource } : { runtime: "automatic" };
  }
  const classic: JsxOptions = { runtime: "classic" };
  if (options.jsxFactory) classic.pragma = options.jsxFactory;
  if (options.jsxFragmentFactory) classic.pragmaFrag = options.jsxFragmentFactory;
  return classic;
}
