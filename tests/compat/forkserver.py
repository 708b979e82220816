"""Run compat programs in forks of one interpreter that has imported PyTorch (or minigrad) already.

``python forkserver.py torch|minigrad``, started by :mod:`tests.compat.runner`,
reads one JSON request per line on stdin (``{"program", "stdout", "stderr"}``:
a file in ``programs/`` and where its two streams go). For each it forks; the
child runs the program as ``python PROGRAM`` (or ``python -m minigrad.compat
PROGRAM``) would: as ``__main__``, with ``sys.argv == [PROGRAM]``, the
program's directory first on ``sys.path``, and the interpreter's normal exit
(non-daemon threads joined, atexit handlers run, streams flushed; then the
child leaves by ``os._exit``: tearing down the fork's copy of PyTorch's modules
and collecting every object took about a second of CPU per program, in pages
copied from the server, and changes no output). The server
answers ``{"pid": ...}`` when the child starts and ``{"status": ...}`` (its
exit code) when it ends.

Why: importing PyTorch costs about a second and a half of CPU per process and
minigrad's launcher about one; the suite runs over 300 programs under each.
A fork starts from the imported state instead. The server itself runs nothing
else (no draws, no thread pools), and each child reseeds what a new process
seeds from entropy, so it starts as a fresh process would after its imports;
``MINIGRAD_COMPAT_FRESH=1`` makes the runner start a
new interpreter per program instead.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import runpy
import sys
import threading
import traceback
from typing import Any


def _serve(reply: Any) -> dict[str, str]:
    """Fork a child per request; return (in the child only) the request it is to run."""
    for line in sys.stdin:
        request: dict[str, str] = json.loads(line)
        pid = os.fork()
        if pid == 0:
            reply.close()
            return request
        print(json.dumps({"pid": pid}), file=reply, flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), file=reply, flush=True)
    raise SystemExit(0)


def _redirect(request: dict[str, str]) -> None:
    for fd, path, mode in ((0, os.devnull, os.O_RDONLY), (1, request["stdout"], os.O_WRONLY | os.O_TRUNC),
                           (2, request["stderr"], os.O_WRONLY | os.O_TRUNC)):
        new = os.open(path, mode | (os.O_CREAT if fd else 0), 0o644)
        os.dup2(new, fd)
        os.close(new)


def _reseed(kind: str) -> None:
    """Seed what a new interpreter seeds from fresh entropy (every fork would share the server's state):
    Python's random, numpy's global stream and PyTorch's default generator. minigrad's default generator
    starts from seed 0 in every process, so the fork already has its state."""
    import random

    import numpy as np

    random.seed()
    np.random.seed()  # noqa: NPY002 - the legacy global stream is the one to reseed
    if kind == "torch":
        import torch

        torch.seed()


def _status(e: SystemExit) -> int:
    """The exit status Python gives an uncaught SystemExit (a message goes to stderr with status 1)."""
    if e.code is None or isinstance(e.code, int):
        return e.code or 0
    print(e.code, file=sys.stderr)
    return 1


def _run(kind: str, program: str) -> int:
    """Run ``program`` as ``python PROGRAM`` (or the minigrad launcher) would; return its exit status."""
    try:
        if kind != "torch":
            from minigrad.compat import launcher

            return launcher.main([program])
        sys.argv = [program]
        runpy.run_path(program, run_name="__main__")
        return 0
    except SystemExit as e:
        return _status(e)
    except BaseException:  # reported as Python reports an uncaught exception
        traceback.print_exc()
        return 1


def _leave(status: int) -> None:
    """Python's exit up to its teardown: join non-daemon threads, run atexit handlers, flush the streams."""
    threading._shutdown()  # type: ignore[attr-defined]  # what the interpreter's own exit calls first
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed by the program
            status = status or 120  # as Python does when flushing stdout at exit fails
    os._exit(status)


def main() -> None:
    """Import the framework, serve requests, and in each child run its program (never returns)."""
    kind = sys.argv[1]
    if kind == "torch":
        # the point: children start with it imported. torch._dynamo too: PyTorch imports it lazily, at a
        # program's first optimizer step (about two seconds of CPU); importing runs nothing, starts no thread
        import torch
        import torch._dynamo  # noqa: F401
    else:
        from minigrad.compat import launcher  # noqa: F401
    # the server's objects live as long as it does: the children's collections need not walk them
    gc.freeze()
    # the protocol gets its own descriptor: fd 1 and 2 become the children's streams
    reply = os.fdopen(os.dup(1), "w")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)
    request = _serve(reply)
    _redirect(request)
    _reseed(kind)
    program = request["program"]
    sys.path[0] = os.path.dirname(os.path.abspath(program))
    _leave(_run(kind, program))


if __name__ == "__main__":
    main()
