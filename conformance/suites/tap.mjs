// TAP as mocha's `tap` reporter and tape print it: each `ok`/`not ok` line is a
// test (mocha) or an assertion (tape, keyed with the `# test` it belongs to).

/** { tests: Map(key → "pass" | "fail" | "skip"), counts: { pass, fail, skip } } */
export function parseTap(text = "") {
  const tests = new Map();
  const counts = { pass: 0, fail: 0, skip: 0 };
  let group = "";
  for (const line of text.split("\n")) {
    const comment = /^# (?!tests |pass |fail |skip |ok$)(.*)$/.exec(line);
    if (comment) {
      group = comment[1];
      continue;
    }
    const m = /^(not )?ok (\d+)(?: -)? ?(.*)$/.exec(line);
    if (!m) continue;
    const skip = /#\s*(SKIP|TODO)\b/i.test(m[3]);
    const status = skip ? "skip" : m[1] ? "fail" : "pass";
    const key = `${group ? `${group} › ` : ""}${m[2]} ${m[3].replace(/\s*#\s*(SKIP|TODO).*$/i, "")}`;
    tests.set(key, status);
    counts[status]++;
  }
  return { tests, counts };
}

/**
 * The tests whose outcome differs from the reference (timing-threshold tests excepted):
 * [{ test, plain, here }]. In a run that was `stopped`, tests not reached are no difference.
 */
export function compareTap(reference, got, timing, stopped = false) {
  const differences = [];
  const excepted = (key) => timing.some((t) => key.includes(t));
  for (const [key, status] of reference.tests) {
    const here = got.tests.get(key) ?? "missing";
    if (here === "missing" && stopped) continue;
    if (here !== status && !excepted(key)) differences.push({ test: key, plain: status, here });
  }
  for (const [key, status] of got.tests)
    if (!reference.tests.has(key) && !excepted(key)) differences.push({ test: key, plain: "missing", here: status });
  return differences;
}
