"""Bad input at every Tensor constructor, factory and op, judged against PyTorch.

Each case goes through :func:`tests.robustness.oracle.check`: minigrad either
agrees with PyTorch or raises one of its own errors (or a TypeError), never a
bare numpy error and never a value PyTorch would not give.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import minigrad as mg
from tests.helpers import require_torch
from tests.op_table import OP_TABLE, OpSpec
from tests.op_table_linalg import LINALG_OPS
from tests.robustness.oracle import FLOAT64_AGREES, RELAXED_SEEN, check, describe, expect_error

torch = require_torch()

_TORCH_DTYPE = {
    np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64,
    np.dtype(np.int64): torch.int64, np.dtype(np.bool_): torch.bool,
}  # fmt: skip


def _tt(a: np.ndarray, requires_grad: bool = False) -> Any:
    return torch.tensor(a, dtype=_TORCH_DTYPE[a.dtype], requires_grad=requires_grad)


# ------------------------------------------------------------------ constructors

BAD_DATA: list[tuple[str, Any]] = [
    ("str", "abc"), ("bytes", b"abc"), ("None", None), ("dict", {"a": 1}), ("set", {1, 2}),
    ("object", object()), ("list-with-str", [1, "a"]), ("list-with-None", [1.0, None]),
    ("ragged", [[1, 2], [3]]), ("ragged-depth", [[1], [[2]]]), ("complex", 1 + 2j),
    ("complex-array", np.array([1 + 1j])), ("object-array", np.array([object(), 1], dtype=object)),
    ("str-array", np.array(["a", "b"])), ("datetime", np.array(["2020-01-01"], dtype="datetime64[D]")),
    ("huge-int", 2**70), ("huge-int-list", [1, 2**70]), ("lambda", lambda: 1),
    ("nested-tensor-list-ragged", [mg.tensor([1.0]), mg.tensor([1.0, 2.0])]),
]  # fmt: skip

ODD_BUT_VALID: list[tuple[str, Any]] = [
    ("empty-list", []), ("empty-nested", [[], []]), ("empty-2d-array", np.empty((0, 3))),
    ("nan", float("nan")), ("inf-list", [float("inf"), -float("inf")]), ("bool-list", [True, False]),
    ("mixed-bool-int", [True, 2]), ("mixed-int-float", [1, 2.5]), ("uint8", np.array([1, 255], np.uint8)),
    ("int8", np.array([-3], np.int8)), ("int32", np.array([7], np.int32)),
    ("float16", np.array([0.5], np.float16)),
    ("0-d-array", np.array(3.0)), ("numpy-scalar", np.float64(2.5)), ("big-float", 1e300),
    ("neg-zero", -0.0), ("tuple", (1, 2)), ("non-contiguous", np.arange(6.0).reshape(2, 3).T),
]  # fmt: skip


def _torch_tensor(data: Any, **kw: Any) -> Any:
    if isinstance(data, list) and data and isinstance(data[0], mg.Tensor):
        data = [torch.tensor(d.numpy()) for d in data]
    return torch.tensor(data, **kw)


@pytest.mark.parametrize(
    ("name", "data"), BAD_DATA + ODD_BUT_VALID, ids=[n for n, _ in BAD_DATA + ODD_BUT_VALID]
)
@pytest.mark.parametrize("requires_grad", [False, True])
def test_tensor_constructor(name: str, data: Any, requires_grad: bool) -> None:
    for ctor in (mg.tensor, mg.Tensor):
        check(
            f"{ctor.__name__}:{name}:rg={requires_grad}",
            lambda c=ctor: c(data, requires_grad=requires_grad),  # type: ignore[misc]
            lambda: _torch_tensor(data, requires_grad=requires_grad),
        )


# int32, float16, uint8 & co. are PyTorch dtypes minigrad has (issue 12): not bad any more.
BAD_DTYPES: list[Any] = [
    "foo",
    np.uint16,
    np.uint64,
    np.complex128,
    object,
    str,
    5,
    "float128",
    [1],
]


@pytest.mark.parametrize("dtype", BAD_DTYPES, ids=[repr(d) for d in BAD_DTYPES])
def test_bad_dtype_argument(dtype: Any) -> None:
    """Unsupported dtypes are refused by name, at the constructor and at every factory."""
    expect_error(f"tensor:dtype={dtype!r}", lambda: mg.tensor([1.0], dtype=dtype), names=("dtype",))
    expect_error(f"astype:dtype={dtype!r}", lambda: mg.ones(2).astype(dtype), names=("dtype",))
    for fn in (mg.zeros, mg.ones, mg.rand, mg.randn):
        expect_error(
            f"{fn.__name__}:dtype={dtype!r}",
            lambda f=fn: f(2, dtype=dtype),  # type: ignore[misc]
            names=("dtype",),
        )
    expect_error(f"full:dtype={dtype!r}", lambda: mg.full((2,), 1.0, dtype=dtype), names=("dtype",))
    expect_error(f"arange:dtype={dtype!r}", lambda: mg.arange(3, dtype=dtype), names=("dtype",))
    expect_error(
        f"zeros_like:dtype={dtype!r}", lambda: mg.zeros_like(mg.ones(2), dtype=dtype), names=("dtype",)
    )


# ------------------------------------------------------------------ factories

BAD_DIM = st.one_of(
    st.integers(-3, -1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=2),
    st.none(),
    st.booleans(),
    st.just(2**63),
    st.just([2, [3]]),
    st.complex_numbers(max_magnitude=2),
)
SHAPE_ARG = st.lists(st.one_of(st.integers(0, 3), BAD_DIM), min_size=1, max_size=3)


def _zeros_like_result(t: Any) -> Any:
    """A random tensor's values differ between libraries; shape and dtype are compared."""
    return t * 0 if getattr(t, "dtype", None) not in (mg.bool_, torch.bool) else t & False


@given(shape=SHAPE_ARG, fn=st.sampled_from(["zeros", "ones", "rand", "randn", "empty_like_zeros"]))
def test_factory_shapes(shape: list[Any], fn: str) -> None:
    if fn == "empty_like_zeros":
        check(
            f"zeros(tuple):{describe(shape)}",
            lambda: mg.zeros(tuple(shape)),
            lambda: torch.zeros(tuple(shape)),
        )
        return
    mg_fn, t_fn = getattr(mg, fn), getattr(torch, fn)
    check(
        f"{fn}:{describe(shape)}",
        lambda: _zeros_like_result(mg_fn(*shape)),
        lambda: _zeros_like_result(t_fn(*shape)),
    )


@given(
    shape=st.one_of(SHAPE_ARG, st.integers(-2, 3), BAD_DIM),
    value=st.one_of(
        st.floats(),
        st.integers(-5, 5),
        st.booleans(),
        st.text(max_size=1),
        st.none(),
        st.complex_numbers(max_magnitude=1),
        st.just([1.0]),
    ),
)
def test_full(shape: Any, value: Any) -> None:
    def t_shape() -> Any:
        return (shape,) if isinstance(shape, int) and not isinstance(shape, bool) else shape

    check(
        f"full:{describe(shape)}:{describe(value)}",
        lambda: mg.full(shape, value),
        lambda: torch.full(t_shape(), value),
    )


ARANGE_ARG = st.one_of(
    st.integers(-5, 5),
    st.floats(-5, 5),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 0, 0.0]),
    st.text(max_size=1),
    st.none(),
    st.booleans(),
)


def _arange_length(start: Any, end: Any, step: Any) -> float:
    """How many elements arange would make (0 where an argument is not a number, or the step is 0)."""
    lo, hi = (0, start) if end is None else (start, end)
    if not all(isinstance(v, (int, float)) for v in (lo, hi, step)) or not step:  # (a bool is 0 or 1)
        return 0.0
    with np.errstate(all="ignore"):
        return float(np.float64(hi - lo) / np.float64(step))


@given(start=ARANGE_ARG, end=ARANGE_ARG, step=ARANGE_ARG)
def test_arange(start: Any, end: Any, step: Any) -> None:
    # a tiny step within float range makes a result of gigabytes that both libraries fill: that tests the
    # machine's memory, not the arguments (seed 22 of the deep profile was OOM-killed at 20 GB); the steps
    # whose length overflows (5e-324) or is NaN are still tried
    length = _arange_length(start, end, step)
    assume(not (1e7 < abs(length) < float("inf")))
    def mg_fn() -> Any:
        return mg.arange(start, end, step) if end is not None else mg.arange(start, step=step)

    def t_fn() -> Any:
        return torch.arange(start, end, step) if end is not None else torch.arange(0, start, step)

    check(f"arange:{describe(start)}:{describe(end)}:{describe(step)}", mg_fn, t_fn)


@given(
    low=st.one_of(st.integers(-3, 5), st.floats(-3, 5), st.none(), st.text(max_size=1)),
    high=st.one_of(st.integers(-3, 5), st.none(), st.floats(-3, 5)),
    size=st.one_of(st.tuples(st.integers(-1, 3)), st.integers(-1, 3), st.just((2.5,)), st.just("ab")),
)
def test_randint(low: Any, high: Any, size: Any) -> None:
    def mg_fn() -> Any:
        return mg.randint(low, high, size) * 0

    def t_fn() -> Any:
        tsize = (size,) if isinstance(size, int) else size
        return (torch.randint(low, high, tsize) if high is not None else torch.randint(low, tsize)) * 0

    check(f"randint:{describe(low)}:{describe(high)}:{describe(size)}", mg_fn, t_fn)


@pytest.mark.parametrize("seed", ["a", 1.5, None, [1], -1, 2**64 + 3, True])
def test_seeds(seed: Any) -> None:
    """manual_seed and Generator take any int in [-2**63, 2**64) (as PyTorch: 2**64 + 3 is its ValueError,
    'Overflow when unpacking long long'), and refuse the rest by name."""
    for name, fn in (
        ("manual_seed", mg.manual_seed),
        ("Generator", mg.Generator),
        ("Generator.manual_seed", lambda s: mg.Generator(0).manual_seed(s)),
    ):
        if isinstance(seed, int) and not isinstance(seed, bool) and -2**63 <= seed < 2**64:
            fn(seed)
            a, b = (
                mg.randn(3, generator=mg.Generator(0).manual_seed(seed)),
                mg.randn(3, generator=mg.Generator(0).manual_seed(seed)),
            )
            assert np.array_equal(a.numpy(), b.numpy())
        elif seed is None and name == "Generator":
            fn(seed)  # fresh entropy, as numpy and torch.Generator
        elif isinstance(seed, str) and name == "Generator":
            # PyTorch's one positional argument is the device: a string is read as one (libs22)
            expect_error(f"{name}:{seed!r}", lambda f=fn: f(seed), names=("device",))  # type: ignore[misc]
        else:
            expect_error(f"{name}:{seed!r}", lambda f=fn: f(seed), names=("seed",))  # type: ignore[misc]
    mg.manual_seed(0)


# ------------------------------------------------------------------ every op of the table at edge values

POISONS = ["nan", "inf", "-inf", "zero", "huge", "tiny", "nonfinite-mix", "int64", "bool", "empty",
           "float64-float32", "negative"]  # fmt: skip


#: ops whose result sums many terms: with "huge" inputs the partial sums overflow,
#: and which entries become inf or nan depends on the summation order
SUMMING = {"matmul", "matmul_method", "rmatmul", "mg.matmul", "dot", "sum", "mean", "var", "std", "logsumexp",
           "softmax", "log_softmax", "mm", "bmm", "einsum", "tensordot", "var_function", "var_mean",
           "std_mean", "var_centered", "cumsum", "scatter_add", "F.fold",
           *(f"F.{op}{nd}d" for op in ("conv", "conv_transpose", "avg_pool", "adaptive_avg_pool")
             for nd in (1, 2, 3)),
           *(f"F.interpolate_{m}" for m in ("linear", "bilinear", "bicubic", "trilinear", "area")),
           }  # fmt: skip


#: var and std square float32 deviations in float32: beyond ~1.8e19 the squares
#: overflow and below ~1e-23 they underflow, where PyTorch accumulates in double
#: (a documented limit, docs/determinism.md); huge and tiny inputs are only run
SQUARING = {"var", "std", "var_function", "var_mean", "std_mean", "var_centered"}

#: var_mean/std_mean: PyTorch's running (Welford) mean turns infinities into nan or not depending on
#: the order it meets them ([inf, 1, 2] gives nan, [-inf, -inf] gives -inf); minigrad's mean is the mean
WELFORD = {"var_mean", "std_mean"}

#: selections among equal values: PyTorch's quickselect picks an unspecified one of the ties
#: that zeros and infinities create (so its gradient goes to another element); values are compared
TIE_PICKING = {"kthvalue", "median", "median_dim"}
TIES = {"zero", "inf", "-inf", "nan", "nonfinite-mix", "int64", "bool"}

#: gradients PyTorch's kernels get wrong at an edge, where minigrad's follow the formula: logcumsumexp
#: at huge inputs (PyTorch's backward gives 0 or 1, ignoring the upstream gradient, even in float64;
#: minigrad gives the exact sum of the upstream gradients where an entry is the running max); addcdiv
#: at subnormal divisors (PyTorch forms value / tensor2 first, which overflows to inf, minigrad divides
#: the upstream gradient: finite where the true gradient is); norm of one subnormal element (PyTorch's
#: x |x|**(p-2) / norm**(p-1) underflows to 0 / 0 = nan in float32, minigrad's is sign(x), the
#: derivative of |x|): values compared
EDGE_GRADIENTS = {("logcumsumexp", "huge"), ("addcdiv", "tiny"), ("norm", "tiny")}

#: PyTorch's clamp backward fails ("output with shape [0, 1] doesn't match the broadcast shape [0, 0]")
#: when tensor bounds broadcast x to a larger shape, which its forward allows (the "empty" poison makes a
#: 0-d bound of an x of shape (1, 1) shape (0,)): the gradients are compared with its maximum/minimum then
BROADCAST_CLAMP = "clamp_tensor"

#: trigamma at its poles (0 and the negative integers, which int64 and huge float32 inputs hit):
#: minigrad gives the pole, +inf; PyTorch's reflection formula divides by sin(pi x) rounded off zero
#: and gives a huge finite number (1.3e15 at -1 in float32). Checked here to be inf, then compared
#: elsewhere with the pole entries moved off the pole (tests/parity/test_special_accuracy.py
#: checks minigrad's values against mpmath)
POLES = {"polygamma_1"}

#: (row, "value" or "grad") -> n where the compared float32 numbers are polygamma(n, x) of the row's input
#: (digamma's derivative is trigamma). Near a pole these are ill-conditioned: a relative change e in x
#: changes polygamma(n, x) by about kappa * e, kappa = |x polygamma(n + 1, x) / polygamma(n, x)| (~600
#: for trigamma at x = -2.99, ~6e4 at -2.9999), and PyTorch's float32 kernels (the reflection formula's
#: sin(pi x) rounded to float32) carry that amplified rounding: up to ~3 eps32 * kappa relative (checked
#: over 2e4 draws), 2.9e-5 at -2.99 where the flat tolerance is 2e-5. minigrad's own error there is ~1e-7
#: (tests/parity/test_special_accuracy.py checks it against mpmath), so the two are compared at
#: max(2e-5, 8 eps32 kappa) per element: PyTorch's error allowed for, not minigrad's grown.
POLYGAMMA_COMPARED = {("digamma", "grad"): 1, ("polygamma_1", "value"): 1, ("polygamma_1", "grad"): 2}


def _conditioned_rtol(name: str, what: str, x: np.ndarray) -> np.ndarray | None:
    """The per-element rtol for comparing float32 polygamma(n, x) with PyTorch's (None: the flat one)."""
    n = POLYGAMMA_COMPARED.get((name, what))
    if n is None or x.dtype != np.float32 or x.size == 0:
        return None
    wide = torch.tensor(x.astype(np.float64))
    with np.errstate(all="ignore"):
        kappa = np.abs(x * torch.polygamma(n + 1, wide).numpy() / torch.polygamma(n, wide).numpy())
    kappa = np.where(np.isfinite(kappa), kappa, 0.0)  # (x non-finite or on a pole: compared as before)
    return np.maximum(2e-5, 8 * float(np.finfo(np.float32).eps) * kappa)

#: convolutions: whether a NaN or inf weight meets a structural zero (0 * nan is nan) in the
#: input's gradient depends on the kernel: minigrad's transposed convolution multiplies the
#: zero-padded upstream gradient (as PyTorch's own im2col convolution forward does), PyTorch's
#: transposed-convolution backward skips the padding, while its strided convolution backward
#: multiplies the zeros its stride inserts, which minigrad's col2im never forms. Values are
#: compared in full; with non-finite inputs their gradients only where finite in both (the
#: ``overflow_order`` rule of :func:`tests.robustness.oracle.assert_same`).
PADDED_PRODUCTS = {f"F.{op}{nd}d" for op in ("conv", "conv_transpose") for nd in (1, 2, 3)}


def _poison(arrays: list[np.ndarray], kind: str, rng: np.random.Generator) -> list[np.ndarray]:
    out = []
    for i, a in enumerate(arrays):
        a = np.array(a, dtype=np.float64)
        mask = rng.random(a.shape) < 0.5
        if kind in ("nan", "inf", "-inf"):
            a[mask] = float(kind)
        elif kind == "nonfinite-mix":
            a[mask] = rng.choice([np.nan, np.inf, -np.inf], size=a.shape)[mask]
        elif kind == "zero":
            a[mask] = 0.0
        elif kind == "huge":
            a = a * 1e38
        elif kind == "tiny":
            a = a * 1e-40  # float32 subnormals
        elif kind == "negative":
            a = -np.abs(a) - 0.5
        elif kind == "empty":
            shape = (0,) if a.ndim == 0 else (0, *a.shape[1:])
            a = np.zeros(shape)
        if kind == "int64":
            out.append(np.round(a * 3).astype(np.int64))
        elif kind == "bool":
            out.append(a > 0)
        elif kind == "float64-float32":
            out.append(a.astype(np.float64 if i % 2 else np.float32))
        else:
            with np.errstate(over="ignore"):  # "huge" may overflow float32 to inf: that is the point
                out.append(a.astype(np.float32))
    return out


#: the linear-algebra rows (tests/op_table_linalg.py) meet empty, int, bool and mixed-precision
#: matrices here. The other poisons make matrices whose results are LAPACK's accidents, not rules, and
#: numpy's LAPACK and PyTorch's differ in them: which NaN a pivot search picks, how subnormals are
#: scaled, whether a float32 overflow or a rounding-level pivot of a singular ("zero") matrix stops a
#: factorization or not, which basis of a null space an SVD returns, the float32 rounding of a badly
#: conditioned ("negative": -|a| - 0.5 is nearly rank one) pseudo-inverse. Where PyTorch has a rule,
#: minigrad follows it and tests/test_linalg.py checks it (singular matrices' errors and determinants, a
#: NaN matrix's inverse and solutions all NaN, an SVD of a non-finite matrix refused). Their float32
#: results carry LAPACK's rounding: compared at the rows' declared float32 tolerance.
LINALG_ROWS = {s.name for s in LINALG_OPS}
LINALG_POISONS = ["empty", "int64", "bool", "float64-float32"]


@pytest.mark.parametrize("spec", OP_TABLE, ids=[s.name for s in OP_TABLE])
@settings(max_examples=6)
@given(data=st.data())
def test_op_at_edge_values(spec: OpSpec, data: st.DataObject) -> None:
    """NaN, inf, zeros, huge and subnormal values, int and bool dtypes, empty and mixed-precision inputs."""
    sample = data.draw(spec.sample, label="sample")
    kind = data.draw(st.sampled_from(LINALG_POISONS if spec.name in LINALG_ROWS else POISONS), label="poison")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    rng = np.random.default_rng(seed)
    arrays = _poison(spec.domain(rng, sample.shapes), kind, rng)
    kw = sample.kwargs
    if spec.name in POLES:
        pole = np.isfinite(arrays[0]) & (arrays[0] <= 0) & (arrays[0] == np.floor(arrays[0]))
        if pole.any():
            at_poles = spec.mg(mg.tensor(arrays[0][pole])).numpy()
            assert np.all(at_poles == np.inf), (arrays[0][pole], at_poles)
            arrays = [np.where(pole, arrays[0].dtype.type(0.5), arrays[0]), *arrays[1:]]
    key = f"{spec.name}:{kind}:{describe(arrays)}:{describe(sorted(kw.items()))}"
    grad_ok = kind not in ("int64", "bool") and spec.differentiable

    mg_in = [mg.tensor(a, requires_grad=grad_ok) for a in arrays]
    t_in = [_tt(a, requires_grad=grad_ok) for a in arrays]
    order = kind == "huge" and spec.name in SUMMING
    linalg = spec.name in LINALG_ROWS
    if kind in ("huge", "tiny") and spec.name in SQUARING:
        out = spec.mg(*mg_in, **kw)
        (out[0] if isinstance(out, tuple) else out).sum().backward()  # runs; squares leave float32's range
        return
    if kind in ("inf", "-inf", "nonfinite-mix") and spec.name in WELFORD:
        return
    got = check(
        key,
        lambda: spec.mg(*mg_in, **kw),
        lambda: spec.torch(*t_in, **kw),
        lambda: spec.torch(*[_tt(a.astype(np.float64)) for a in arrays], **kw),
        overflow_order=order,
        tol=spec.float32_rtol if linalg else _conditioned_rtol(spec.name, "value", arrays[0]),
    )
    if got is None or not grad_ok or not isinstance(got, mg.Tensor) or not got.requires_grad:
        return
    if (spec.name in TIE_PICKING and kind in TIES) or (spec.name, kind) in EDGE_GRADIENTS:
        return
    nonfinite = kind in ("nan", "inf", "-inf", "nonfinite-mix")
    if spec.name in SQUARING and nonfinite:
        # PyTorch's var_backward is 2 (x - mean) g / (N - c); minigrad's composition also carries
        # the mean's term, zero for finite x, which with an inf makes the whole slice NaN (not just
        # some entries). Values are compared above; these gradients are garbage in both.
        return
    # the gradients through NaN and inf agree with PyTorch's too (with the
    # equivalent float64 call where PyTorch refused the dtypes themselves)
    # (a value that equals PyTorch's float64 answer where its float32 kernel overflows, as norm of a huge
    # 0-d x is inf there, is compared with the float64 gradients too: its float32 ones are x / inf = 0)
    relaxed = key in RELAXED_SEEN or key in FLOAT64_AGREES
    if relaxed:
        t_in = [_tt(a.astype(np.float64), requires_grad=True) for a in arrays]
    g = rng.standard_normal(got.shape).astype(got.dtype)
    got.backward(mg.tensor(g))
    with warnings.catch_warnings():  # PyTorch's UserWarnings (var with one element) are not errors here
        warnings.simplefilter("ignore")
        want = (spec.torch(*t_in, **kw) if spec.name != BROADCAST_CLAMP or got.shape == mg_in[0].shape
                else torch.minimum(torch.maximum(t_in[0], t_in[1]), t_in[2]))
    try:
        want.backward(torch.tensor(g, dtype=want.dtype))
    except RuntimeError:
        # PyTorch's own backward fails on some empty inputs (pixel_shuffle's of a (0, 4, 1, 1) input
        # "returned an invalid gradient"): no oracle there, but ours must still fit the inputs
        if not any(a.size == 0 for a in arrays):
            raise
        assert all(m.grad is None or m.grad.shape == m.shape for m in mg_in)
        return
    for i, (m, t) in enumerate(zip(mg_in, t_in, strict=True)):
        mg_grad = np.zeros_like(m.detach().numpy()) if m.grad is None else m.grad.numpy()
        t_grad = np.zeros(m.shape) if t.grad is None else t.grad.numpy()
        # a float64 input mixed with float32 is computed in float32 (as in PyTorch): float32 tolerance
        # (with huge inputs, undoing a broadcast sums overflowing terms: order again)
        check(
            f"{key}:grad{i}",
            lambda mgg=mg_grad: mgg,
            lambda tg=t_grad: tg,
            dtypes=not relaxed,
            overflow_order=kind == "huge" or (nonfinite and spec.name in PADDED_PRODUCTS),
            tol=(spec.float32_rtol if linalg else 2e-5 if kind == "float64-float32"
                 else _conditioned_rtol(spec.name, "grad", arrays[0]) if i == 0 else None),
        )


# ------------------------------------------------------------------ bad arguments to ops

BAD_DIM_ARG = st.one_of(
    st.integers(-6, 6),
    st.floats(-2, 2),
    st.text(max_size=1),
    st.booleans(),
    st.tuples(st.integers(-3, 3), st.integers(-3, 3)),
    st.just([0]),
    st.just(()),
)
SMALL_SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)

DIM_METHODS = ["sum", "mean", "var", "std", "amax", "amin", "max", "min", "argmax", "argmin", "logsumexp",
               "softmax", "log_softmax", "unsqueeze", "squeeze", "size", "flatten", "transpose"]  # fmt: skip


def _t_call(name: str, t: Any, dim: Any) -> Any:
    is_torch = not isinstance(t, mg.Tensor)
    if name in ("max", "min") and is_torch and not (isinstance(dim, int) and not isinstance(dim, bool)):
        return getattr(t, "a" + name)(dim)
    if name == "flatten":
        return t.flatten(dim)
    if name == "transpose":
        return t.transpose(dim, 0)
    return getattr(t, name)(dim)


@given(shape=SMALL_SHAPES, dim=BAD_DIM_ARG, name=st.sampled_from(DIM_METHODS))
def test_dim_arguments(shape: tuple[int, ...], dim: Any, name: str) -> None:
    """Out-of-range, duplicate, float, str and bool dims at every method that takes one."""
    a = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)
    check(
        f"{name}:dim={describe(dim)}:{describe(a)}",
        lambda: _t_call(name, mg.tensor(a), dim),
        lambda: _t_call(name, torch.tensor(a), dim),
    )


@given(shape=SMALL_SHAPES, target=st.lists(st.integers(-3, 4), max_size=4))
def test_reshape_view_expand_permute(shape: tuple[int, ...], target: list[int]) -> None:
    a = np.ones(shape, np.float32)
    for op in ("reshape", "view", "expand", "permute"):

        def t_fn(o: str = op) -> Any:
            t = torch.tensor(a)
            if o == "view":  # torch's view refuses some strides reshape accepts; minigrad's view is reshape
                return t.reshape(target)
            return getattr(t, o)(*target) if target else getattr(t, o)(())

        check(f"{op}:{describe(a)}:{target}", lambda o=op: getattr(mg.tensor(a), o)(*target), t_fn)


BAD_INDEX = st.one_of(
    st.integers(-5, 5),
    st.floats(-1, 1),
    st.text(max_size=1),
    st.none(),
    st.just(Ellipsis),
    st.tuples(st.integers(-4, 4), st.integers(-4, 4)),
    st.tuples(st.integers(-4, 4), st.integers(-4, 4), st.integers(-4, 4), st.integers(-4, 4)),
    st.lists(st.integers(-5, 5), min_size=0, max_size=3),
    st.lists(st.booleans(), min_size=1, max_size=4),
    st.lists(st.floats(0, 1), min_size=1, max_size=2),
    st.just({}),
    st.just(slice(0, 2, 0)),
    st.just(slice(None, None, -1)),
    st.just(slice(0.5, 1)),
)


def _mg_index(i: Any, as_tensor: bool) -> Any:
    return mg.tensor(i) if as_tensor and isinstance(i, list) and i else i


def _t_index(i: Any, as_tensor: bool) -> Any:
    return torch.tensor(i) if as_tensor and isinstance(i, list) and i else i


@given(shape=SMALL_SHAPES, index=BAD_INDEX, as_tensor=st.booleans())
def test_getitem(shape: tuple[int, ...], index: Any, as_tensor: bool) -> None:
    """Out-of-range ints and index tensors, wrong-length masks, floats, strings, zero and negative steps."""
    a = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)
    check(
        f"getitem:{describe(a)}:{describe(index)}:{as_tensor}",
        lambda: mg.tensor(a)[_mg_index(index, as_tensor)],
        lambda: torch.tensor(a)[_t_index(index, as_tensor)],
        lambda: a[np.asarray(index) if isinstance(index, list) else index],
    )


@given(
    shape=SMALL_SHAPES,
    index=BAD_INDEX,
    value=st.one_of(
        st.floats(),
        st.text(max_size=1),
        st.none(),
        st.just([1.0, 2.0, 3.0, 4.0, 5.0]),
        st.complex_numbers(max_magnitude=1),
    ),
)
def test_setitem(shape: tuple[int, ...], index: Any, value: Any) -> None:
    a = np.arange(math.prod(shape), dtype=np.float32).reshape(shape)

    def mg_fn() -> Any:
        t = mg.tensor(a)
        t[index] = value
        return t

    def t_fn() -> Any:
        t = torch.tensor(a)
        t[index] = torch.tensor(value) if isinstance(value, list) else value
        return t

    def np_fn() -> Any:
        b = a.copy()
        b[np.asarray(index) if isinstance(index, list) else index] = value
        return b

    check(f"setitem:{describe(a)}:{describe(index)}:{describe(value)}", mg_fn, t_fn, np_fn)


BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b, "matmul": lambda a, b: a @ b, "maximum": lambda a, b: a.maximum(b),
    "eq": lambda a, b: a == b, "lt": lambda a, b: a < b, "and": lambda a, b: a & b, "or": lambda a, b: a | b,
    "iadd": lambda a, b: a.__iadd__(b), "imul": lambda a, b: a.__imul__(b),
    "idiv": lambda a, b: a.__itruediv__(b),
}  # fmt: skip
DTYPES = st.sampled_from([np.float32, np.float64, np.int64, np.bool_])


@given(
    shapes=st.lists(SMALL_SHAPES, min_size=2, max_size=2),
    op=st.sampled_from(sorted(BINARY)),
    dtypes=st.tuples(DTYPES, DTYPES),
)
def test_binary_shapes_and_dtypes(shapes: list[tuple[int, ...]], op: str, dtypes: tuple[Any, Any]) -> None:
    """Arbitrary shape pairs (mostly not broadcastable) in every dtype pairing."""
    rng = np.random.default_rng(0)
    a, b = (rng.integers(1, 4, s).astype(d) for s, d in zip(shapes, dtypes, strict=True))
    # PyTorch skips its same-dtype check when a matmul is empty and answers in one operand's dtype
    empty_matmul = op == "matmul" and (a.size == 0 or b.size == 0)
    check(
        f"{op}:{describe(a)}:{describe(b)}",
        lambda: BINARY[op](mg.tensor(a), mg.tensor(b)),
        lambda: BINARY[op](torch.tensor(a), torch.tensor(b)),
        lambda: BINARY[op](torch.tensor(a).double(), torch.tensor(b).double()),
        dtypes=not empty_matmul,
    )


BAD_OPERANDS: list[tuple[str, Any]] = [
    ("str", "a"), ("None", None), ("complex", 1j), ("object-array", np.array([object()], dtype=object)),
    ("str-array", np.array(["x"])), ("ragged", [[1.0], [1.0, 2.0]]), ("dict", {}), ("nan", float("nan")),
    ("inf", float("inf")), ("big-int", 2**70), ("list", [1.0, 2.0]), ("bool", True), ("neg-int", -2),
]  # fmt: skip


@pytest.mark.parametrize(("name", "other"), BAD_OPERANDS, ids=[n for n, _ in BAD_OPERANDS])
@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_binary_odd_operands(name: str, other: Any, op: str, dtype: Any) -> None:
    a = np.array([1, 2], dtype=dtype)

    def t_other() -> Any:
        # the list itself, as a script passes it: PyTorch's operators answer NotImplemented for a sequence
        # (Python's TypeError, `==` False, `__iadd__` NotImplemented), a list made a tensor first would not
        return other

    def equiv(reverse: bool = False) -> Any:
        x, y = torch.tensor(a).double(), torch.as_tensor(other).double()
        return BINARY[op](y, x) if reverse else BINARY[op](x, y)

    check(
        f"{op}:{np.dtype(dtype)}:{name}",
        lambda: BINARY[op](mg.tensor(a), other),
        lambda: BINARY[op](torch.tensor(a), t_other()),
        equiv,
    )
    if op in ("add", "sub", "mul", "div", "pow"):
        check(
            f"r{op}:{np.dtype(dtype)}:{name}",
            lambda: BINARY[op](other, mg.tensor(a)),
            lambda: BINARY[op](t_other(), torch.tensor(a)),
            lambda: equiv(True),
        )


@given(
    shapes=st.lists(SMALL_SHAPES, min_size=1, max_size=3),
    dim=st.integers(-4, 4),
    fn=st.sampled_from(["cat", "stack"]),
    extra=st.sampled_from([None, "list", "scalar", "int", "empty-seq"]),
)
def test_cat_stack(shapes: list[tuple[int, ...]], dim: int, fn: str, extra: Any) -> None:
    arrays = [np.ones(s, np.float32) for s in shapes]
    if extra == "int":
        arrays[-1] = arrays[-1].astype(np.int64)

    def build(lib: Any) -> list[Any]:
        if extra == "empty-seq":
            return []
        ts = [lib.tensor(a) for a in arrays]
        if extra == "list":
            ts.append([1.0])
        elif extra == "scalar":
            ts.append(1.0)
        return ts

    check(
        f"{fn}:{describe(arrays)}:{dim}:{extra}",
        lambda: getattr(mg, fn)(build(mg), dim),
        lambda: getattr(torch, fn)(build(torch), dim),
    )


@given(
    cshape=SMALL_SHAPES,
    ashape=SMALL_SHAPES,
    cdtype=DTYPES,
    value=st.one_of(st.floats(), st.text(max_size=1), st.none(), st.integers(-3, 3)),
)
def test_where_and_masked_fill(
    cshape: tuple[int, ...], ashape: tuple[int, ...], cdtype: Any, value: Any
) -> None:
    cond = (np.arange(math.prod(cshape)).reshape(cshape) % 2).astype(cdtype)
    a = np.ones(ashape, np.float32)
    check(
        f"where:{describe(cond)}:{describe(a)}:{describe(value)}",
        lambda: mg.where(mg.tensor(cond), mg.tensor(a), value),
        lambda: torch.where(torch.tensor(cond), torch.tensor(a), value),
    )
    check(
        f"masked_fill:{describe(cond)}:{describe(a)}:{describe(value)}",
        lambda: mg.tensor(a).masked_fill(mg.tensor(cond), value),
        lambda: torch.tensor(a).masked_fill(torch.tensor(cond), value),
    )


CLAMP_ARG = st.one_of(
    st.none(), st.floats(), st.integers(-3, 3), st.text(max_size=1), st.complex_numbers(max_magnitude=1)
)


@given(lo=CLAMP_ARG, hi=CLAMP_ARG, dtype=DTYPES)
def test_clamp(lo: Any, hi: Any, dtype: Any) -> None:
    a = np.array([-2, 0, 1, 3]).astype(dtype)
    check(
        f"clamp:{np.dtype(dtype)}:{describe(lo)}:{describe(hi)}",
        lambda: mg.tensor(a).clamp(lo, hi),
        lambda: torch.tensor(a).clamp(lo, hi),
    )


@given(
    size=st.one_of(st.integers(-2, 4), st.floats(0, 2), st.none(), st.lists(st.integers(0, 3), max_size=2)),
    dim=st.integers(-3, 2),
    n=st.integers(0, 4),
    fn=st.sampled_from(["split", "chunk"]),
)
def test_split_chunk(size: Any, dim: int, n: int, fn: str) -> None:
    a = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    check(
        f"{fn}:{describe(a)}:{describe(size)}:{dim}",
        lambda: getattr(mg.tensor(a), fn)(size, dim),
        lambda: getattr(torch.tensor(a), fn)(size, dim),
    )


# ------------------------------------------------------------------ conversions and autograd misuse

CONVERSIONS = {
    "item": lambda t: t.item(), "float": lambda t: float(t), "int": lambda t: int(t),
    "bool": lambda t: bool(t),
    "len": lambda t: len(t), "index": lambda t: [10, 20, 30][t], "iter": lambda t: list(t),
    "tolist": lambda t: t.tolist(), "invert": lambda t: ~t, "neg": lambda t: -t,
}  # fmt: skip


@pytest.mark.parametrize("shape", [(), (0,), (1,), (3,), (1, 1)])
@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.bool_])
@pytest.mark.parametrize("conv", sorted(CONVERSIONS))
def test_conversions(shape: tuple[int, ...], dtype: Any, conv: str) -> None:
    a = np.ones(shape, dtype)
    check(
        f"{conv}:{describe(a)}",
        lambda: CONVERSIONS[conv](mg.tensor(a)),
        lambda: CONVERSIONS[conv](torch.tensor(a)),
    )


def _leaf(lib: Any, shape: tuple[int, ...] = (3,)) -> Any:
    return lib.ones(*shape, requires_grad=True) if shape else lib.ones((), requires_grad=True)


AUTOGRAD_MISUSE = {
    "backward-no-grad": lambda lib: lib.ones(3).sum().backward(),
    "backward-non-scalar": lambda lib: (_leaf(lib) * 2).backward(),
    "backward-gradient-shape": lambda lib: (_leaf(lib) * 2).backward(lib.ones(4)),
    "backward-gradient-int": lambda lib: (_leaf(lib) * 2).backward(lib.ones(3, dtype=lib.int64)),
    "backward-gradient-str": lambda lib: (_leaf(lib) * 2).backward("a"),
    "backward-twice": lambda lib: [y.backward() for y in [(_leaf(lib) * _leaf(lib)).exp().sum()] * 2],
    "backward-on-empty": lambda lib: (lib.ones(0, requires_grad=True) * 2).sum().backward(),
    "requires_grad-int": lambda lib: lib.ones(3, dtype=lib.int64).requires_grad_(),
    "requires_grad-false-nonleaf": lambda lib: (_leaf(lib) * 2).requires_grad_(False),
    "inplace-leaf": lambda lib: _leaf(lib).__iadd__(1.0),
    "inplace-after-use": lambda lib: _inplace_after_use(lib),
    "hook-no-grad": lambda lib: lib.ones(3).register_hook(lambda g: g),
    "hook-wrong-shape": lambda lib: _hook_returns(lib, lambda g: g.sum()),
    "hook-returns-str": lambda lib: _hook_returns(lib, lambda g: "x"),
    "grad-unused": lambda lib: _grad(lib)(_leaf(lib).sum(), [_leaf(lib)]),
    "grad-input-no-grad": lambda lib: _grad(lib)(_leaf(lib).sum(), [lib.ones(3)]),
    "grad-outputs-count": lambda lib: _grad(lib)([_leaf(lib).sum()], [_leaf(lib)],
                                                 [lib.ones(()), lib.ones(())]),
    "retain_grad-no-grad": lambda lib: lib.ones(3).retain_grad(),
    "item-grad-nan": lambda lib: _nan_grad(lib),
}  # fmt: skip


def _grad(lib: Any) -> Any:
    return lib.grad if lib is mg else torch.autograd.grad


def _inplace_after_use(lib: Any) -> Any:
    x = _leaf(lib)
    y = x * 1.0
    z = y.exp()
    with lib.no_grad():
        y.mul_(2) if lib is torch else y.__imul__(2)
    z.sum().backward()
    return x.grad


def _hook_returns(lib: Any, fn: Any) -> Any:
    x = _leaf(lib)
    y = x * 2
    y.register_hook(fn)
    (y * 3).sum().backward()
    return x.grad


def _nan_grad(lib: Any) -> Any:
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    (x.sqrt() * 0).sum().backward()  # 0 * inf = nan in the gradient, as in PyTorch
    return x.grad


@pytest.mark.parametrize("case", sorted(AUTOGRAD_MISUSE))
def test_autograd_misuse(case: str) -> None:
    check(f"autograd:{case}", lambda: AUTOGRAD_MISUSE[case](mg), lambda: AUTOGRAD_MISUSE[case](torch))


GRADCHECK_MISUSE = {
    "no-input-requires-grad": lambda: mg.gradcheck(lambda x: x * 2, (mg.ones(2, dtype=mg.float64),)),
    "python-float-input": lambda: mg.gradcheck(lambda x: x * 2, (1.0,)),
    "not-callable": lambda: mg.gradcheck(5, (mg.ones(2, dtype=mg.float64, requires_grad=True),)),  # type: ignore[arg-type]
    "returns-str": lambda: mg.gradcheck(lambda x: "x", (mg.ones(2, dtype=mg.float64, requires_grad=True),)),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(GRADCHECK_MISUSE))
def test_gradcheck_misuse(case: str) -> None:
    """gradcheck never passes vacuously: no differentiable input or output is an error (PyTorch too)."""
    expect_error(f"gradcheck:{case}", GRADCHECK_MISUSE[case])
