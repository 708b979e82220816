"""``torch.nn.parameter``: where PyTorch code imports ``Parameter`` and ``Buffer`` from."""

from minigrad.nn.module import Buffer, Parameter

__all__ = ["Buffer", "Parameter"]
