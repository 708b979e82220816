"""``torch.nn.utils.parametrizations``: weight and spectral normalization and orthogonality as
parametrizations."""

from __future__ import annotations

from typing import Any

from minigrad.errors import DimensionError, InvalidParameterError
from minigrad.grad_mode import no_grad
from minigrad.nn.functional import normalize
from minigrad.nn.module import Module
from minigrad.nn.utils import parametrize
from minigrad.nn.utils._orthogonal import orthogonal
from minigrad.tensor import Tensor

__all__ = ["norm_except_dim", "orthogonal", "spectral_norm", "weight_norm"]


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0) -> Tensor:  # noqa: A002 - PyTorch's name
    """The ``pow``-norm of ``v`` over every dim but ``dim``, kept as size-1 dims (``dim=-1``: the norm
    of the whole tensor, a 0-d tensor), as ``torch.norm_except_dim``.

    Raises:
        DimensionError: ``dim`` is out of range (an IndexError, as PyTorch's).
    """
    if dim == -1:
        return v.norm(pow)
    # PyTorch's steps: the first and last dims through a 2-d view (a 1-d v keeps one norm per entry),
    # any other dim moved to the front and back
    if dim == 0:
        return v.reshape(v.shape[0], -1).norm(pow, dim=1).reshape((v.shape[0],) + (1,) * (v.ndim - 1))
    if dim == v.ndim - 1:
        return v.reshape(-1, v.shape[-1]).norm(pow, dim=0).reshape((1,) * (v.ndim - 1) + (v.shape[-1],))
    return norm_except_dim(v.transpose(0, dim), pow, 0).transpose(0, dim)


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

    def compat(state_dict: dict[str, Any], prefix: str, *_: Any) -> None:
        # a checkpoint of the older nn.utils.weight_norm stores <name>_g and <name>_v: load them as originals
        g, v = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g in state_dict and v in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v)

    module._register_load_state_dict_pre_hook(compat)
    return module


def as_matrix(weight: Tensor, dim: int) -> Tensor:
    """``weight`` with ``dim`` first, flattened to (size of dim, rest): the matrix whose norm is taken."""
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.ndim) if d != dim))
    return weight.flatten(1)


class _SpectralNorm(Module):
    """``weight / sigma`` with sigma the largest singular value of the weight as a matrix, estimated by
    power iteration on the buffers ``_u`` and ``_v`` (one step per forward in training mode)."""

    def __init__(self, weight: Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise DimensionError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] "
                                 f"but got {dim})")
        if n_power_iterations <= 0:
            raise InvalidParameterError("Expected n_power_iterations to be positive, but got "
                                        f"n_power_iterations={n_power_iterations}")
        self.dim = dim % ndim
        self.eps = eps
        if ndim > 1:
            from minigrad.factories import randn

            self.n_power_iterations = n_power_iterations
            mat = as_matrix(weight.detach(), self.dim)
            h, w = mat.shape
            self.register_buffer("_u", normalize(randn(h, dtype=weight.dtype), dim=0, eps=eps))
            self.register_buffer("_v", normalize(randn(w, dtype=weight.dtype), dim=0, eps=eps))
            self._power_method(mat, 15)

    def _power_method(self, mat: Tensor, n: int) -> None:
        with no_grad():
            for _ in range(n):
                self._u.copy_(normalize(mat @ self._v, dim=0, eps=self.eps))
                self._v.copy_(normalize(mat.mT @ self._u, dim=0, eps=self.eps))

    def forward(self, weight: Tensor) -> Tensor:
        if weight.ndim == 1:
            return normalize(weight, dim=0, eps=self.eps)
        mat = as_matrix(weight, self.dim)
        if self.training:
            self._power_method(mat.detach(), self.n_power_iterations)
        sigma: Tensor = self._u.clone() @ (mat @ self._v.clone())
        return weight / sigma

    def right_inverse(self, value: Tensor) -> Tensor:
        """The weight itself: the originals hold the unnormalized weight."""
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Reparameterize ``module.<name>`` as itself divided by its spectral norm (largest singular value
    of the weight as a matrix with ``dim`` first; default 0, 1 for transposed convolutions), estimated
    by ``n_power_iterations`` power-iteration steps per training-mode forward from random start
    vectors (buffers ``_u``, ``_v`` of ``parametrizations.<name>[0]``). Returns ``module``.

    Raises:
        ValueError: no parameter or buffer ``name``, or ``n_power_iterations`` not positive.
        IndexError: ``dim`` out of range.
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise InvalidParameterError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        dim = 1 if type(module).__name__.startswith("ConvTranspose") else 0
    parametrize.register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
