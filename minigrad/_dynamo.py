"""``torch._dynamo``: the switches training scripts and libraries set around ``torch.compile``.

PyTorch keeps this module private, but scripts write ``torch._dynamo.config.suppress_errors = True``
or ``torch._dynamo.reset()`` before compiling, and einops' tests set ``config.verbose``. minigrad's
:func:`~minigrad.compile` records an eager run and replays it (no graph capture, no guards, no
recompiles), so the settings are kept and read back as PyTorch's are, and change nothing here; the
functions are :mod:`minigrad.compiler`'s.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

from minigrad.compiler import allow_in_graph, disable, is_compiling, reset

__all__ = ["allow_in_graph", "config", "disable", "is_compiling", "list_backends", "reset"]

#: PyTorch 2.13's defaults for the settings scripts commonly change
_DEFAULTS: dict[str, Any] = {
    "suppress_errors": False, "verbose": False, "cache_size_limit": 8, "recompile_limit": 8,
    "accumulated_cache_size_limit": 256, "optimize_ddp": True, "capture_scalar_outputs": False,
    "capture_dynamic_output_shape_ops": False, "automatic_dynamic_shapes": True,
    "assume_static_by_default": True, "allow_unspec_int_on_nn_module": False,
    "inline_inbuilt_nn_modules": True,
}  # fmt: skip
#: settings PyTorch keeps but ignores: the first read or write warns (FutureWarning, once per process)
_DEPRECATED = {"inline_inbuilt_nn_modules": "does not do anything, inline_inbuilt_nn_modules is always True"}
_warned: set[str] = set()


def _deprecation(name: str) -> None:
    if name in _DEPRECATED and name not in _warned:
        _warned.add(name)
        warnings.warn(f"torch._dynamo.config.{name} is deprecated and {_DEPRECATED[name]}. It will be "
                      "removed in a future version of PyTorch.", FutureWarning, stacklevel=3)


class _Config:
    """``torch._dynamo.config``: settings read and set as attributes; ``patch(**changes)`` sets some
    for a ``with`` block (or a decorated function's calls).

    Raises:
        AttributeError: reading or setting a name PyTorch's config does not have (its message).
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_values", dict(_DEFAULTS))

    def __getattr__(self, name: str) -> Any:
        values: dict[str, Any] = object.__getattribute__(self, "_values")
        if name not in values:
            raise AttributeError(f"torch._dynamo.config.{name} does not exist")
        _deprecation(name)
        return values[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._values:
            raise AttributeError(f"torch._dynamo.config.{name} does not exist")
        _deprecation(name)
        self._values[name] = value

    @contextlib.contextmanager
    def patch(self, changes: dict[str, Any] | None = None, **kwargs: Any) -> Iterator[None]:
        """Set the given settings until the block ends (then restore them)."""
        changes = {**(changes or {}), **kwargs}
        saved = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, value)
        try:
            yield
        finally:
            self._values.update(saved)


config = _Config()

#: the backend names PyTorch 2.13 registers, with their tags (minigrad's compile takes any name and
#: runs its one replay backend; "eager" runs the ops as written)
_BACKEND_TAGS: dict[str, tuple[str, ...]] = {
    "cudagraphs": (), "inductor": (), "openxla": (), "tvm": (), "openxla_eval": ("experimental",),
    **dict.fromkeys(("aot_eager", "aot_eager_decomp_partition", "aot_eager_decomp_partition_crossref",
                     "aot_eager_decomp_partition_with_mode", "aot_eager_default_partitioner", "aot_ts",
                     "dynamo_accuracy_minifier_backend", "dynamo_minifier_backend", "eager", "eager_debug",
                     "eager_noexcept", "invoke_subgraph", "pre_dispatch_eager", "ts"), ("debug",)),
}


def list_backends(exclude_tags: tuple[str, ...] | None = ("debug", "experimental")) -> list[str]:
    """The sorted backend names ``torch.compile(backend=...)`` knows, leaving out those tagged with any
    of ``exclude_tags`` (by default the debug and experimental ones, as PyTorch: ``['cudagraphs',
    'inductor', 'openxla', 'tvm']``)."""
    excluded = set(exclude_tags or ())
    return sorted(name for name, tags in _BACKEND_TAGS.items() if not excluded.intersection(tags))


def __getattr__(name: str) -> Any:
    """``torch._dynamo.eval_frame``: where scripts find ``OptimizedModule`` to unwrap a compiled model
    (``isinstance(model, torch._dynamo.eval_frame.OptimizedModule)``); read lazily, as nn imports late.

    Raises:
        AttributeError: any other name.
    """
    if name == "eval_frame":
        import types

        from minigrad.nn.optimized_module import OptimizedModule

        return types.SimpleNamespace(OptimizedModule=OptimizedModule)
    raise AttributeError(f"module 'torch._dynamo' has no attribute '{name}'")
