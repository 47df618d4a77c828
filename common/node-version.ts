/**
 * The oldest Node tsdb runs on: 20.6, the first with `module.register()` (the ES module
 * load hook; on 20.5 ES modules would silently go uninstrumented). Checked at startup by
 * `tsdb/register` and the commands, with a clear message instead of a half-working run.
 */
export const MINIMUM_NODE = "20.6.0";

/** The message for a Node version older than MINIMUM_NODE, or null when `version` will do. */
export function unsupportedNode(version: string = process.versions.node): string | null {
  const have = version.split(".").map(Number);
  const need = MINIMUM_NODE.split(".").map(Number);
  for (let i = 0; i < need.length; i++) {
    if ((have[i] ?? 0) > need[i]) return null;
    if ((have[i] ?? 0) < need[i]) return `tsdb needs Node.js ${MINIMUM_NODE} or later (this is ${version}): upgrade Node to use it`;
  }
  return null;
}

/** Throws when this Node is too old. */
export function requireSupportedNode(): void {
  const problem = unsupportedNode();
  if (problem) throw new Error(problem);
}
