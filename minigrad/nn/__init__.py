"""minigrad.nn: modules, parameters, layers, losses and ``functional``."""

from minigrad.nn import functional as functional
from minigrad.nn.module import Module, ModuleDict, ModuleList, Parameter, Sequential

__all__ = [
    "Module", "ModuleDict", "ModuleList", "Parameter", "Sequential", "functional",
]  # fmt: skip
