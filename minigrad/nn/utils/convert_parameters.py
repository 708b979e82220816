"""Parameters as one flat vector and back: ``parameters_to_vector`` and ``vector_to_parameters``."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from minigrad.errors import ShapeError
from minigrad.tensor import Tensor, cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated into one 1-D Tensor, in order.

    Differentiable, as in PyTorch (it is a reshape and a ``cat``): a loss of
    the vector sends gradients back to the parameters.

    Raises:
        InvalidParameterError: no parameters.
    """
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters, in order (the inverse of the above).

    Each parameter keeps its array, shape and dtype; its values are replaced
    in place (PyTorch instead makes the parameters views of ``vec``).

    Raises:
        TypeError: ``vec`` is not a Tensor.
        ShapeError: ``vec`` has fewer elements than the parameters.
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected minigrad.Tensor, but got: {type(vec).__name__}")
    flat = vec.numpy(force=True).reshape(-1)
    params = list(parameters)
    needed = sum(p.numel() for p in params)
    if flat.size < needed:
        raise ShapeError(
            f"vector_to_parameters: the vector has {flat.size} elements, the parameters {needed}"
        )
    pointer = 0
    for p in params:
        n = p.numel()
        np.copyto(p.numpy(force=True), flat[pointer: pointer + n].reshape(p.shape), casting="unsafe")
        p._write()
        pointer += n
