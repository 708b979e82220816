"""The compat programs' way of printing a result, or the error class PyTorch documents for it."""

DOCUMENTED = (IndexError, KeyError, AttributeError, TypeError, NotImplementedError, ValueError, RuntimeError,
              AssertionError)
#: the same classes with RuntimeError before TypeError and ValueError: for programs whose errors are PyTorch's
#: RuntimeErrors (minigrad's are also ValueErrors or TypeErrors, where numpy's would be)
RUNTIME_FIRST = (IndexError, KeyError, AttributeError, NotImplementedError, RuntimeError, TypeError, ValueError,
                 AssertionError)


def show(label, fn, kinds=DOCUMENTED):
    """Print what fn returns, or the first of ``kinds`` its error is an instance of and the start of the
    message."""
    try:
        print(label, "->", fn())
    except kinds as e:
        kind = next(k for k in kinds if isinstance(e, k))
        print(label, "raises", kind.__name__, str(e).split(" (")[0][:60])


def show_words(label, fn, named):
    """Print what fn returns, or the start of the message it raises: with the class for the errors in
    ``named`` (the lookup and type errors), by its words alone for a ValueError or RuntimeError."""
    try:
        print(label, "->", fn())
    except named as e:
        kind = next(k for k in named if isinstance(e, k))
        print(label, "raises", kind.__name__, str(e).split(" (")[0][:60])
    except (ValueError, RuntimeError) as e:
        print(label, "raises", str(e).split(" (")[0][:60])
