// Small statistics and formatting helpers for bench/run.mjs.

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function min(xs) {
  return Math.min(...xs);
}

export function max(xs) {
  return Math.max(...xs);
}

/** `1.23× [1.20–1.31]`: median and the range over rounds. */
export function fmtRatio(xs) {
  if (xs.length === 0) return "—";
  const m = `${median(xs).toFixed(2)}×`;
  return xs.length > 1 ? `${m} [${min(xs).toFixed(2)}–${max(xs).toFixed(2)}]` : m;
}

/** `12.3 M/s [11.9–12.8]` */
export function fmtRate(xs) {
  if (xs.length === 0) return "—";
  const f = (x) => (x / 1e6).toFixed(x >= 1e8 ? 0 : 1);
  const m = `${f(median(xs))} M ev/s`;
  return xs.length > 1 ? `${m} [${f(min(xs))}–${f(max(xs))}]` : m;
}

export function fmtMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** A markdown table; also readable as plain text. */
export function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const line = (r) => "| " + r.map((c, i) => String(c).padEnd(widths[i])).join(" | ") + " |";
  return [line(header), "| " + widths.map((w) => "-".repeat(w)).join(" | ") + " |", ...rows.map(line)].join("\n");
}
