// Whole-process measurements for bench/programs.mjs and bench/suites.mjs.
import { spawnSync } from "node:child_process";

/**
 * Runs a command under /usr/bin/time: CPU seconds (user + system, the command and every child it
 * waited for), wall seconds, peak RSS (MB), stdout. Throws when it fails, unless `options.status`
 * is true (then `status` and `output` are returned too).
 */
export function measure(command, argv, options = {}) {
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %U %S %e %M", command, ...argv], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const m = /TIME (\S+) (\S+) (\S+) (\d+)\s*$/.exec(r.stderr);
  if ((r.status !== 0 && !options.status) || !m)
    throw new Error(`${command} ${argv.join(" ")} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const output = r.stdout + r.stderr.slice(0, m.index);
  return { cpu: Number(m[1]) + Number(m[2]), wall: Number(m[3]), rss: Number(m[4]) / 1024, stdout: r.stdout, status: r.status, output };
}
