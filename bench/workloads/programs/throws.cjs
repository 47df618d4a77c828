// 20,000 exceptions thrown 20 frames deep and caught at the top: what a parser
// full of failing attempts (acorn's tests, a failing parse) does. Prints its own
// time (ms of CPU in the loop) so that load time does not count.
function dive(n) {
  if (n === 0) throw new SyntaxError("no");
  return dive(n - 1) + 1;
}
function run(times) {
  let caught = 0;
  for (let i = 0; i < times; i++) {
    try {
      dive(20);
    } catch {
      caught++;
    }
  }
  return caught;
}
run(200);
const t0 = process.cpuUsage();
const caught = run(20000);
const used = process.cpuUsage(t0);
if (caught !== 20000) throw new Error("wrong count");
process.stdout.write(`${(used.user + used.system) / 1000}\n`);
