// The report of `npm run suites`: JSON and a Markdown table.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function writeSuitesReport(base, results, modes) {
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(`${base}.json`, JSON.stringify({ node: process.version, results }, null, 1) + "\n");
  const lines = ["# Real test suites, plain vs instrumented", "", `node ${process.version}`, ""];
  lines.push(`| library | plain (pass/fail, s) | ${modes.map((m) => `${m} (pass/fail, files, events, s)`).join(" | ")} | identical |`);
  lines.push(`| --- | --- | ${modes.map(() => "---").join(" | ")} | --- |`);
  for (const r of results) {
    const cells = modes.map((m) => {
      const x = r.modes[m];
      return `${x.pass}/${x.fail}, ${x.files} files, ${x.events} events, ${x.seconds} s${x.notReached ? `, ${x.notReached} not reached` : ""}${x.status !== r.plain.status ? `, exit ${x.status}` : ""}`;
    });
    const identical = modes.every(
      (m) => r.modes[m].differences.length === 0 && (r.modes[m].status === r.plain.status || r.modes[m].notReached > 0),
    );
    lines.push(
      `| ${r.name} | ${r.plain.pass}/${r.plain.fail}, ${r.plain.seconds} s | ${cells.join(" | ")} | ${identical ? "yes" : "**no**"} |`,
    );
  }
  for (const r of results) {
    for (const m of modes) {
      const x = r.modes[m];
      if (x.differences.length === 0 && (x.status === r.plain.status || x.notReached > 0)) continue;
      lines.push("", `## ${r.name}, ${m}`, "");
      for (const d of x.differences.slice(0, 20)) lines.push(`- ${d.test}: plain ${d.plain}, here ${d.here}`);
      if (x.differences.length > 20) lines.push(`- … ${x.differences.length - 20} more`);
      if (x.stderr) lines.push("", "```", x.stderr.trim(), "```");
    }
  }
  writeFileSync(`${base}.md`, lines.join("\n") + "\n");
}
