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
    backends,
    cuda,
    data,
    distributed,
    nn,
    onnx,
    optim,
    safetensors,
    testing,
    utils,
    viz,
)
from minigrad.anomaly import detect_anomaly
from minigrad.autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
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
from minigrad.gradcheck import gradcheck, gradgradcheck
from minigrad.profiler import profile
from minigrad.random import Generator, manual_seed
from minigrad.serialization import load, save
from minigrad.tensor import (
    Tensor,
    as_tensor,
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

# PyTorch's functions: elementwise math, reductions, shapes, products, indexing, grids, sampling
from minigrad import linalg, return_types  # noqa: E402  (torch.linalg, torch.return_types)
from minigrad.dtypes import (  # noqa: E402
    bfloat16,
    bool,  # noqa: A004
    byte,
    can_cast,
    char,
    double,
    finfo,
    float,  # noqa: A004
    float16,
    half,
    iinfo,
    int,  # noqa: A004
    int8,
    int16,
    int32,
    is_floating_point,
    is_tensor,
    long,
    promote_types,
    result_type,
    short,
    uint8,
)
from minigrad.grids import *  # noqa: E402, F403
from minigrad.indexing import *  # noqa: E402, F403
from minigrad.indexing import gather_values as gather  # noqa: E402
from minigrad.indexing import scatter_add_values as scatter_add  # noqa: E402
from minigrad.matrix_ops import *  # noqa: E402, F403
from minigrad.pointwise import *  # noqa: E402, F403
from minigrad.random import get_rng_state, initial_seed, seed, set_rng_state  # noqa: E402
from minigrad.random import default_generator  # noqa: E402
from minigrad.reduction_functions import *  # noqa: E402, F403
from minigrad.reductions import *  # noqa: E402, F403
from minigrad.sampling import *  # noqa: E402, F403
from minigrad.shape_ops import *  # noqa: E402, F403

__version__ = "0.1.0"

__all__ = [
    "DimensionError", "Generator", "GradcheckError", "InvalidParameterError", "MinigradError",
    "ShapeError", "Tensor", "arange", "bool_", "cat", "enable_grad", "float32", "float64",
    "full", "full_like", "grad", "gradcheck", "gradgradcheck", "int64", "is_grad_enabled",
    "manual_seed", "matmul", "no_grad", "ones", "ones_like", "rand", "randint", "randn",
    "set_grad_enabled", "stack", "tensor", "where", "zeros", "zeros_like",
    "detect_anomaly", "from_numpy", "profile", "viz", "load", "save", "data", "nn", "optim",
    "DeviceError", "UnsupportedError", "accelerator", "backends", "cuda", "device", "distributed",
    "empty", "empty_like", "get_default_device", "get_default_dtype", "onnx", "rand_like",
    "randint_like", "randn_like", "set_default_device", "set_default_dtype", "utils",
    "DTypeError", "DomainError",
    "safetensors", "testing",
]  # fmt: skip
__all__ += [  # noqa: PLE0605
    "default_generator", "gather", "get_rng_state", "initial_seed", "linalg", "return_types", "scatter_add",
    "seed", "set_rng_state",
]  # fmt: skip
