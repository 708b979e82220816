"""Automatic differentiation, as ``torch.autograd``: the backward engine, custom functions, grad mode.

The engine (``backward``, ``grad``) lives in :mod:`minigrad.autograd.engine`,
custom functions (``Function``) in :mod:`minigrad.autograd.function`, grad
mode in :mod:`minigrad.grad_mode`, anomaly detection in :mod:`minigrad.anomaly`;
all are re-exported here, where PyTorch code looks for them.
"""

import sys

from minigrad._tensor_methods import provide
from minigrad.anomaly import detect_anomaly, set_detect_anomaly
from minigrad.autograd import (
    anomaly_mode,  # noqa: F401  (torch.autograd.anomaly_mode)
    forward_ad,  # noqa: F401  (torch.autograd.forward_ad)
    grad_mode,  # noqa: F401  (torch.autograd.grad_mode)
    graph,  # noqa: F401  (torch.autograd.graph)
    profiler,  # noqa: F401  (torch.autograd.profiler)
)
from minigrad.autograd.engine import backward, grad
from minigrad.autograd.function import Function, FunctionCtx, once_differentiable
from minigrad.autograd.gradcheck import gradcheck, gradgradcheck
from minigrad.autograd.graph import SavedTensor
from minigrad.autograd.variable import Variable
from minigrad.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    is_multithreading_enabled,
    no_grad,
    set_grad_enabled,
    set_multithreading_enabled,
)

__all__ = [
    "Function", "FunctionCtx", "backward", "detect_anomaly", "enable_grad", "grad", "gradcheck",
    "gradgradcheck", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "no_grad",
    "once_differentiable", "set_detect_anomaly", "set_grad_enabled", "Variable", "is_multithreading_enabled",
    "set_multithreading_enabled", "SavedTensor",
]  # fmt: skip

provide(sys.modules[__name__])  # Tensor.backward calls this package's backward (patchable, as PyTorch's)
