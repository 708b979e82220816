"""Trace and replay: ``mg.compile`` records a call's numpy kernels once and replays them.

* :mod:`~minigrad._compile.traced`: the ndarray subclass that reports every operation;
* :mod:`~minigrad._compile.tracer`: the record of one traced call (arrays, ops, reads);
* :mod:`~minigrad._compile.patches`: what is swapped while a call is traced;
* :mod:`~minigrad._compile.build`: the record turned into a tape (folding, liveness, guards),
  with :mod:`~minigrad._compile.plan` (shared memory) and :mod:`~minigrad._compile.calls`
  (one op, one call);
* :mod:`~minigrad._compile.tape`: the tape and its replay;
* :mod:`~minigrad._compile.compare`: two traces of a signature compared;
* :mod:`~minigrad._compile.api`: :func:`compile`, the cache of signatures, eager fallback, modules.
"""

from minigrad._compile.api import CompiledFunction, compile  # noqa: A004 - PyTorch's name

__all__ = ["CompiledFunction", "compile"]
