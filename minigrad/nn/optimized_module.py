"""``torch.compile(module)``'s result: a wrapper Module holding the original as ``_orig_mod``.

PyTorch returns an ``OptimizedModule`` (``torch._dynamo.eval_frame.OptimizedModule``), not the module:
it prints as ``OptimizedModule((_orig_mod): ...)``, its ``state_dict`` keys carry the ``_orig_mod.``
prefix (the well-known one scripts strip before loading into an uncompiled model), ``isinstance(compiled,
MyNet)`` is False, and every other attribute read or write goes through to the original module, whose
``training`` flag it shares.
"""

from __future__ import annotations

from typing import Any

from minigrad.nn.module import Module

__all__ = ["OptimizedModule"]

# names the wrapper keeps for itself (PyTorch's _opt_mod_attributes); every other attribute is the module's
_OWN = frozenset({"_orig_mod", "dynamo_ctx", "forward", "_forward", "__dict__", "_super_module_initialized",
                  "_compiled_forward"})


class OptimizedModule(Module):
    """Wraps ``mod``; calling the wrapper calls ``mod`` (whose forward :func:`minigrad.compile` compiled).

    Args:
        mod: the Module compiled.
        compiled_forward: ``mod``'s forward compiled (None: the eager backend, which runs it as written).
            Only calls through the wrapper use it: ``mod`` itself stays eager, as in PyTorch.
    """

    def __init__(self, mod: Module, compiled_forward: Any = None) -> None:
        # (first, as PyTorch's: attribute reads during Module.__init__ go through to _orig_mod)
        object.__setattr__(self, "_orig_mod", mod)
        object.__setattr__(self, "_super_module_initialized", False)
        super().__init__()
        object.__setattr__(self, "_super_module_initialized", True)
        del self.__dict__["_orig_mod"]
        self._modules["_orig_mod"] = mod  # registered: its parameters and state_dict keys get the prefix
        object.__setattr__(self, "_compiled_forward", compiled_forward)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The original module's call: its hooks run as written around its compiled forward."""
        mod: Module = self._modules["_orig_mod"]  # type: ignore[assignment]
        compiled = self.__dict__["_compiled_forward"]
        if compiled is None or "forward" in mod.__dict__:  # (eager backend; or compiled in place already)
            return mod(*args, **kwargs)
        mod.__dict__["forward"] = compiled  # (for this call only: Module.__call__ runs the hooks around it)
        try:
            return mod(*args, **kwargs)
        finally:
            del mod.__dict__["forward"]

    @property  # (mirrors the original's flag, as PyTorch's wrapper does)
    def training(self) -> bool:
        """The original module's ``training`` flag."""
        mod: Module = self._modules["_orig_mod"]  # type: ignore[assignment]
        return mod.training

    @training.setter
    def training(self, value: bool) -> None:
        if self.__dict__.get("_super_module_initialized"):  # (Module.__init__'s default is the original's)
            self._orig_mod.training = value

    def __len__(self) -> int:
        """``len`` of the original module (a Sequential's); TypeError for one without a length."""
        mod = self._orig_mod
        if not hasattr(mod, "__len__"):
            raise TypeError(f"{type(mod).__name__} does not support len()")
        return len(mod)

    def __getattr__(self, name: str) -> Any:
        modules = self.__dict__.get("_modules")
        if name == "_orig_mod":
            if modules is None or "_orig_mod" not in modules:
                raise AttributeError(name)
            return modules["_orig_mod"]
        return getattr(self._orig_mod, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(type(self), name) or name in _OWN:
            super().__setattr__(name, value)
        else:
            setattr(self._orig_mod, name, value)

    def __delattr__(self, name: str) -> None:
        if hasattr(type(self), name) or name in _OWN:
            super().__delattr__(name)
        else:
            delattr(self._orig_mod, name)

    def __dir__(self) -> list[str]:
        own = dir(self._orig_mod)
        return own + [a for a in super().__dir__() if a not in own]
