"""minigrad: a small reverse-mode autograd tensor library on numpy.

``import minigrad as mg`` gives the Tensor, its factories, grad mode, the
gradient checkers, checkpoint I/O and the errors; layers live in
``minigrad.nn``, optimizers in ``minigrad.optim``, data loading in
``minigrad.data``.
"""

# As `torch.nn` after `import torch`, the subpackages are attributes: mg.nn, mg.optim, mg.data.
from minigrad import (
    _malloc,  # noqa: F401  (side effect: see minigrad/_malloc.py)
    data,
    nn,
    optim,
    viz,
)
from minigrad.anomaly import detect_anomaly
from minigrad.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minigrad.autograd import grad as grad
from minigrad.errors import (
    DimensionError,
    GradcheckError,
    InvalidParameterError,
    MinigradError,
    ShapeError,
)
from minigrad.factories import (
    arange,
    full,
    full_like,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    zeros,
    zeros_like,
)
from minigrad.gradcheck import gradcheck, gradgradcheck
from minigrad.profiler import profile
from minigrad.random import Generator, manual_seed
from minigrad.serialization import load, save
from minigrad.tensor import (
    Tensor,
    bool_,
    cat,
    float32,
    float64,
    from_numpy,
    int64,
    matmul,
    stack,
    tensor,
    where,
)

__version__ = "0.1.0"

__all__ = [
    "DimensionError", "Generator", "GradcheckError", "InvalidParameterError", "MinigradError",
    "ShapeError", "Tensor", "arange", "bool_", "cat", "enable_grad", "float32", "float64",
    "full", "full_like", "grad", "gradcheck", "gradgradcheck", "int64", "is_grad_enabled",
    "manual_seed", "matmul", "no_grad", "ones", "ones_like", "rand", "randint", "randn",
    "set_grad_enabled", "stack", "tensor", "where", "zeros", "zeros_like",
    "detect_anomaly", "from_numpy", "profile", "viz", "load", "save", "data", "nn", "optim",
]  # fmt: skip
