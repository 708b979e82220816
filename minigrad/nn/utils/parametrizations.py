"""``torch.nn.utils.parametrizations``: weight normalization as a parametrization."""

from __future__ import annotations

from minigrad.nn.module import Module
from minigrad.nn.utils import parametrize
from minigrad.tensor import Tensor

__all__ = ["norm_except_dim", "weight_norm"]


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:  # noqa: A002 - PyTorch's name
    """The ``pow``-norm of ``v`` over every dim but ``dim``, kept as size-1 dims (``dim=-1``: the norm
    of the whole tensor, a 0-d tensor), as ``torch.norm_except_dim``."""
    if dim == -1:
        return v.norm(pow)
    d = dim % v.ndim
    return v.norm(pow, dim=tuple(i for i in range(v.ndim) if i != d), keepdim=True)


class _WeightNorm(Module):
    """``weight = g * v / ||v||`` with the norm over every dim but ``dim``; originals (g, v)."""

    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g: Tensor, weight_v: Tensor) -> Tensor:
        return weight_v * (weight_g / norm_except_dim(weight_v, 2, self.dim))

    def right_inverse(self, weight: Tensor) -> tuple[Tensor, Tensor]:
        """``(||weight||, weight)``: the g and v that give back ``weight``."""
        return norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    """Reparameterize ``module.<name>`` as ``g * v / ||v||`` (the norm over every dim but ``dim``;
    None: over all), with ``g`` and ``v`` stored as ``parametrizations.<name>.original0`` and
    ``original1``. Returns ``module``.

    Raises:
        ValueError: ``module`` has no parameter or buffer ``name``.
    """
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module
