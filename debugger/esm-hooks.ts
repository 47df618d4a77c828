/**
 * ES module hooks (`module.register`), run by Node on its loader thread:
 * instrument the ES modules the debugged program imports, let TypeScript
 * files be imported (also as `./x.js` when `./x.ts` is what exists), and hand
 * CommonJS files to the CommonJS loader, where the require hook instruments them.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { instrument } from "../compiler/instrument.js";
import { formatOf, isTypeScript, wanted } from "./files.js";

interface HookData {
  runtime: string;
}

let runtime = "";

export function initialize(data: HookData): void {
  runtime = data.runtime;
}

type Resolved = { url: string; format?: string | null; shortCircuit?: boolean };
type NextResolve = (specifier: string, context?: unknown) => Promise<Resolved>;
type Loaded = { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean };
type NextLoad = (url: string, context?: unknown) => Promise<Loaded>;

const ALTERNATIVES: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
  "": [".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", "/index.ts", "/index.js"],
};

export async function resolve(specifier: string, context: { parentURL?: string }, nextResolve: NextResolve): Promise<Resolved> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = /^\.{1,2}\//.test(specifier) || specifier.startsWith("/") || specifier.startsWith("file:");
    if (!relative || !context.parentURL?.startsWith("file:")) throw error;
    const base = new URL(specifier, context.parentURL);
    const path = fileURLToPath(base);
    const m = /(\.[cm]?jsx?)$/.exec(path);
    const ext = m ? m[1] : "";
    const stem = ext ? path.slice(0, -ext.length) : path;
    for (const alt of ALTERNATIVES[ext] ?? []) {
      if (existsSync(stem + alt)) return { url: pathToFileURL(stem + alt).href, shortCircuit: true };
    }
    throw error;
  }
}

export async function load(url: string, context: { format?: string | null }, nextLoad: NextLoad): Promise<Loaded> {
  if (!url.startsWith("file:")) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  if (!wanted(filename)) return nextLoad(url, context);
  let source: string;
  let format: string;
  if (isTypeScript(filename)) {
    source = readFileSync(filename, "utf8");
    format = formatOf(filename, source);
  } else {
    const loaded = await nextLoad(url, context);
    if (loaded.format !== "module") return loaded;
    format = "module";
    source = loaded.source == null ? readFileSync(filename, "utf8") : Buffer.from(loaded.source as Uint8Array).toString("utf8");
  }
  if (format === "commonjs") return { format: "commonjs", source: null, shortCircuit: true };
  const { code } = instrument(source, { filename, sourceMaps: "inline", sourceType: "module", runtime });
  return { format: "module", source: code, shortCircuit: true };
}
