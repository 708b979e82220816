"""The compat programs' way of printing a result, or the error class PyTorch documents for it."""

DOCUMENTED = (IndexError, KeyError, AttributeError, TypeError, NotImplementedError, ValueError, RuntimeError,
              AssertionError)


def show(label, fn):
    """Print what fn returns, or the class PyTorch documents and the start of the message."""
    try:
        print(label, "->", fn())
    except DOCUMENTED as e:
        kind = next(k for k in DOCUMENTED if isinstance(e, k))
        print(label, "raises", kind.__name__, str(e).split(" (")[0][:60])
