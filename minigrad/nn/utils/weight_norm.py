"""``torch.nn.utils.weight_norm`` (deprecated in PyTorch in favor of the parametrization): the weight is
recomputed from ``<name>_g`` and ``<name>_v`` by a forward pre-hook."""

from __future__ import annotations

import warnings
from typing import Any

from minigrad.nn._uninitialized import is_lazy
from minigrad.nn.module import Module, Parameter
from minigrad.nn.utils.parametrizations import norm_except_dim
from minigrad.tensor import Tensor

__all__ = ["remove_weight_norm", "weight_norm"]


class WeightNorm:
    """The forward pre-hook that sets ``module.<name> = g * v / ||v||`` before each call."""

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = dim

    def compute_weight(self, module: Module) -> Tensor:
        """``g * v / ||v||`` from the module's current ``<name>_g`` and ``<name>_v``."""
        g, v = getattr(module, self.name + "_g"), getattr(module, self.name + "_v")
        return v * (g / norm_except_dim(v, 2, self.dim))  # type: ignore[no-any-return]

    def __call__(self, module: Module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Split ``module.<name>`` into parameters ``<name>_g`` (its norm over every dim but ``dim``; None:
    over all) and ``<name>_v`` (its direction), recombined before every forward. Warns (FutureWarning)
    as PyTorch, which deprecates it for ``parametrizations.weight_norm``. Returns ``module``.

    Raises:
        RuntimeError: ``module`` already has a weight norm hook on ``name``.
        ValueError: ``module.<name>`` is a lazy module's uninitialized parameter.
        TypeError: ``module.<name>`` is not a tensor (e.g. a ``bias=False`` layer's None bias; as in
            PyTorch, the entry is already dropped from the module's parameters then).
    """
    warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                  "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning,
                  stacklevel=1)  # (located here, as PyTorch's: under default filters shown once per process)
    for hook in module._forward_pre_hooks.values():
        if isinstance(hook, WeightNorm) and hook.name == name:
            raise RuntimeError(f"Cannot register two weight_norm hooks on the same parameter {name}")
    fn = WeightNorm(name, -1 if dim is None else dim)
    weight = getattr(module, name)
    if is_lazy(weight):
        raise ValueError("The module passed to `WeightNorm` can't have uninitialized parameters. Make sure "
                         "to run the dummy forward before applying weight normalization")
    del module._parameters[name]
    if not isinstance(weight, Tensor):
        raise TypeError("norm_except_dim(): argument 'v' (position 1) must be Tensor, not "
                        f"{type(weight).__name__}")
    module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).detach()))
    module.register_parameter(name + "_v", Parameter(weight.detach()))
    setattr(module, name, fn.compute_weight(module))
    module.register_forward_pre_hook(fn)
    return module


def remove_weight_norm(module: Module, name: str = "weight") -> Module:
    """Turn ``module.<name>`` back into one parameter holding ``g * v / ||v||``. Returns ``module``.

    Raises:
        ValueError: ``module`` has no weight norm on ``name``.
    """
    for key, hook in list(module._forward_pre_hooks.items()):
        if isinstance(hook, WeightNorm) and hook.name == name:
            weight = hook.compute_weight(module).detach()
            delattr(module, name)
            del module._parameters[name + "_g"]
            del module._parameters[name + "_v"]
            setattr(module, name, Parameter(weight))
            del module._forward_pre_hooks[key]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
