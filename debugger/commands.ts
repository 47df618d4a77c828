/**
 * The command table: names, abbreviations and help text of the commands, as
 * pdb has them, and how a command line splits into a command and its argument.
 */

export interface CommandSpec {
  /** the full name */
  name: string;
  /** every name the command answers to (the full name included) */
  names: string[];
  /** help text: the usage line(s), a blank line, the description */
  doc: string;
}

const specs: CommandSpec[] = [];

function def(names: string[], doc: string): void {
  specs.push({ name: names[0], names, doc: doc.replace(/^\n/, "").replace(/\s+$/, "") });
}

def(
  ["help", "h"],
  `
h(elp) [command]

Without argument, print the list of available commands.
With a command name as argument, print help about that command.
"help exec" gives help on the ! command.`,
);

def(
  ["where", "w", "bt"],
  `
w(here)

Print a stack trace, with the most recent frame at the bottom.
An arrow indicates the "current frame", which determines the
context of most commands.  'bt' is an alias for this command.`,
);

def(
  ["down", "d"],
  `
d(own) [count]

Move the current frame count (default one) levels down in the
stack trace (to a newer frame).`,
);

def(
  ["up", "u"],
  `
u(p) [count]

Move the current frame count (default one) levels up in the
stack trace (to an older frame).`,
);

def(
  ["break", "b"],
  `
b(reak) [ ([filename:]lineno | function) [, condition] ]

Without argument, list all breaks.

With a line number argument, set a break at this line in the
current file.  With a function name, set a break at the first
executable line of that function.  If a second argument is
present, it is a JavaScript expression which must evaluate to
true before the breakpoint is honored.

The line number may be prefixed with a filename and a colon,
to specify a breakpoint in another file (probably one that
hasn't been loaded yet).  The file is looked up from the
working directory, the script's directory and the loaded files.`,
);

def(
  ["tbreak"],
  `
tbreak [ ([filename:]lineno | function) [, condition] ]

Same arguments as break, but sets a temporary breakpoint: it
is automatically deleted when first hit.`,
);

def(
  ["clear", "cl"],
  `
cl(ear) [filename:lineno | bpnumber ...]

With a space separated list of breakpoint numbers, clear
those breakpoints.  Without argument, clear all breaks (but
first ask confirmation).  With a filename:lineno argument,
clear all breaks at that line in that file.`,
);

def(
  ["disable"],
  `
disable bpnumber [bpnumber ...]

Disables the breakpoints given as a space separated list of
breakpoint numbers.  Disabling a breakpoint means it cannot
cause the program to stop execution, but unlike clearing a
breakpoint, it remains in the list of breakpoints and can be
(re-)enabled.`,
);

def(
  ["enable"],
  `
enable bpnumber [bpnumber ...]

Enables the breakpoints given as a space separated list of
breakpoint numbers.`,
);

def(
  ["ignore"],
  `
ignore bpnumber [count]

Set the ignore count for the given breakpoint number.  If
count is omitted, the ignore count is set to 0.  A breakpoint
becomes active when the ignore count is zero.  When non-zero,
the count is decremented each time the breakpoint is reached
and the breakpoint is not disabled and any associated
condition evaluates to true.`,
);

def(
  ["condition"],
  `
condition bpnumber [condition]

Set a new condition for the breakpoint, an expression which
must evaluate to true before the breakpoint is honored.  If
condition is absent, any existing condition is removed; i.e.,
the breakpoint is made unconditional.`,
);

def(
  ["step", "s"],
  `
s(tep)

Execute the current line, stop at the first possible occasion
(either in a function that is called or in the current
function).`,
);

def(
  ["next", "n"],
  `
n(ext)

Continue execution until the next line in the current function
is reached or it returns.`,
);

def(
  ["until", "unt"],
  `
unt(il) [lineno]

Without argument, continue execution until the line with a
number greater than the current one is reached.  With a line
number, continue execution until a line with a number greater
or equal to that is reached.  In both cases, also stop when
the current frame returns.`,
);

def(
  ["return", "r"],
  `
r(eturn)

Continue execution until the current function returns.`,
);

def(
  ["retval", "rv"],
  `
retval

Print the return value for the last return of a function.`,
);

def(
  ["continue", "c", "cont"],
  `
c(ont(inue))

Continue execution, only stop when a breakpoint is encountered.`,
);

def(
  ["list", "l"],
  `
l(ist) [first[, last] | .]

List source code for the current file.  Without arguments,
list 11 lines around the current line or continue the previous
listing.  With . as argument, list 11 lines around the current
line.  With one argument, list 11 lines starting at that line.
With two arguments, list the given range; if the second
argument is less than the first, it is a count.

The current line in the current frame is indicated by "->".
If an exception is being debugged, the line where the
exception was originally raised or propagated is indicated by
">>", if it differs from the current line.`,
);

def(
  ["longlist", "ll"],
  `
ll | longlist

List the whole source code for the current function or frame.`,
);

def(
  ["args", "a"],
  `
a(rgs)

Print the argument list of the current function.`,
);

def(
  ["p"],
  `
p expression

Print the value of the expression.`,
);

def(
  ["pp"],
  `
pp expression

Pretty-print the value of the expression.`,
);

def(
  ["whatis"],
  `
whatis expression

Print the type of the argument.`,
);

def(
  ["display"],
  `
display [expression]

Display the value of the expression if it changed, each time execution
stops in the current frame.

Without expression, list all display expressions for the current frame.`,
);

def(
  ["undisplay"],
  `
undisplay [expression]

Do not display the expression any more in the current frame.

Without expression, clear all display expressions for the current frame.`,
);

def(
  ["quit", "q", "exit"],
  `
q(uit) | exit

Quit from the debugger. The program being executed is aborted.`,
);

def(
  ["EOF"],
  `
EOF

Handles the receipt of EOF as a command.`,
);

/** Help for `!` (the statements and expressions typed at the prompt). */
export const EXEC_HELP = `(!) statement

Execute the (one-line) statement or expression in the context of
the current stack frame; the value of an expression is printed.
The exclamation point can be omitted unless the first word of the
statement resembles a debugger command, e.g.:
(tsdb) ! n = 42
(tsdb)

Assignments to the frame's variables stick (except to const bindings).`;

/** pdb commands tsdb does not have. */
export const UNSUPPORTED = new Set<string>(["jump", "j", "run", "restart", "commands", "debug", "interact", "alias", "unalias"]);

const byName = new Map<string, CommandSpec>();
for (const spec of specs) for (const name of spec.names) byName.set(name, spec);

export const COMMANDS: readonly CommandSpec[] = specs;

/** The command a word names, or undefined. */
export function lookup(word: string): CommandSpec | undefined {
  return byName.get(word);
}

/** Every name, sorted (for `help`). */
export function allNames(): string[] {
  return [...byName.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Characters of a command word (as pdb's identchars: `c.x` or `p(1)` is no command). */
const IDENTCHARS = /^[A-Za-z0-9_$=.[\](),"'+\-*/%@&|<>~^!?`]*/;

export interface ParsedLine {
  /** the command word, or "" */
  cmd: string;
  /** the rest, stripped */
  arg: string;
  /** the whole line, stripped */
  line: string;
}

/** Splits a line into its command word and argument, as `cmd.Cmd.parseline`. */
export function parseLine(raw: string): ParsedLine {
  const line = raw.trim();
  if (line.startsWith("!")) return { cmd: "!", arg: line.slice(1).trim(), line };
  if (line.startsWith("?")) return { cmd: "help", arg: line.slice(1).trim(), line };
  const word = IDENTCHARS.exec(line)![0];
  return { cmd: word, arg: line.slice(word.length).trim(), line };
}

/** True when the argument makes the line an assignment (`n = 1`, `c += 2`) rather than the command. */
export function looksLikeAssignment(arg: string): boolean {
  return /^(?:[-+*/%&|^]|\*\*|<<|>>>?|&&|\|\||\?\?)?=(?!=)/.test(arg);
}

/** Usage lines and description of a command, laid out as pdb does (`Usage: ` before the first line). */
export function helpText(doc: string, indent: string, usageOnly = false): string {
  const lines = doc.split("\n").map((l) => l.trim());
  const usageEnd = lines.includes("") ? lines.indexOf("") : 1;
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (i === 0) out.push(indent + "Usage: " + line);
    else if (i < usageEnd) out.push(indent + "       " + line);
    else if (!usageOnly) out.push(line === "" ? "" : indent + line);
  });
  return out.join("\n");
}
