// fib with a line inside it that never runs: the "breakpoint in the same file, never hit" case with
// the breakpoint in the hot function itself (bench/instructions.mjs --only=fibin). Every statement of
// a code with a traced line asks the runtime whether its own line is traced (FINDINGS §40); Python's
// bdb calls its trace function at every line of such a frame.
// biome-ignore format: the never-run statement on a line of its own (the breakpoint's)
function fib(n) {
  if (n < 0)
    return 42;
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

module.exports = { run: fib };
