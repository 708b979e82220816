"""``torch.nn.parameter``: where PyTorch code imports ``Parameter`` from."""

from minigrad.nn.module import Parameter

__all__ = ["Parameter"]
