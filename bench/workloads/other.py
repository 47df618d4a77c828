# Loaded but never run hot: the "breakpoint in another file" cases break here.
def elsewhere():
    return 42
