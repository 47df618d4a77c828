/** Output formats: values (`repr`), exceptions, source listings. */
import { join, sep } from "node:path";
import { inspect } from "node:util";
import { PACKAGE_ROOT } from "../common/package.js";
import { ownBuiltins } from "../common/own-builtins.js";

/** What `p` shows: `util.inspect` on one line, the whole depth of the value (as Python's repr). */
export function repr(value: unknown): string {
  const text = ownBuiltins.asProgram(() =>
    inspect(value, {
      depth: Infinity,
      colors: false,
      breakLength: Infinity,
      compact: Infinity,
      maxArrayLength: 100,
      maxStringLength: 10000,
    }),
  );
  return hideOwnFrames(text);
}

/** What `pp` shows: `util.inspect` pretty-printed over several lines, the whole depth of the value. */
export function prettyRepr(value: unknown): string {
  const options = { depth: Infinity, colors: false, breakLength: 80, compact: 3, maxArrayLength: 1000, sorted: false };
  return hideOwnFrames(ownBuiltins.asProgram(() => inspect(value, options)));
}

const OWN_FILES = join(PACKAGE_ROOT, "dist") + sep;

/**
 * Stack traces without tsdb's own frames (its loader, hooks, command line):
 * the program's stack as it would be without the debugger. Node's frames
 * that loaded tsdb's command line itself (after its last frame) go too,
 * however many of them the stack trace limit kept.
 */
export function hideOwnFrames(text: string): string {
  if (!text.includes(OWN_FILES)) return text;
  const lines = text.split("\n");
  const own = (line: string) => /^\s+at /.test(line) && line.includes(OWN_FILES);
  const nodeInternal = (line: string) => /^\s+at (?:.*\()?node:internal\//.test(line);
  let last = -1;
  for (let i = 0; i < lines.length && /^\s+at |^[^\s]|^$/.test(lines[i]); i++) if (own(lines[i])) last = i;
  return lines
    .filter((line, i) => !own(line) && !(i > last && last >= 0 && nodeInternal(line) && precededByFrames(lines, last, i)))
    .join("\n");
}

/** True when only stack frames stand between lines `from` and `to` (the same trace, not a cause printed after it). */
function precededByFrames(lines: string[], from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) if (!/^\s+at /.test(lines[i])) return false;
  return true;
}

/** repr that never throws (a Proxy or a getter may). */
export function safeRepr(value: unknown, expr: string): string {
  try {
    return repr(value);
  } catch (error) {
    return `*** repr(${expr}) failed: ${formatExc(error)} ***`;
  }
}

/** One line for a thrown value, as Python's `traceback.format_exception_only(exc)[-1]`: `TypeError: message`. */
export function formatExc(error: unknown): string {
  if (error instanceof Error || (typeof error === "object" && error !== null && "message" in error && "name" in error)) {
    const e = error as { name: unknown; message: unknown };
    let name: string;
    let message: string;
    try {
      name = String(e.name);
      message = String(e.message);
    } catch {
      return "<exception>";
    }
    return message ? `${name}: ${message}` : name;
  }
  try {
    return `Uncaught ${repr(error)}`;
  } catch {
    return "Uncaught <exception>";
  }
}

/** The type name of a thrown value (for `__exception__`). */
export function excName(error: unknown): string {
  if (error === null) return "null";
  if (typeof error !== "object" && typeof error !== "function") return typeof error;
  try {
    return String((error as { name?: unknown }).name ?? (error as object).constructor?.name ?? "Object");
  } catch {
    return "Object";
  }
}

/**
 * Lines of a listing, as pdb's `_print_lines`: the number right-aligned in 3
 * columns and a space, `B` for a breakpoint, `->` for the current line and
 * `>>` for the line an exception was raised from, a tab, the text.
 */
export function formatLines(
  lines: readonly string[],
  start: number,
  breaks: readonly number[],
  current: number,
  excLine: number,
): string[] {
  const out: string[] = [];
  lines.forEach((text, i) => {
    const lineno = start + i;
    let s = String(lineno).padStart(3);
    if (s.length < 4) s += " ";
    s += breaks.includes(lineno) ? "B" : " ";
    if (lineno === current) s += "->";
    else if (lineno === excLine) s += ">>";
    out.push(s + "\t" + text.replace(/\s+$/, ""));
  });
  return out;
}

/** Commands names in columns, as `cmd.Cmd.columnize`. */
export function columnize(items: readonly string[], width = 80): string[] {
  if (items.length === 0) return ["<empty>"];
  for (let rows = 1; rows <= items.length; rows++) {
    const cols = Math.ceil(items.length / rows);
    const widths: number[] = [];
    let total = 0;
    for (let c = 0; c < cols; c++) {
      let w = 0;
      for (let r = 0; r < rows; r++) {
        const i = c * rows + r;
        if (i < items.length) w = Math.max(w, items[i].length);
      }
      widths.push(w);
      total += w + (c > 0 ? 2 : 0);
    }
    if (total <= width) {
      const out: string[] = [];
      for (let r = 0; r < rows; r++) {
        const cells: string[] = [];
        for (let c = 0; c < cols; c++) {
          const i = c * rows + r;
          if (i < items.length) cells.push(items[i].padEnd(widths[c]));
        }
        out.push(cells.join("  ").trimEnd());
      }
      return out;
    }
  }
  return [...items];
}
