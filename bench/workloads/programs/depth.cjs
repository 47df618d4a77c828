// How deep plain recursion goes before V8's RangeError (stack headroom).
let deepest = 0;
function probe(n) {
  deepest = n;
  return probe(n + 1) + 1;
}
try {
  probe(0);
} catch {
  // RangeError: Maximum call stack size exceeded
}
process.stdout.write(`${deepest}\n`);
