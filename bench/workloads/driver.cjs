// Where the Bdb cases stop first (runcall starts by stepping): the debugger
// stops here, continues, and only then is the workload called, as when a user
// continues from a stop and the program goes on into the hot code.
function drive(run, n) {
  return run(n);
}

module.exports = { drive };
