"""``python -m minigrad.compat SCRIPT [ARGS...]``: run a PyTorch script on minigrad as ``python SCRIPT``.

The script runs as ``__main__`` with ``sys.argv == [SCRIPT, *ARGS]`` and its
own directory first on ``sys.path`` (so its relative imports of sibling files
work), after :func:`~minigrad.compat.hook.install` has aliased ``torch``.
``-m MODULE [ARGS...]`` runs a module instead, as ``python -m MODULE``.
"""

from __future__ import annotations

import importlib.machinery
import io
import os
import re
import runpy
import sys
import types
from collections.abc import Sequence
from types import TracebackType

from minigrad.compat.hook import install, torch_name

__all__ = ["main", "run_module", "run_script"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

USAGE = """usage: python -m minigrad.compat SCRIPT [ARGS...]
       python -m minigrad.compat -m MODULE [ARGS...]

Runs a PyTorch script unchanged with `torch` (and torch.nn, torch.utils.data, ...)
resolved to minigrad. Anything minigrad lacks fails with a message naming it."""


def run_script(path: str, args: Sequence[str] = ()) -> None:
    """Run the file ``path`` as ``__main__`` with ``sys.argv = [path, *args]``, torch aliased to minigrad."""
    install()
    sys.argv = [path, *args]
    script_dir = os.path.dirname(os.path.abspath(path))
    if sys.path and sys.path[0] in ("", os.getcwd()):  # where `python -m` put the working directory
        sys.path[0] = script_dir
    else:
        sys.path.insert(0, script_dir)
    # As `python SCRIPT` (3.9+): __file__ and the code's file name are absolute (tracebacks and warnings
    # name '/dir/script.py'; Path(__file__).parent is '/dir'), sys.argv[0] stays as typed. runpy.run_path
    # would give both the one path it is handed, so the script runs in a fresh __main__ module here.
    full = os.path.abspath(path)
    with io.open_code(full) as f:
        code = compile(f.read(), full, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    vars(main).update(__file__=full, __cached__=None,
                      __loader__=importlib.machinery.SourceFileLoader("__main__", full))
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = main
    try:
        exec(code, vars(main))
    finally:
        sys.modules["__main__"] = saved


def run_module(module: str, args: Sequence[str] = ()) -> None:
    """Run ``module`` as ``python -m module`` would, torch aliased to minigrad."""
    install()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


def _report(e: BaseException, entry: str) -> None:
    """Print ``e`` as ``python SCRIPT`` would: the traceback starts in the user's code, not here."""
    tb: TracebackType | None = e.__traceback__
    frame = tb
    while frame is not None and os.path.abspath(frame.tb_frame.f_code.co_filename) != entry:
        frame = frame.tb_next
    missing = re.match(r"cannot import name '(\w+)'", str(e))
    from_minigrad = (e.name or "").startswith("minigrad") if isinstance(e, ImportError) else False
    if type(e) is ImportError and missing and from_minigrad and hasattr(e, "add_note"):
        # `from torch.nn import Foo`: Python words this error itself, so the launcher adds the hint
        e.add_note(f"{torch_name(e.name or '')}.{missing.group(1)} is not in minigrad")
    # The hook's own frames (a missing name's __getattr__) say nothing the message does not.
    kept = []
    frame = frame if frame is not None else tb  # (`-m MODULE`: no frame is the entry's)
    while frame is not None:
        if not frame.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR):
            kept.append(frame)
        frame = frame.tb_next
    shown = None
    for t in reversed(kept):
        shown = TracebackType(shown, t.tb_frame, t.tb_lasti, t.tb_lineno)
    # sys.excepthook, as Python's own report of an uncaught exception: its default (C) display adds the
    # "Did you mean: 'x'?" of an AttributeError or NameError, which the traceback module of 3.11 lacks
    sys.excepthook(type(e), e.with_traceback(shown), shown)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (2 for a usage error, as Python's own)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stdout if args else sys.stderr)
        return 0 if args else 2
    if args[0] == "-m":
        if len(args) < 2:
            print("python -m minigrad.compat: -m needs a module name\n" + USAGE, file=sys.stderr)
            return 2
        try:
            run_module(args[1], args[2:])
        except Exception as e:
            _report(e, "")
            return 1
        return 0
    if not os.path.isfile(args[0]):
        print(f"python -m minigrad.compat: can't open file {args[0]!r}: no such file", file=sys.stderr)
        return 2
    try:
        run_script(args[0], args[1:])
    except Exception as e:  # printed like Python's own report of an uncaught exception, exit status 1
        _report(e, os.path.abspath(args[0]))
        return 1
    return 0
