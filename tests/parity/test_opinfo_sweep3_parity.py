"""Fixes found by the third OpInfo sweep (PyTorch's op_db run sample by sample against minigrad), each
checked against torch: values, dtypes, gradients, and errors in PyTorch's class and words."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _same(got: mg.Tensor, want: object) -> None:
    assert tuple(got.shape) == tuple(want.shape)  # type: ignore[attr-defined]
    assert got.dtype.name == str(want.dtype).removeprefix("torch.")  # type: ignore[attr-defined]
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12, atol=0)  # type: ignore[attr-defined]


@pytest.mark.parametrize("shape", [(0, 0), (2, 0), (0, 3)])
def test_searchsorted_of_empty_rows_as_torch(shape: tuple[int, ...]) -> None:
    seq = np.sort(np.random.default_rng(0).standard_normal(shape), axis=-1)
    want = torch.searchsorted(torch.tensor(seq), torch.tensor(seq))
    _same(mg.searchsorted(mg.tensor(seq), mg.tensor(seq)), want)


@pytest.mark.parametrize("bounds", [(0, 1.2, 4), (1, 1.2, 4), (0, 1.2, 2), (-2.5, 2.7, 6)])
@pytest.mark.parametrize("base", [10.0, 2.0])
def test_integer_logspace_casts_its_bounds_as_torch(bounds: tuple[float, float, int], base: float) -> None:
    want = torch.logspace(*bounds, base=base, dtype=torch.int64)
    _same(mg.logspace(*bounds, base=base, dtype=mg.int64), want)


def test_grid_errors_in_torch_words() -> None:
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
            lib.linspace(0, 1, -1)
        with pytest.raises(TypeError, match=r"invalid combination of arguments - got \(int, int, float"):
            lib.logspace(0, 1, 2.0)
        with pytest.raises(RuntimeError, match="m must be greater or equal to 0, got -3"):
            lib.eye(2, -3)


#: ops whose OpInfo error inputs raise PyTorch's class with a message its error_regex matches
REGEX_OPS = (
    "linspace", "logspace", "eye",
    "nn.functional.max_pool1d", "nn.functional.max_pool2d", "nn.functional.max_pool3d",
    "nn.functional.avg_pool1d", "nn.functional.avg_pool2d", "nn.functional.avg_pool3d",
    "nn.functional.adaptive_avg_pool1d", "nn.functional.adaptive_avg_pool2d",
    "nn.functional.adaptive_avg_pool3d", "nn.functional.adaptive_max_pool1d",
    "nn.functional.adaptive_max_pool2d", "nn.functional.adaptive_max_pool3d",
    "nn.functional.conv1d", "nn.functional.conv2d", "nn.functional.conv3d",
    # Python numbers where PyTorch's argument parser wants a Tensor
    "eq", "ne", "lt", "le", "gt", "ge", "maximum", "minimum", "fmax", "fmin", "atan2", "copysign", "fmod",
    "pow", "logical_and", "logical_or", "logical_xor", "isclose", "float_power",
    # losses: reduction, broadcasting, ranks and sizes
    "nn.functional.l1_loss", "nn.functional.poisson_nll_loss", "nn.functional.gaussian_nll_loss",
    "nn.functional.triplet_margin_loss", "nn.functional.triplet_margin_with_distance_loss",
    "nn.functional.huber_loss", "nn.functional.soft_margin_loss", "nn.functional.margin_ranking_loss",
    "nn.functional.hinge_embedding_loss", "nn.functional.multi_margin_loss",
    "nn.functional.multilabel_margin_loss",
    # joins, reshapes, diagonals, slices and others
    "cat", "hstack", "vstack", "dstack", "reshape", "view", "view_copy", "item", "dot", "vdot", "diff",
    "diag", "diagonal", "diagonal_copy", "linalg.diagonal", "kthvalue", "narrow", "roll", "rot90", "unbind",
    "unbind_copy", "trace", "tril", "triu", "bucketize", "nn.functional.embedding",
    # normalizations and writes at indices
    "native_layer_norm", "nn.functional.rms_norm", "nn.functional.group_norm", "gather", "scatter",
    "scatter_add",
    "index_add",
    # sampling, statistics, activations, factories and the older linalg forms
    "multinomial", "cov", "movedim", "nn.functional.prelu", "nn.functional.max_unpool1d",
    "nn.functional.max_unpool2d", "nn.functional.max_unpool3d", "nn.functional.rrelu",
    "nn.functional.softshrink",
    "nn.functional.gelu", "mean", "linalg.lstsq", "ormqr", "empty_permuted", "hsplit", "vsplit",
)


@pytest.mark.parametrize("name", REGEX_OPS)
def test_error_inputs_in_torch_words(name: str) -> None:
    """Each OpInfo error input raises PyTorch's exception class, with a message matching its error_regex."""
    from tests.parity import test_opinfo_parity as sweep

    op = sweep._BY_NAME[name]
    fn = sweep._minigrad_fn(op)
    ran = 0
    for error in op.error_inputs("cpu"):
        s = error.sample_input
        if sweep._unsupported([s.input, s.args, s.kwargs]) or "out" in s.kwargs:
            continue
        args = sweep._to_mg([s.input, s.args, s.kwargs], {})
        # (a loss given shapes that do not broadcast warns first, as PyTorch's, and so does a conv with an
        # uneven padding='same': the error is what is tested)
        with pytest.raises(error.error_type, match=error.error_regex or None), warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Using a target size", UserWarning)
            warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)
            fn(args[0], *args[1], **args[2])
        ran += 1
    assert ran, name


@pytest.mark.parametrize("batched", [True, False])
def test_multi_head_attention_forward_as_torch(batched: bool) -> None:
    """F.multi_head_attention_forward (MultiheadAttention's forward with its weights as arguments): output,
    averaged weights and every gradient as torch's, with bias_k/bias_v, a key padding mask and a 3-D mask."""
    rng = np.random.default_rng(1)
    e, h, n, tgt, src = 4, 2, 3, 2, 5
    lead = (n,) if batched else ()
    arrays = [rng.standard_normal(s) for s in [(tgt, *lead, e), (src, *lead, e), (src, *lead, e), (3 * e, e),
                                                (3 * e,), (1, 1, e), (1, 1, e), (e, e), (e,)]]
    mask = rng.standard_normal((n * h if batched else h, tgt, src))
    pad = np.where(rng.random((n, src) if batched else (src,)) > 0.7, -3.0, 0.0)

    def run(lib: object) -> tuple[object, list[object]]:
        ts = [lib.tensor(a, requires_grad=True) for a in arrays]  # type: ignore[attr-defined]
        q, k, v, w, b, bk, bv, ow, ob = ts
        f = lib.nn.functional.multi_head_attention_forward  # type: ignore[attr-defined]
        out, weights = f(q, k, v, e, h, w, b, bk, bv, False, 0.0, ow, ob, training=False,
                         key_padding_mask=lib.tensor(pad), attn_mask=lib.tensor(mask))  # type: ignore[attr-defined]
        cotangent = lib.tensor(np.linspace(-1, 1, out.numel()).reshape(out.shape))  # type: ignore[attr-defined]
        (out * cotangent).sum().backward()
        return (out, weights), [t.grad for t in ts]

    (out, weights), grads = run(mg)
    (tout, tweights), tgrads = run(torch)
    for got, want in [(out, tout), (weights, tweights), *zip(grads, tgrads, strict=True)]:
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-9, atol=1e-12)  # type: ignore[attr-defined]


@pytest.mark.parametrize("transposed", [False, True])
def test_integer_convolution_as_torch(transposed: bool) -> None:
    """PyTorch convolves int64 tensors exactly on the CPU (bools raise NotImplementedError)."""
    rng = np.random.default_rng(2)
    x, w, b = rng.integers(-9, 9, (2, 3, 5, 5)), rng.integers(-9, 9, (3, 3, 3, 3)), rng.integers(-9, 9, (3,))
    name = "conv_transpose2d" if transposed else "conv2d"
    got = getattr(mg.nn.functional, name)(mg.tensor(x), mg.tensor(w), mg.tensor(b), stride=2, padding=1)
    tf = getattr(torch.nn.functional, name)
    want = tf(torch.tensor(x), torch.tensor(w), torch.tensor(b), stride=2, padding=1)
    assert got.dtype == mg.int64 and np.array_equal(got.numpy(), want.numpy())
    for lib in (mg, torch):
        with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
            x, w = lib.ones(1, 1, 3, 3, dtype=lib.bool), lib.ones(1, 1, 2, 2, dtype=lib.bool)
            lib.nn.functional.conv2d(x, w)


def test_nextafter_gradient_as_torch() -> None:
    """PyTorch 2.13 records nextafter with gradient 1 for input and 0 for other."""
    a, b = np.array([1.0, 2.0, -3.0, 0.0, np.inf]), np.array([0.0, 3.0, -3.0, 1.0, np.nan])
    grads = []
    for lib in (mg, torch):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        out = lib.nextafter(x, y)
        (out * lib.tensor([1.0, -2.0, 3.0, 0.5, 2.0], dtype=lib.float64)).sum().backward()
        grads.append((out.detach().numpy(), x.grad.numpy(), y.grad.numpy()))
    for got, want in zip(*grads, strict=True):
        np.testing.assert_array_equal(got, want)


def test_empty_inputs_as_torch() -> None:
    """aminmax of an empty tensor raises PyTorch's words; pixel_(un)shuffle with factor 1 and fractional max
    pooling of an empty batch return what PyTorch returns."""
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match="cannot compute aminmax over an empty dimension"):
            lib.aminmax(lib.zeros(5, 0, 5))
    for fn in ("pixel_shuffle", "pixel_unshuffle"):
        got = getattr(mg.nn.functional, fn)(mg.zeros(1, 0, 1, 1), 1)
        assert tuple(got.shape) == tuple(getattr(torch.nn.functional, fn)(torch.zeros(1, 0, 1, 1), 1).shape)
    x = mg.zeros(0, 1, 4, 5, 4, requires_grad=True)
    out, idx = mg.nn.functional.fractional_max_pool3d(x, (2, 2, 1), output_size=2, return_indices=True)
    tx = torch.zeros(0, 1, 4, 5, 4)
    want, tidx = torch.nn.functional.fractional_max_pool3d(tx, (2, 2, 1), output_size=2, return_indices=True)
    assert tuple(out.shape) == tuple(want.shape) and tuple(idx.shape) == tuple(tidx.shape)
    assert idx.dtype == mg.int64
    out.sum().backward()
    assert tuple(x.grad.shape) == (0, 1, 4, 5, 4)


@pytest.mark.parametrize("shape", [(6, 4), (3, 7), (2, 5, 4)])
def test_svd_lowrank_and_pca_lowrank_as_torch(shape: tuple[int, ...]) -> None:
    """From the same seed, PyTorch's randomized SVD and PCA numbers (up to the singular vectors' signs) and
    the gradient of a sign-free function of them."""
    a = np.random.default_rng(3).standard_normal(shape)
    for name, kwargs in (("svd_lowrank", {"q": 3}), ("pca_lowrank", {"q": 2, "niter": 3})):
        results = []
        for lib in (mg, torch):
            x = lib.tensor(a, requires_grad=True)
            lib.manual_seed(7)
            u, s, v = getattr(lib, name)(x, **kwargs)
            (u * u).sum().backward(retain_graph=True)
            ((u @ lib.diag_embed(s) @ v.mT) ** 2).sum().backward()
            results.append([np.abs(t.detach().numpy()) for t in (u, s, v)] + [x.grad.numpy()])
        for got, want in zip(*results, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-10)


def test_tensor_method_keywords_as_torch() -> None:
    """Tensor.softmax/log_softmax take dtype=, var/std take correction=None (the default, 1), as torch's."""
    a = np.random.default_rng(4).standard_normal((3, 4)).astype(np.float32)
    x, t = mg.tensor(a), torch.tensor(a)
    for name in ("softmax", "log_softmax"):
        got, want = getattr(x, name)(1, dtype=mg.float64), getattr(t, name)(1, dtype=torch.float64)
        _same(got, want)
    for name in ("var", "std"):
        got, want = getattr(x.double(), name)(dim=None, correction=None), getattr(t.double(), name)(
            dim=None, correction=None)
        _same(got, want)


WINDOWS = [("hann", {}), ("hamming", {}), ("blackman", {}), ("bartlett", {}), ("cosine", {}),
           ("nuttall", {}), ("gaussian", {"std": 1.7}), ("kaiser", {"beta": 4.5}),
           ("general_cosine", {"a": [0.4, 0.35, 0.25]}),
           ("general_hamming", {"alpha": 0.6}), ("exponential", {"tau": 2.5})]


@pytest.mark.parametrize(("name", "kwargs"), WINDOWS)
@pytest.mark.parametrize("sym", [True, False])
def test_signal_windows_as_torch(name: str, kwargs: dict[str, object], sym: bool) -> None:
    """torch.signal.windows, symmetric and periodic, in float64 and the default float32, lengths 0 to 9."""
    for m in range(10):
        for dtype in ("float64", "float32"):
            got = getattr(mg.signal.windows, name)(m, sym=sym, dtype=getattr(mg, dtype), **kwargs)
            want = getattr(torch.signal.windows, name)(m, sym=sym, dtype=getattr(torch, dtype), **kwargs)
            assert got.dtype.name == dtype and tuple(got.shape) == tuple(want.shape)
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6 if dtype == "float32" else 1e-12,
                                       atol=1e-7 if dtype == "float32" else 1e-14)
    with pytest.raises(ValueError, match="requires non-negative window length"):
        getattr(mg.signal.windows, name)(-1, **kwargs)


def test_signal_window_errors_as_torch() -> None:
    cases: list[tuple[str, dict[str, object], str]] = [
        ("gaussian", {"std": -1}, "Standard deviation must be positive"),
        ("kaiser", {"beta": -1}, "beta must be non-negative"),
        ("exponential", {"tau": -1}, "Tau must be positive"),
        ("exponential", {"center": 1.0}, "Center must be None for symmetric"),
        ("general_cosine", {"a": []}, "Coefficients cannot be empty")]
    for lib in (mg, torch):
        dtype_case = ("hann", {"dtype": lib.int64}, "expects float32 or float64 dtypes")
        for name, kwargs, words in [*cases, dtype_case]:
            with pytest.raises(ValueError, match=words):
                getattr(lib.signal.windows, name)(5, **kwargs)
    with pytest.raises(TypeError, match="Coefficients must be a list/tuple"):
        mg.signal.windows.general_cosine(5, a=mg.ones(2))


@pytest.mark.parametrize(("batch", "out", "probabilities"),
                         [((5,), (), False), ((), (), False), ((4,), (3,), False), ((5,), (), True)])
def test_linear_cross_entropy_as_torch(batch: tuple[int, ...], out: tuple[int, ...],
                                       probabilities: bool) -> None:
    """F.linear_cross_entropy = cross_entropy(linear(...)): loss and gradients as torch's, with bias, class
    weights, label smoothing and K-dimensional weights."""
    rng = np.random.default_rng(5)
    c, n_in = 4, 3
    x, w = rng.standard_normal((*batch, n_in)), rng.standard_normal((c, *out, n_in))
    b = rng.standard_normal((c, *out))
    cw = rng.random(c)
    t = rng.random((*batch, c, *out)) if probabilities else rng.integers(0, c, (*batch, *out))
    results = []
    for lib in (mg, torch):
        ts = [lib.tensor(a, requires_grad=True) for a in (x, w, b)]
        loss = lib.nn.functional.linear_cross_entropy(ts[0], ts[1], lib.tensor(t), linear_bias=ts[2],
                                                      weight=lib.tensor(cw), label_smoothing=0.1)
        loss.backward()
        results.append([loss.detach().numpy()] + [v.grad.numpy() for v in ts])
    for got, want in zip(*results, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["upsample", "upsample_nearest", "upsample_bilinear"])
def test_deprecated_upsample_functions_as_torch(name: str) -> None:
    a = np.random.default_rng(6).standard_normal((2, 3, 4, 4))
    for kwargs in ({"size": (5, 3)}, {"scale_factor": 1.7}):
        with pytest.warns(UserWarning, match="is deprecated"):
            got = getattr(mg.nn.functional, name)(mg.tensor(a), **kwargs)
        with pytest.warns(UserWarning, match="is deprecated"):
            want = getattr(torch.nn.functional, name)(torch.tensor(a), **kwargs)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12, atol=1e-12)


def test_as_strided_copy_and_scatter_as_torch() -> None:
    """as_strided_copy's and as_strided_scatter's values as torch's; the scatter's source gradient too (its
    input's gradient is the mathematical one, 0 where the source was written: PyTorch 2.13 passes it only
    there instead)."""
    a, b = np.arange(10.0), np.array([[50.0, 60.0], [70.0, 80.0]])
    got = mg.as_strided_copy(mg.tensor(a), (2, 2), (1, 2), 1)
    np.testing.assert_array_equal(got.numpy(), torch.as_strided_copy(torch.tensor(a), (2, 2), (1, 2), 1))
    x, s = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    tx, ts = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    out = mg.as_strided_scatter(x, s, (2, 2), (1, 3), 2)
    want = torch.as_strided_scatter(tx, ts, (2, 2), (1, 3), 2)
    np.testing.assert_array_equal(out.detach().numpy(), want.detach().numpy())
    w = np.linspace(1, 2, 10)
    (out * mg.tensor(w)).sum().backward()
    (want * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(s.grad.numpy(), ts.grad.numpy())
    np.testing.assert_array_equal(x.grad.numpy(), np.where(want.detach().numpy() == a, w, 0.0))
