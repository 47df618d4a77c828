// Line-heavy workload: one cheap statement per iteration.
function loop(n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = (s + i) | 0;
  }
  return s;
}

// Never called: the "breakpoint in the same file, never hit" cases break here.
function never() {
  return 42;
}

module.exports = { run: loop, never };
