# Line-heavy workload: one cheap statement per iteration.
def loop(n):
    s = 0
    for i in range(n):
        s = s + i
    return s


# Never called: the "breakpoint in the same file, never hit" cases break here.
def never():
    return 42


run = loop
