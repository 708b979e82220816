"""Parameters as one flat vector and back: ``parameters_to_vector`` and ``vector_to_parameters``."""

from __future__ import annotations

from collections.abc import Iterable

from minigrad.tensor import Tensor, cat
from minigrad.top_level import typename

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
    """Make the parameters, in order, views of consecutive slices of ``vec`` (the inverse of the above).

    As PyTorch's, each parameter's ``.data`` becomes ``vec[i:i + numel].view_as(p)``: the parameters share
    ``vec``'s memory (a later write to either shows in the other) and take its dtype; autograd does not
    see the replacement.

    Raises:
        TypeError: ``vec`` is not a Tensor.
        ShapeError: ``vec`` has fewer elements than the parameters (the parameters before the one that
            does not fit are already replaced, as in PyTorch).
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {typename(vec)}")
    pointer = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[pointer: pointer + n].view_as(p).data
        pointer += n
