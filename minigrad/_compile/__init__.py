"""Trace and replay: ``mg.compile`` records a call's numpy kernels once and replays them.

* :mod:`~minigrad._compile.traced`: the ndarray subclass that reports every operation;
* :mod:`~minigrad._compile.tracer`: the record of one traced call, and the patches that make it;
* :mod:`~minigrad._compile.tape`: the record turned into a flat list of prebound calls, and its replay;
* :mod:`~minigrad._compile.api`: :func:`compile`, the cache of traced signatures, eager fallback.
"""

from minigrad._compile.api import CompiledFunction, compile

__all__ = ["CompiledFunction", "compile"]
