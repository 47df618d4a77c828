// Call-heavy workload: a function smaller than any frame bookkeeping.
function fib(n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

// Never called: the "breakpoint in the same file, never hit" cases break here.
function never() {
  return 42;
}

module.exports = { run: fib, never };
