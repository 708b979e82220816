"""``torch.nn.parameter``: where PyTorch code imports ``Parameter``, ``Buffer`` and the lazy placeholders."""

from minigrad.nn.lazy import UninitializedBuffer, UninitializedParameter, is_lazy
from minigrad.nn.module import Buffer, Parameter

__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter", "is_lazy"]
