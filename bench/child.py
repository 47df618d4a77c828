# The Python side of the bench: one measurement in a fresh process, the same
# cases as bench/child.cjs on the same programs (bench/workloads/*.py).
# argv[1] is a JSON spec; prints one JSON line: {"times": [ms...], ...}.
import bdb
import json
import sys
import time

spec = json.loads(sys.argv[1])
sys.path.insert(0, spec["workloads"])
workload = __import__(spec["workload"])
drive = __import__("driver").drive
run = workload.run
n = spec["n"]
mode = spec["mode"]
result = {}

if mode == "plain":
    def body(n):
        run(n)

elif mode in ("settrace", "count"):
    events = 0
    if mode == "count":
        def local(frame, event, arg):
            global events
            events += 1
            return local

        def glob(frame, event, arg):
            global events
            events += 1
            return local
    else:
        def local(frame, event, arg):
            return local

        def glob(frame, event, arg):
            return local

    def body(n):
        sys.settrace(glob)
        try:
            run(n)
        finally:
            sys.settrace(None)

elif mode in ("bdb-other", "bdb-same"):
    stops = 0

    class ContinueBdb(bdb.Bdb):
        def user_line(self, frame):
            global stops
            stops += 1
            self.set_continue()

    debugger = ContinueBdb()
    file, line = spec["breakpoint"]
    err = debugger.set_break(file, line)
    if err:
        print(json.dumps({"error": "set_break(%s, %d): %s" % (file, line, err)}))
        sys.exit(0)

    def body(n):
        debugger.runcall(drive, run, n)

elif mode == "bdb-step":
    class StepBdb(bdb.Bdb):
        def user_line(self, frame):
            pass

    debugger = StepBdb()

    def body(n):
        debugger.runcall(drive, run, n)

else:
    raise SystemExit("unknown mode " + mode)

warm = spec.get("warm")
if warm:
    for _ in range(warm["iters"]):
        body(warm["n"])
if mode == "count":
    events = 0
if mode in ("bdb-other", "bdb-same"):
    stops = 0
# Process CPU time is compared (as in child.cjs); wall time is reported too.
times = []
walls = []
for _ in range(spec["iters"]):
    c0 = time.process_time()
    t0 = time.perf_counter()
    body(n)
    walls.append((time.perf_counter() - t0) * 1000)
    times.append((time.process_time() - c0) * 1000)
result["times"] = times
result["walls"] = walls
if mode == "count":
    result["events"] = events / spec["iters"]
if mode in ("bdb-other", "bdb-same"):
    result["stops"] = stops / spec["iters"]
print(json.dumps(result))
