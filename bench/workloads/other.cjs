// Loaded but never run hot: the "breakpoint in another file" cases break here.
function elsewhere() {
  return 42;
}

module.exports = { elsewhere };
