# Call-heavy workload: a function smaller than any frame bookkeeping.
def fib(n):
    if n < 2: return n
    return fib(n - 1) + fib(n - 2)


# Never called: the "breakpoint in the same file, never hit" cases break here.
def never():
    return 42


run = fib
