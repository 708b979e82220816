"""``torch.overrides`` on minigrad: whether an object counts as a tensor.

PyTorch's module is its ``__torch_function__`` protocol, by which tensor subclasses and tensor-like
objects take over ``torch.*`` functions. minigrad has no such dispatch (a subclass's own methods are
its own; ``torch.*`` functions compute on its values), so what is here is the question libraries ask
without dispatching anything: torchjd's autojac checks its arguments with :func:`is_tensor_like`.
"""

from __future__ import annotations

from minigrad.tensor import Tensor

__all__ = ["is_tensor_like"]


def is_tensor_like(inp: object) -> bool:
    """True for a Tensor, a Tensor subclass or instance of one, and anything with a ``__torch_function__``
    attribute, as PyTorch's (which asks ``type(inp) is Tensor or hasattr(inp, "__torch_function__")``,
    true for its Tensor class and subclasses too, since they define that method)."""
    is_tensor_class = isinstance(inp, type) and issubclass(inp, Tensor)
    return isinstance(inp, Tensor) or is_tensor_class or hasattr(inp, "__torch_function__")
