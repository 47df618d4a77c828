// The tests of a tc39/test262 checkout: which files, what their frontmatter
// asks for (INTERPRETING.md), and the runs ("scenarios") each one needs.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import yaml from "js-yaml";

/**
 * Features Node 20 (V8 11.3) lacks, or that need a host hook this runner does
 * not give (`$262.agent`, `$262.gc`, `$262.IsHTMLDDA`, non-JavaScript modules).
 * Tests that use one are skipped and counted.
 */
export const UNSUPPORTED_FEATURES = new Set([
  "Array.fromAsync",
  "Atomics.pause",
  "Error.isError",
  "Float16Array",
  "IsHTMLDDA",
  "Math.sumPrecise",
  "RegExp.escape",
  "ShadowRealm",
  "Temporal",
  "arraybuffer-transfer",
  "array-grouping",
  "await-dictionary",
  "canonical-tz",
  "decorators",
  "explicit-resource-management",
  "host-gc-required",
  "immutable-arraybuffer",
  "import-bytes",
  "import-defer",
  "import-text",
  "iterator-helpers",
  "iterator-sequencing",
  "joint-iteration",
  "json-modules",
  "json-parse-with-source",
  "nonextensible-applies-to-private",
  "promise-try",
  "promise-with-resolvers",
  "regexp-duplicate-named-groups",
  "regexp-modifiers",
  "set-methods",
  "source-phase-imports",
  "source-phase-imports-module-source",
  "tail-call-optimization",
  "uint8array-base64",
  "upsert",
]);

const FRONTMATTER = /\/\*---([\s\S]*?)---\*\//;

/** The frontmatter of a test's source: { flags, includes, features, negative }. */
export function readMeta(source) {
  const match = FRONTMATTER.exec(source);
  const meta = match ? (yaml.safeLoad(match[1]) ?? {}) : {};
  return {
    flags: meta.flags ?? [],
    includes: meta.includes ?? [],
    features: meta.features ?? [],
    negative: meta.negative ?? null,
  };
}

/** Every test file under `dir` (a path inside the checkout), sorted, as paths relative to the checkout with `/`. */
export function listTests(root, dir = "test/language") {
  const found = [];
  const walk = (abs) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".js") && !entry.name.includes("_FIXTURE")) found.push(relative(root, path).split(sep).join("/"));
    }
  };
  walk(join(root, dir));
  return found.sort();
}

/**
 * The runs a test needs: `module`, `raw`, `strict` and/or `sloppy` (a test
 * with none of the flags runs twice, as INTERPRETING.md asks), or the
 * unsupported features that make it skipped.
 */
export function scenarios(meta) {
  const missing = meta.features.filter((f) => UNSUPPORTED_FEATURES.has(f));
  if (missing.length > 0) return { skip: missing, runs: [] };
  const flags = new Set(meta.flags);
  if (flags.has("module")) return { skip: null, runs: ["module"] };
  if (flags.has("raw")) return { skip: null, runs: ["raw"] };
  if (flags.has("onlyStrict")) return { skip: null, runs: ["strict"] };
  if (flags.has("noStrict")) return { skip: null, runs: ["sloppy"] };
  return { skip: null, runs: ["sloppy", "strict"] };
}

/** Reads a test and its needs. */
export function loadTest(root, file) {
  const source = readFileSync(join(root, file), "utf8");
  const meta = readMeta(source);
  return { file, meta, ...scenarios(meta) };
}
