"""PyTorch's own op test database (OpInfo) run against minigrad, for a curated list of ops.

``torch.testing._internal.common_methods_invocations.op_db`` describes each PyTorch op with
sample inputs (``op.sample_inputs``) and inputs that must raise (``op.error_inputs``). For each
op in :data:`OPS`, every sample (up to :data:`MAX_SAMPLES` per dtype) is converted to minigrad
tensors (same values, dtype and ``requires_grad``) and run through the minigrad function of the
same name; the outputs must agree with PyTorch's in structure, shape, dtype and value, and in
float64 the gradients of ``sum(out * w)`` (fixed random ``w``) w.r.t. every input that requires
grad must agree too. For the ops in :data:`ERROR_OPS` each error input must raise an instance of
the class PyTorch raises. Samples minigrad cannot express (complex, bfloat16, other devices) are
skipped. The ops listed are the ones that agree: a regression in any of them fails here.

The database needs ``expecttest`` (``pip install expecttest``, in the ``parity`` extra): without
it the module skips, saying so (and fails where CI sets MINIGRAD_REQUIRE_TORCH).
"""

from __future__ import annotations

import types
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch, tensors_in, torch_test_database

torch = require_torch()
_cmi = torch_test_database("common_methods_invocations", "OpInfo")

MAX_SAMPLES = 6
#: (OpInfo name, or name.variant) -> dtypes to run; float64 samples also check gradients
F64, F32, I64, BOOL = torch.float64, torch.float32, torch.int64, torch.bool
OPS: dict[str, tuple[Any, ...]] = {
    # the common ops of training scripts
    "add": (F64, F32, I64), "mul": (F64, I64), "sub": (F64,), "div.no_rounding_mode": (F64, F32),
    "sum": (F64, I64, BOOL), "mean": (F64,), "prod": (F64, I64, BOOL), "amax": (F64,), "var": (F64,),
    "std": (F64,), "max.reduction_with_dim": (F64,), "exp": (F64,), "log": (F64,), "tanh": (F64,),
    "sigmoid": (F64,), "clamp": (F64,), "where": (F64,), "matmul": (F64, F32), "cat": (F64, BOOL),
    "stack": (F64,), "reshape": (F64,), "transpose": (F64,), "permute": (F64,), "__getitem__": (F64,),
    "softmax": (F64, F32), "log_softmax": (F64,), "logsumexp": (F64, I64, BOOL), "cumsum": (F64,),
    "nn.functional.linear": (F64,), "nn.functional.relu": (F64,), "nn.functional.gelu": (F64,),
    "nn.functional.cross_entropy": (F64,), "nn.functional.layer_norm": (F64,),
    "nn.functional.embedding": (F64,),
    # fixed after the OpInfo sweep
    "flip": (F64, BOOL), "rot90": (F64, BOOL), "cumprod": (F64, I64), "cummax": (F64, BOOL),
    "mode": (F64, BOOL), "kthvalue": (F64,), "median": (F64, I64), "nanmedian": (F64,),
    "index_select": (F64,), "scatter": (F64, BOOL), "scatter_reduce.sum": (F64, BOOL),
    "scatter_reduce.prod": (F64, BOOL), "unique_consecutive": (F64,), "baddbmm": (F64, I64),
    "sign": (F64, BOOL), "masked_fill": (F64,), "masked_scatter": (F64,),
    "nn.functional.max_unpool1d": (F64,), "nn.functional.max_unpool2d": (F64,),
    "linalg.norm.subgradients_at_zero": (F64,), "norm.nuc": (F64,), "linalg.lstsq": (F64,),
    "arange": (F64, I64), "linspace": (F64, I64), "narrow": (F64,), "tensor_split": (F64,),
    "take_along_dim": (F64,), "gather": (F64,), "diag_embed": (F64,), "nn.functional.avg_pool2d": (F64,),
    "sum_to_size": (F64,), "H": (F64,), "mH": (F64,), "positive": (F64,), "bool": (F64,),
    "double": (F64,), "long": (F64,), "gcd": (I64,), "lcm": (I64,), "ldexp": (F64,), "frexp": (F64,),
    "nextafter": (F64,), "addmv": (F64,), "addr": (F64, BOOL), "addbmm": (F64,), "__rdiv__": (F64,),
    # added after the full sweep (opinfo2): the older linalg forms, LU, the *_ex forms, Householder products
    "svd": (F64,), "qr": (F64,), "triangular_solve": (F64,), "matrix_exp": (F64,), "linalg.diagonal": (F64,),
    "linalg.inv_ex": (F64,), "linalg.cholesky_ex": (F64,), "linalg.solve_ex": (F64,),
    "linalg.vander": (F64, I64),
    "linalg.tensorinv": (F64,), "linalg.tensorsolve": (F64,), "linalg.cross": (F64,), "tensordot": (F64,),
    "linalg.lu": (F64,), "linalg.lu_factor": (F64,), "linalg.lu_factor_ex": (F64,), "linalg.lu_solve": (F64,),
    "lu": (F64,), "lu_unpack": (F64,), "lu_solve": (F64,), "geqrf": (F64,), "ormqr": (F64,),
    "linalg.householder_product": (F64,), "cov": (F64,),
    # the *_copy forms of the view ops, unsafe_split/chunk, factories, writes at indices
    "view_copy": (F64,), "transpose_copy": (F64,), "unsqueeze_copy": (F64,), "unfold_copy": (F64,),
    "unbind_copy": (F64,), "split_with_sizes_copy": (F64,), "diagonal_copy": (F64,), "expand_copy": (F64,),
    "alias_copy": (F64,), "narrow_copy": (F64,), "permute_copy": (F64,), "squeeze_copy": (F64,),
    "t_copy": (F64,), "unsafe_split": (F64,), "unsafe_chunk": (F64,), "scalar_tensor": (F64, I64),
    "put": (F64, BOOL),
    "index_reduce.prod": (F64,), "index_reduce.mean": (F64, I64), "index_reduce.amax": (F64,),
    "index_reduce.amin": (F64, I64), "scatter_reduce.amin": (I64,), "gradient": (F64, I64),
    "constant_pad_nd": (F64, BOOL), "nonzero_static": (F64,), "resize_": (F64,), "resize_as_": (F64,),
    "empty_strided": (F64,), "new_empty_strided": (F64,), "empty_permuted": (F64,),
    # random draws, PyTorch's numbers from the same seed
    "geometric": (F64, F32), "log_normal": (F64, F32), "cauchy": (F64, F32), "uniform": (F64,),
    "exponential": (F64,), "normal.in_place": (F64,),
    # special functions
    "special.zeta": (I64,), "special.chebyshev_polynomial_t": (F64, I64),
    "special.hermite_polynomial_h": (F64,),
    "special.chebyshev_polynomial_u": (F64,), "special.shifted_chebyshev_polynomial_w": (F64,),
    "special.laguerre_polynomial_l": (F64,), "special.legendre_polynomial_p": (F64,),
}
#: ops whose values are uninitialized memory: only the structure, shapes and dtypes are compared
UNINITIALIZED = {"empty_strided", "new_empty_strided", "empty_permuted"}
#: samples left out, with the reason: name -> predicate on the sample
SKIP: dict[str, Any] = {}
#: ops PyTorch records but cannot differentiate (its output requires grad, minigrad's does not)
NO_GRAD: set[str] = set()
#: ops whose error inputs must raise PyTorch's exception classes
ERROR_OPS = ("narrow", "rot90", "neg", "masked_fill", "masked_scatter", "diag_embed", "linspace", "logspace",
             "sum_to_size", "diag", "reshape", "cat", "gather", "gcd", "lcm", "ldexp",
             # (opinfo2)
             "multinomial", "uniform", "exponential", "geometric", "log_normal", "cauchy", "hstack", "hsplit",
             "vsplit", "linalg.cross", "ormqr", "special.chebyshev_polynomial_t")
_UNSUPPORTED = {torch.complex32, torch.complex64, torch.complex128, torch.bfloat16}
_BY_NAME = {op.name + (f".{op.variant_test_name}" if op.variant_test_name else ""): op for op in _cmi.op_db}


def _minigrad_fn(op: Any) -> Any:
    """The minigrad callable for an OpInfo: a lambda of the database re-bound to minigrad, a Tensor
    method, or the function of the same dotted name."""
    f = op.op
    if isinstance(f, types.FunctionType) and f.__module__.startswith("torch.testing"):
        return types.FunctionType(f.__code__, {**f.__globals__, "torch": mg}, f.__name__, f.__defaults__,
                                  f.__closure__)
    if type(f).__name__ in ("method_descriptor", "wrapper_descriptor") or (
            isinstance(f, types.FunctionType) and f.__qualname__.startswith("Tensor.")):
        return getattr(mg.Tensor, f.__name__)
    obj: Any = mg
    for part in op.name.split("."):
        obj = getattr(obj, part)
    return obj


def _unsupported(x: Any) -> bool:
    if isinstance(x, torch.Tensor):
        return x.dtype in _UNSUPPORTED or x.layout != torch.strided
    if isinstance(x, (list, tuple)):
        return any(_unsupported(v) for v in x)
    if isinstance(x, dict):
        return any(_unsupported(v) for v in x.values())
    return isinstance(x, complex) or (isinstance(x, torch.dtype) and x in _UNSUPPORTED)


def _to_mg(x: Any, memo: dict[int, mg.Tensor]) -> Any:
    """torch tensors (the same one to the same tensor), dtypes, sizes and devices as minigrad's."""
    if isinstance(x, torch.Tensor):
        if id(x) not in memo:
            dtype = getattr(mg, str(x.dtype).removeprefix("torch."))
            memo[id(x)] = mg.tensor(x.detach().numpy().copy(), dtype=dtype, requires_grad=x.requires_grad)
        return memo[id(x)]
    if isinstance(x, torch.dtype):
        return getattr(mg, str(x).removeprefix("torch."))
    if isinstance(x, torch.Size):
        return tuple(x)
    if isinstance(x, torch.device):
        return mg.device(str(x))
    if isinstance(x, torch.memory_format):
        return getattr(mg, str(x).removeprefix("torch."))
    if isinstance(x, (list, tuple)):
        return type(x)(_to_mg(v, memo) for v in x)
    if isinstance(x, dict):
        return {k: _to_mg(v, memo) for k, v in x.items()}
    return x


def _compare(got: Any, want: Any, where: str, float32: bool = False) -> None:
    if isinstance(want, torch.Tensor):
        assert isinstance(got, mg.Tensor), f"{where}: {type(got).__name__}, torch gives a Tensor"
        assert got.shape == tuple(want.shape), f"{where}: shape {got.shape} != torch's {tuple(want.shape)}"
        assert got.dtype.name == str(want.dtype).removeprefix("torch."), f"{where}: dtype {got.dtype}"
        expected = want.detach().numpy(force=True)
        if expected.dtype.kind in "biu":
            np.testing.assert_array_equal(got.numpy(), expected, err_msg=where)
        else:
            rtol, atol = (1.3e-6, 1e-5) if float32 or expected.dtype != np.float64 else (1e-10, 1e-12)
            np.testing.assert_allclose(got.detach().numpy(), expected, rtol=rtol, atol=atol, err_msg=where)
    elif isinstance(want, (tuple, list)) and not isinstance(want, torch.Size):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), f"{where}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _compare(g, w, f"{where}[{i}]", float32)
    elif isinstance(want, torch.Size):
        assert tuple(got) == tuple(want), f"{where}: {got} != torch's {want}"
    else:
        assert type(got) is type(want) and got == want, f"{where}: {got!r} != torch's {want!r}"


def _check_grads(sample: Any, tout: Any, out: Any, tin: list[Any], inputs: list[mg.Tensor],
                 where: str) -> None:
    touts = tensors_in(sample.output_process_fn_grad(tout))
    outs = tensors_in(sample.output_process_fn_grad(out))
    rng = np.random.default_rng(0)
    pairs = [(t, o, rng.standard_normal(tuple(t.shape))) for t, o in zip(touts, outs, strict=True)
             if t.requires_grad and t.dtype.is_floating_point]
    wanted = [(t, x) for t, x in zip(tin, inputs, strict=True) if t.requires_grad]
    if not pairs or not wanted:
        return
    tloss = sum((t * torch.from_numpy(w)).sum() for t, _, w in pairs)
    loss = sum((o * mg.tensor(w)).sum() for _, o, w in pairs)
    tgrads = torch.autograd.grad(tloss, [t for t, _ in wanted], allow_unused=True)
    grads = mg.grad(loss, [x for _, x in wanted], allow_unused=True)
    for i, (tg, g, (t, _)) in enumerate(zip(tgrads, grads, wanted, strict=True)):
        tg = torch.zeros_like(t) if tg is None or tg._is_zerotensor() else tg
        g = mg.zeros(*t.shape, dtype=mg.float64) if g is None else g
        _compare(g, tg, f"{where}: gradient of input {i}")


@pytest.mark.parametrize("name", list(OPS))
def test_samples_match_torch(name: str) -> None:
    """Outputs (and float64 gradients) of the OpInfo samples agree with PyTorch's."""
    op = _BY_NAME[name]
    fn = _minigrad_fn(op)
    ran = 0
    for dtype in OPS[name]:
        grad = dtype == torch.float64 and op.supports_autograd and name not in NO_GRAD
        torch.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            samples = list(op.sample_inputs("cpu", dtype, requires_grad=grad))[:MAX_SAMPLES]
        for k, sample in enumerate(samples):
            where = f"{name} {dtype} sample {k}: {sample.summary()[:200]}"
            parts = [sample.input, sample.args, sample.kwargs]
            if _unsupported(parts) or (name in SKIP and SKIP[name](sample)):
                continue
            memo: dict[int, mg.Tensor] = {}
            args = _to_mg(parts, memo)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # both generators seeded as the database's wrapper_set_seed seeds PyTorch's: random ops
                # draw the same numbers
                torch.manual_seed(42)
                tout = op(sample.input, *sample.args, **sample.kwargs)
                mg.manual_seed(42)
                out = fn(args[0], *args[1], **args[2])
            if name in UNINITIALIZED:
                out, tout = out.zero_(), tout.zero_()
            _compare(out, tout, where, float32=dtype == torch.float32)
            if grad:
                _check_grads(sample, tout, out, tensors_in(parts), tensors_in(args), where)
            ran += 1
    assert ran, f"{name}: no sample ran"


@pytest.mark.parametrize("name", ERROR_OPS)
def test_error_inputs_raise_torch_classes(name: str) -> None:
    """Each OpInfo error input raises an instance of the exception class PyTorch raises."""
    op = _BY_NAME[name]
    fn = _minigrad_fn(op)
    for error in op.error_inputs("cpu"):
        s = error.sample_input
        if _unsupported([s.input, s.args, s.kwargs]) or "out" in s.kwargs:  # (out= aliasing: not checked)
            continue
        args = _to_mg([s.input, s.args, s.kwargs], {})
        with pytest.raises(error.error_type):
            fn(args[0], *args[1], **args[2])


def test_imag_of_a_real_tensor_raises_torch_class() -> None:
    """``imag`` of a real tensor raises PyTorch's RuntimeError (minigrad has no complex dtypes)."""
    with pytest.raises(RuntimeError):
        torch.imag(torch.ones(2))
    with pytest.raises(RuntimeError, match="non-complex"):
        mg.imag(mg.ones(2))
    with pytest.raises(RuntimeError):
        _ = mg.ones(2).imag
