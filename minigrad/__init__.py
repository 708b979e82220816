"""minigrad: a small reverse-mode autograd tensor library on numpy.

``import minigrad as mg`` gives the Tensor, its factories, grad mode, the
gradient checkers, checkpoint I/O and the errors; layers live in
``minigrad.nn``, optimizers in ``minigrad.optim``, data loading in
``minigrad.utils.data`` (also ``minigrad.data``). Module paths follow
PyTorch's, so ``python -m minigrad.compat script.py`` runs PyTorch scripts.
"""

# As `torch.nn` after `import torch`, the subpackages are attributes: mg.nn, mg.optim, mg.data,
# mg.utils, and the CPU-only answers of mg.cuda, mg.backends, mg.accelerator, mg.distributed, mg.onnx.
from minigrad import (
    _malloc,  # noqa: F401  (side effect: see minigrad/_malloc.py)
    accelerator,
    amp,
    backends,
    cpu,
    cuda,
    data,
    distributed,
    distributions,
    nn,
    onnx,
    optim,
    safetensors,
    selection,  # noqa: F401  (what the Tensor's sort/cumsum/gather methods call: it fills tensor._providers)
    testing,
    utils,
    viz,
)
from minigrad._compile import compile  # noqa: A004 - PyTorch's name
from minigrad.amp import autocast, is_autocast_enabled
from minigrad.anomaly import detect_anomaly
from minigrad.autograd import functional as _autograd_functional  # noqa: F401  (torch.autograd.functional)
from minigrad.autograd import grad as grad
from minigrad.default_dtype import get_default_dtype, set_default_dtype
from minigrad.device import device, get_default_device, set_default_device
from minigrad.errors import (
    DeviceError,
    DimensionError,
    DomainError,
    DTypeError,
    GradcheckError,
    InvalidParameterError,
    MinigradError,
    ShapeError,
    UnsupportedError,
)
from minigrad.factories import (
    arange,
    empty,
    empty_like,
    full,
    full_like,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    zeros,
    zeros_like,
)
from minigrad.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from minigrad.gradcheck import gradcheck, gradgradcheck
from minigrad.profiler import profile
from minigrad.random import Generator, manual_seed
from minigrad.serialization import load, save
from minigrad.statistics import std, std_mean, var, var_mean
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
    "ShapeError", "Tensor", "arange", "compile", "std", "std_mean", "var", "var_mean",
    "bool_", "cat", "enable_grad", "float32", "float64",
    "full", "full_like", "grad", "gradcheck", "gradgradcheck", "int64", "is_grad_enabled",
    "manual_seed", "matmul", "no_grad", "ones", "ones_like", "rand", "randint", "randn",
    "set_grad_enabled", "stack", "tensor", "where", "zeros", "zeros_like",
    "detect_anomaly", "from_numpy", "profile", "viz", "load", "save", "data", "nn", "optim",
    "DeviceError", "UnsupportedError", "accelerator", "backends", "cuda", "device", "distributed",
    "empty", "empty_like", "get_default_device", "get_default_dtype", "onnx", "rand_like",
    "randint_like", "randn_like", "set_default_device", "set_default_dtype", "utils",
    "DTypeError", "DomainError",
    "safetensors", "testing", "distributions", "inference_mode", "is_inference_mode_enabled",
    "amp", "autocast", "cpu", "is_autocast_enabled",
]  # fmt: skip
