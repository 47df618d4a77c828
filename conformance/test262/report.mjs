// What a test262 run found: counts per mode, the regressions (runs that pass
// plain and not instrumented) grouped by their message, as JSON and Markdown.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** A message with its test-specific parts (names, numbers, quoted text) blurred, to group runs by cause. */
export function causeOf(message = "") {
  return message
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "'…'")
    .replace(/\b\d+\b/g, "N")
    .slice(0, 160);
}

export function summarize({ runs, skipped }, modes) {
  const counts = {};
  for (const mode of modes) counts[mode] = { pass: 0, fail: 0, timeout: 0 };
  const regressions = {};
  const improvements = {};
  const observations = {};
  const failing = {};
  for (const mode of modes) {
    failing[mode] = [];
    regressions[mode] = [];
    improvements[mode] = [];
    observations[mode] = [];
  }
  for (const { file, run, results } of runs) {
    const plain = results.plain?.status;
    for (const mode of modes) {
      const result = results[mode];
      counts[mode][result.status] += 1;
      if (result.status !== "pass") failing[mode].push({ file, run, status: result.status, message: result.message ?? "" });
      if (result.observations) observations[mode].push({ file, run, observations: result.observations });
      if (mode === "plain" || !plain) continue;
      if (plain === "pass" && result.status !== "pass")
        regressions[mode].push({ file, run, status: result.status, message: result.message ?? "" });
      if (plain !== "pass" && result.status === "pass") improvements[mode].push({ file, run });
    }
  }
  const byFeature = {};
  for (const { features } of skipped) for (const f of features) byFeature[f] = (byFeature[f] ?? 0) + 1;
  const causes = {};
  for (const mode of modes) {
    const groups = new Map();
    for (const r of regressions[mode]) {
      const cause = r.status === "timeout" ? "timeout" : causeOf(r.message);
      if (!groups.has(cause)) groups.set(cause, []);
      groups.get(cause).push(`${r.file} [${r.run}]`);
    }
    causes[mode] = [...groups].map(([cause, tests]) => ({ cause, count: tests.length, tests })).sort((a, b) => b.count - a.count);
  }
  return {
    runs: runs.length,
    files: new Set(runs.map((r) => r.file)).size,
    skipped: { files: skipped.length, byFeature },
    counts,
    causes,
    regressions,
    improvements,
    observations,
    failing,
  };
}

export function markdown(summary, { title, modes, meta }) {
  const lines = [`# ${title}`, ""];
  for (const [key, value] of Object.entries(meta)) lines.push(`- ${key}: ${value}`);
  lines.push(`- test runs: ${summary.runs} (${summary.files} files; a file without strictness flags runs sloppy and strict)`);
  lines.push(
    `- files skipped for features Node 20 lacks: ${summary.skipped.files} (${Object.entries(summary.skipped.byFeature)
      .map(([f, n]) => `${f} ${n}`)
      .join(", ")})`,
  );
  lines.push(
    "",
    "| mode | pass | fail | timeout | regressions (pass plain, not here) | fixed (fail plain, pass here) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const mode of modes) {
    const c = summary.counts[mode];
    const reg = mode === "plain" ? "" : summary.regressions[mode].length;
    const imp = mode === "plain" ? "" : summary.improvements[mode].length;
    lines.push(`| ${mode} | ${c.pass} | ${c.fail} | ${c.timeout} | ${reg} | ${imp} |`);
  }
  for (const mode of modes) {
    if (mode === "plain" || summary.causes[mode].length === 0) continue;
    lines.push("", `## Regressions, ${mode}`, "");
    for (const { cause, count, tests } of summary.causes[mode]) {
      lines.push(`- ${count} × \`${cause.replace(/`/g, "'")}\``);
      for (const test of tests.slice(0, 8)) lines.push(`  - ${test}`);
      if (tests.length > 8) lines.push(`  - … ${tests.length - 8} more (see the JSON report)`);
    }
  }
  const observed = modes.filter((m) => summary.observations[m].length > 0);
  if (observed.length > 0) {
    lines.push("", "## Observations in runs (not failures)", "");
    for (const mode of observed) {
      const counts = new Map();
      for (const { observations } of summary.observations[mode])
        for (const o of observations) counts.set(causeOf(o), (counts.get(causeOf(o)) ?? 0) + 1);
      for (const [o, n] of counts) lines.push(`- ${mode}: ${n} run(s): ${o}`);
    }
  }
  return lines.join("\n") + "\n";
}

export function writeReport(base, summary, options) {
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(`${base}.json`, JSON.stringify({ ...options.meta, ...summary }, null, 1) + "\n");
  writeFileSync(`${base}.md`, markdown(summary, options));
}
