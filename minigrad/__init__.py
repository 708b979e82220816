"""minigrad: a small reverse-mode autograd tensor library on numpy.

``import minigrad as mg`` gives the Tensor, its factories, grad mode, the
gradient checkers, checkpoint I/O and the errors; layers live in
``minigrad.nn``, optimizers in ``minigrad.optim``, data loading in
``minigrad.utils.data`` (also ``minigrad.data``). Module paths follow
PyTorch's, so ``python -m minigrad.compat script.py`` runs PyTorch scripts.
"""

# As `torch.nn` after `import torch`, the subpackages are attributes: mg.nn, mg.optim, mg.data,
# mg.utils, and the CPU-only answers of mg.cuda, mg.backends, mg.accelerator, mg.distributed, mg.onnx.
# PyTorch's functions: elementwise math, reductions, shapes, products, indexing, grids, sampling
# The Tensor first: as it loads it binds the function modules behind its methods, and those
# import minigrad.factories, which must not be half-imported then (amp, below, imports it).
import math as _math
import sys as _sys
import types as _types

from minigrad import tensor as _tensor  # noqa: F401

# isort: split
from minigrad import _config as __config__  # noqa: F401  (torch.__config__.show(), parallel_info())
from minigrad import (
    _dynamo,  # noqa: F401  (torch._dynamo, reached as an attribute: its config switches)
    _malloc,  # noqa: F401  (side effect: see minigrad/_malloc.py)
    _out,
    _public,
    _tensor_str,  # noqa: F401 - torch._tensor_str (PRINT_OPTS, printoptions), for scripts
    accelerator,
    amp,
    backends,
    compiler,  # noqa: F401  (torch.compiler, reached as an attribute)
    cpu,
    cuda,
    data,
    distributed,
    distributions,
    func,
    futures,  # noqa: F401  (torch.futures, reached as an attribute)
    fx,  # noqa: F401  (torch.fx, reached as an attribute)
    hub,  # noqa: F401  (torch.hub, reached as an attribute)
    jit,  # noqa: F401  (torch.jit, reached as an attribute)
    library,  # noqa: F401  (torch.library, reached as an attribute)
    linalg,
    mps,
    multiprocessing,  # noqa: F401  (torch.multiprocessing, reached as an attribute)
    nn,
    onnx,
    optim,
    overrides,  # noqa: F401  (torch.overrides, reached as an attribute)
    quasirandom,  # noqa: F401  (torch.quasirandom, reached as an attribute)
    return_types,
    safetensors,
    selection,  # noqa: F401  (what the Tensor's sort/cumsum/gather methods call: it fills tensor._providers)
    signal,
    sparse,
    special,
    testing,
    types,  # noqa: F401  (torch.types, reached as an attribute)
    utils,
    version,
    viz,
    xpu,
)
from minigrad import _future as __future__  # noqa: F401  (torch.__future__.set_swap_module_params_on_...)
from minigrad import _torch_c as _C  # noqa: F401  (torch._C._get_privateuse1_backend_name(), an attribute)
from minigrad import bessel as _bessel
from minigrad import complex_parts as _complex_parts
from minigrad import copy_forms as _copy_forms
from minigrad import foreach as _foreach
from minigrad import functional_forms as _functional_forms
from minigrad import gamma as _gamma
from minigrad import grids as _grids
from minigrad import indexing as _indexing
from minigrad import inplace_forms as _inplace_forms
from minigrad import matrix_ops as _matrix_ops
from minigrad import number_ops as _number_ops
from minigrad import pointwise as _pointwise
from minigrad import quantiles as _quantiles
from minigrad import reduction_functions as _reduction_functions
from minigrad import reductions as _reductions
from minigrad import sampling as _sampling
from minigrad import shape_ops as _shape_ops
from minigrad import writes as _writes
from minigrad._compile import api as _compile_api
from minigrad._compile import compile  # noqa: A004 - PyTorch's name
from minigrad._format import set_printoptions
from minigrad._tensor_methods import Storage as UntypedStorage
from minigrad.amp import GradScaler, autocast, is_autocast_enabled
from minigrad.amp.autocast_mode import (
    autocast_decrement_nesting,
    autocast_increment_nesting,
    clear_autocast_cache,
    get_autocast_cpu_dtype,
    get_autocast_dtype,
    get_autocast_gpu_dtype,
    is_autocast_cache_enabled,
    is_autocast_cpu_enabled,
    set_autocast_cache_enabled,
    set_autocast_cpu_dtype,
    set_autocast_cpu_enabled,
    set_autocast_dtype,
    set_autocast_enabled,
    set_autocast_gpu_dtype,
)
from minigrad.anomaly import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_anomaly_enabled,
)
from minigrad.autograd import functional as _autograd_functional  # noqa: F401  (torch.autograd.functional)
from minigrad.autograd import grad as grad
from minigrad.autograd.gradcheck import gradcheck, gradgradcheck
from minigrad.bessel import *  # noqa: F403
from minigrad.checks import *  # noqa: F403  (torch._check and kin, which library code calls)
from minigrad.complex_parts import *  # noqa: F403
from minigrad.copy_forms import *  # noqa: F403
from minigrad.default_dtype import get_default_dtype, set_default_dtype
from minigrad.device import device, get_default_device, set_default_device
from minigrad.dtypes import (
    bfloat16,
    bool,  # noqa: A004
    byte,
    can_cast,
    cdouble,
    cfloat,
    chalf,
    char,
    complex32,
    complex64,
    complex128,
    double,
    dtype,
    finfo,
    float,  # noqa: A004
    float8_e4m3fn,
    float8_e4m3fnuz,
    float8_e5m2,
    float8_e5m2fnuz,
    float8_e8m0fnu,
    float16,
    half,
    iinfo,
    int,  # noqa: A004
    int8,
    int16,
    int32,
    is_floating_point,
    long,
    promote_types,
    short,
    uint8,
)
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
    asarray,
    empty,
    empty_like,
    empty_permuted,
    empty_strided,
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
    scalar_tensor,
    zeros,
    zeros_like,
)
from minigrad.fake_quant import *  # noqa: F403
from minigrad.foreach import *  # noqa: F403
from minigrad.func import vmap
from minigrad.functional_forms import *  # noqa: F403  (torch.conv2d, torch.layer_norm, torch.kl_div...)
from minigrad.futures import Future
from minigrad.gamma import *  # noqa: F403
from minigrad.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from minigrad.grids import *  # noqa: F403
from minigrad.indexing import *  # noqa: F403
from minigrad.inplace_forms import *  # noqa: F403  (torch.exp_(x), torch.clamp_(x, 0)...)
from minigrad.layouts import (
    jagged,
    layout,
    sparse_bsc,
    sparse_bsr,
    sparse_coo,
    sparse_csc,
    sparse_csr,
    strided,
)
from minigrad.linalg_functions import (
    chain_matmul,
    cholesky,
    cholesky_inverse,
    cholesky_solve,
    cross,
    det,
    eig,
    frobenius_norm,
    geqrf,
    inverse,
    logdet,
    lstsq,
    lu,
    lu_solve,
    lu_unpack,
    matrix_exp,
    matrix_power,
    matrix_rank,
    norm,
    nuclear_norm,
    orgqr,
    ormqr,
    pca_lowrank,
    pinverse,
    qr,
    slogdet,
    solve,
    svd,
    svd_lowrank,
    symeig,
    triangular_solve,
)
from minigrad.matrix_ops import *  # noqa: F403
from minigrad.memory_formats import (
    channels_last,
    channels_last_3d,
    contiguous_format,
    memory_format,
    preserve_format,
)

# torch.pdist, torch.pairwise_distance, torch.cosine_similarity: the F functions under their torch.* names
from minigrad.nn.functional import cosine_similarity, pairwise_distance, pdist  # (their public forms)
from minigrad.nn.module import provide_compile as _provide_compile
from minigrad.number_ops import *  # noqa: F403
from minigrad.pointwise import *  # noqa: F403
from minigrad.profiler import profile
from minigrad.quantiles import *  # noqa: F403
from minigrad.random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from minigrad.reduction_functions import *  # noqa: F403
from minigrad.reductions import *  # noqa: F403
from minigrad.sampling import *  # noqa: F403
from minigrad.selection import as_strided, gather, scatter_add
from minigrad.serialization import load, save
from minigrad.settings import (
    are_deterministic_algorithms_enabled,
    get_deterministic_debug_mode,
    get_float32_matmul_precision,
    get_num_interop_threads,
    get_num_threads,
    is_deterministic_algorithms_warn_only_enabled,
    is_warn_always_enabled,
    set_deterministic_debug_mode,
    set_float32_matmul_precision,
    set_num_interop_threads,
    set_num_threads,
    set_warn_always,
    use_deterministic_algorithms,
)
from minigrad.shape_ops import *  # noqa: F403
from minigrad.signal_windows import (
    bartlett_window,
    blackman_window,
    hamming_window,
    hann_window,
    kaiser_window,
)
from minigrad.size import Size
from minigrad.statistics import corrcoef, cov, std, std_mean, var, var_mean
from minigrad.tensor import (
    Tensor,
    as_tensor,
    bool_,
    cat,
    float32,
    float64,
    from_numpy,
    int64,
    is_inference,
    is_tensor,
    matmul,
    numel,
    result_type,
    stack,
    tensor,
)
from minigrad.typed_tensors import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
    set_default_tensor_type,
)
from minigrad.writes import *  # noqa: F403

__version__ = version.__version__

# torch.mul(a, b, out=c): the public function forms take out= (the Tensor methods never do)
_out.accept_out(globals(), [
    *_pointwise.__all__, *_number_ops.__all__, *_reductions.__all__, *_reduction_functions.__all__,
    *_matrix_ops.__all__,
    *_indexing.__all__, *_copy_forms.__all__, "cat", "concat", "concatenate", "stack", "hstack", "vstack",
    "dstack",
    "column_stack", "matmul", "where", "std", "var", "gather", "scatter_add", "quantile", "nanquantile",
    "norm", "hardshrink", "threshold", "bernoulli", "multinomial", "normal", "poisson",
    "zeros", "ones", "empty", "full", "arange", "linspace", "logspace", "eye", "rand", "randn", "randint",
    "randperm",  # (linspace, eye and randperm took out= and ignored it)
    "cross", "inverse", "lgamma", "digamma", "polygamma",
    "mvlgamma", "cholesky_inverse", "cholesky_solve", "nuclear_norm", "chain_matmul", "slogdet", "lu_solve",
    "angle", "i0", "conj_physical", "qr", "svd", "geqrf", "orgqr", "ormqr", "cholesky", "matrix_power",
    "triangular_solve",
    "lu_unpack", "igamma", "igammac", "row_stack", "frobenius_norm", "slice_scatter", "index_reduce",
    "std_mean", "var_mean", "repeat_interleave", "fill",  # (out= refused in PyTorch's words: _out._REFUSED)
])

# Module.compile() (the compiler imports nn, so nn cannot import the compiler)
_provide_compile(_compile_api.compile_in_place)

__all__ = [
    "DimensionError", "Generator", "GradcheckError", "InvalidParameterError", "MinigradError",
    "ShapeError", "Tensor", "arange", "compile", "corrcoef", "cov", "std", "std_mean", "var", "var_mean",
    "bool_", "cat", "enable_grad", "float32", "float64",
    "full", "full_like", "grad", "gradcheck", "gradgradcheck", "int64", "is_grad_enabled",
    "manual_seed", "matmul", "no_grad", "ones", "ones_like", "rand", "randint", "randn",
    "set_grad_enabled", "stack", "tensor", "where", "zeros", "zeros_like",
    "detect_anomaly", "from_numpy", "profile", "viz", "load", "save", "data", "nn", "optim",
    "DeviceError", "UnsupportedError", "accelerator", "backends", "cuda", "device", "distributed",
    "mps", "xpu",
    "empty", "empty_like", "get_default_device", "get_default_dtype", "onnx", "rand_like",
    "randint_like", "randn_like", "scalar_tensor", "empty_permuted", "empty_strided",
    "set_default_device", "set_default_dtype", "utils",
    "DTypeError", "DomainError",
    "safetensors", "testing", "distributions", "inference_mode", "is_inference_mode_enabled",
    "linalg", "signal", "cholesky", "cholesky_inverse", "cholesky_solve", "det", "inverse", "logdet", "norm",
    "pinverse", "slogdet", "chain_matmul", "cross", "matrix_power", "matrix_exp", "qr", "svd", "svd_lowrank",
    "pca_lowrank", "frobenius_norm", "nuclear_norm",
    "lu", "lu_solve", "lu_unpack", "geqrf", "orgqr", "ormqr",
    "triangular_solve", "solve", "symeig", "eig", "lstsq", "matrix_rank",
    "amp", "GradScaler", "autocast", "cpu", "is_autocast_enabled", "special", "func", "vmap",
    "autocast_decrement_nesting", "autocast_increment_nesting", "clear_autocast_cache",
    "get_autocast_cpu_dtype",
    "get_autocast_dtype", "get_autocast_gpu_dtype", "is_autocast_cache_enabled", "is_autocast_cpu_enabled",
    "set_autocast_cache_enabled", "set_autocast_cpu_dtype", "set_autocast_cpu_enabled", "set_autocast_dtype",
    "set_autocast_enabled", "set_autocast_gpu_dtype",
    "is_anomaly_enabled",
]  # fmt: skip
__all__ += [
    "as_strided", "default_generator", "gather", "get_rng_state", "initial_seed", "linalg", "return_types",
    "scatter_add",
    "seed", "set_rng_state",
]  # fmt: skip
__all__ += ["UntypedStorage"]  # (safetensors maps a file with UntypedStorage.from_file)
__all__ += ["Future"]  # (captum tests isinstance(output, torch.Future))
__all__ += [  # PyTorch's dtype names and queries, and the function modules' functions
    "as_tensor", "asarray", "bfloat16", "bool", "byte", "can_cast", "cdouble", "cfloat", "chalf", "char",
    "complex32", "complex64", "complex128", "double", "finfo", "float", "float8_e4m3fn", "float8_e4m3fnuz",
    "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "float16", "half", "iinfo", "int", "int8", "int16",
    "int32", "is_floating_point", "is_inference",
    "is_tensor", "long", "promote_types", "result_type", "short", "uint8",
]  # fmt: skip
__all__ += [  # shapes, printing and the process-wide switches PyTorch scripts set
    "Size", "are_deterministic_algorithms_enabled", "dtype", "get_deterministic_debug_mode",
    "get_num_threads", "is_deterministic_algorithms_warn_only_enabled", "numel",
    "set_deterministic_debug_mode", "set_num_threads", "set_printoptions", "use_deterministic_algorithms",
    "get_float32_matmul_precision", "get_num_interop_threads", "set_float32_matmul_precision",
    "set_num_interop_threads", "is_warn_always_enabled", "set_warn_always",
]  # fmt: skip
# PyTorch's constants: torch.nan, torch.inf, torch.pi, torch.e and x[:, torch.newaxis]
nan, inf, pi, e, newaxis = _math.nan, _math.inf, _math.pi, _math.e, None
__all__ += ["e", "inf", "nan", "newaxis", "pi"]
__all__ += ["cosine_similarity", "pairwise_distance", "pdist"]
__all__ += ["is_anomaly_check_nan_enabled", "set_anomaly_enabled"]
__all__ += ["bartlett_window", "blackman_window", "hamming_window", "hann_window", "kaiser_window"]
__all__ += ["channels_last", "channels_last_3d", "contiguous_format", "memory_format", "preserve_format"]
__all__ += ["jagged", "layout", "sparse_bsc", "sparse_bsr", "sparse_coo", "sparse_csc", "sparse_csr",
            "strided"]
spmm = sparse.spmm  # torch.spmm (see minigrad/sparse.py)
dsmm = sparse.dsmm  # torch.dsmm
sparse_coo_tensor = sparse.sparse_coo_tensor
__all__ += ["dsmm", "sparse", "sparse_coo_tensor", "spmm"]
__all__ += [  # the legacy typed constructors (torch.FloatTensor([1, 2]), isinstance(x, torch.LongTensor))
    "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor", "FloatTensor", "HalfTensor", "IntTensor",
    "LongTensor", "ShortTensor", "set_default_tensor_type",
]  # fmt: skip
__all__ += [name for module in (_bessel, _complex_parts, _copy_forms, _foreach, _functional_forms, _gamma,
                                _grids, _indexing, _inplace_forms, _matrix_ops, _number_ops, _pointwise,
                                _quantiles, _reduction_functions, _reductions, _sampling, _shape_ops, _writes)
            for name in module.__all__]

# frombuffer, the deprecated range, detach, is_signed, get_device, typename: bound last, as ``range`` (in
# PyTorch's __all__ too) must not shadow the builtin in this module's code above
from minigrad import top_level as _top_level  # noqa: E402

globals().update({_n: getattr(_top_level, _n) for _n in _top_level.__all__})
__all__ += _top_level.__all__
where = _top_level.where  # (tensor.where with PyTorch's argument checks: minigrad's own code calls that one)
# (a read-only numpy array warns, as PyTorch's)
globals().update(from_numpy=_top_level.public_from_numpy, as_tensor=_top_level.public_as_tensor)
_out.accept_out(globals(), ["range", "where"])  # (range took out= and ignored it)
# the other function forms: __torch_function__ dispatch and PyTorch's TypeError for a number (_public.py)
_public.expose(globals(), [_n for _n in __all__
                           if _n not in _public.NOT_DISPATCHED and not _n.startswith("set_")])

from minigrad import _alias  # noqa: E402
from minigrad.compat import hook as _hook  # noqa: E402

_alias.watch(_hook)  # a hand-made alias sys.modules["torch"] = minigrad gets the compat hook (see _alias.py)

# torch.functional, the module PyTorch defines einsum, norm, meshgrid, split, unique... in: a module made
# here, holding the top-level functions themselves (torch.functional.einsum is torch.einsum); stft and
# istft are not in minigrad. PyTorch's "Building Models" tutorial imports it (import torch.functional as F).
functional = _sys.modules.setdefault("minigrad.functional", _types.ModuleType("minigrad.functional"))
functional.__all__ = [  # type: ignore[attr-defined]
    "atleast_1d", "atleast_2d", "atleast_3d", "block_diag", "broadcast_shapes", "broadcast_tensors",
    "cartesian_prod", "cdist", "chain_matmul", "einsum", "lu", "meshgrid", "norm", "pca_lowrank", "split",
    "svd_lowrank", "tensordot", "unique", "unique_consecutive", "unravel_index",
]  # fmt: skip
functional.__dict__.update({_n: globals()[_n] for _n in functional.__all__})
