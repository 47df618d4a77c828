# fib with a line inside it that never runs (see fibin.cjs).
def fib(n):
    if n < 0:
        return 42
    if n < 2: return n
    return fib(n - 1) + fib(n - 2)


run = fib
