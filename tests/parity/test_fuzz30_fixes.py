"""Module- and optimizer-level differences from PyTorch 2.13 found by fuzz30's differential fuzzer."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = pytest.importorskip("torch")


def _outcome(lib: Any, fn: Any) -> tuple[str, Any]:
    """('ok', (dtype, values as float64)) or ('error', (is it a RuntimeError, the message's first line))."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(lib)
    except Exception as e:
        return "error", (isinstance(e, RuntimeError), str(e).split("\n")[0].split(" (")[0])
    t = out[0] if isinstance(out, tuple) else out
    return "ok", (str(t.dtype).replace("torch.", ""), np.asarray(t.detach().numpy(), dtype=np.float64))


def _same(fn: Any) -> None:
    theirs, ours = _outcome(torch, fn), _outcome(mg, fn)
    assert theirs[0] == ours[0], (theirs, ours)
    if theirs[0] == "error":
        assert theirs[1] == ours[1]
    else:
        assert theirs[1][0] == ours[1][0]
        tol = 1e-9 if theirs[1][0] == "float64" else 1e-5
        np.testing.assert_allclose(ours[1][1], theirs[1][1], rtol=tol, atol=tol * 1e-3)


def _mha(lib: Any, need_weights: bool, kpm: str | None, mask_dtype: str) -> Any:
    lib.manual_seed(0)
    m = lib.nn.MultiheadAttention(4, 2).double()
    x = lib.tensor(np.random.RandomState(0).standard_normal((3, 2, 4)), dtype=lib.float64)
    mask = lib.triu(lib.full((3, 3), float("-inf"), dtype=getattr(lib, mask_dtype)), diagonal=1)
    pad = None
    if kpm == "bool":
        pad = lib.tensor([[False, False, True], [False, False, False]])
    elif kpm is not None:
        pad = lib.zeros(2, 3, dtype=getattr(lib, kpm))
    return m(x, x, x, attn_mask=mask, key_padding_mask=pad, need_weights=need_weights)


@pytest.mark.parametrize("need_weights", [False, True])
@pytest.mark.parametrize("kpm", [None, "bool", "float32", "float64"])
@pytest.mark.parametrize("mask_dtype", ["float32", "float64"])
def test_mha_float32_mask_on_a_float64_model(need_weights: bool, kpm: str | None, mask_dtype: str) -> None:
    # PyTorch keeps a float mask's dtype: its fused path (need_weights=False) takes a float32 mask for a
    # float64 query, its weights path (baddbmm) only the query's dtype, unless adding a float64
    # key_padding_mask promoted it; minigrad refused every mask not of the query's dtype
    require_torch()
    _same(lambda lib: _mha(lib, need_weights, kpm, mask_dtype))


@pytest.mark.parametrize("norm_first", [False, True])
def test_float64_transformer_layers_take_the_generated_float32_mask(norm_first: bool) -> None:
    require_torch()

    def run(lib: Any) -> Any:
        lib.manual_seed(0)
        enc = lib.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, norm_first=norm_first).double()
        dec = lib.nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0, norm_first=norm_first).double()
        x = lib.tensor(np.random.RandomState(1).standard_normal((3, 2, 4)), dtype=lib.float64)
        mask = lib.nn.Transformer.generate_square_subsequent_mask(3)
        return enc(x, src_mask=mask) + dec(x, x, tgt_mask=mask)

    _same(run)


@pytest.mark.parametrize("mask_dtype", ["float32", "float64"])
@pytest.mark.parametrize("q_dtype", ["float32", "float64"])
def test_sdpa_takes_a_float32_mask_or_the_querys_dtype(mask_dtype: str, q_dtype: str) -> None:
    require_torch()

    def run(lib: Any) -> Any:
        q = lib.tensor(np.random.RandomState(2).standard_normal((2, 3, 4)), dtype=getattr(lib, q_dtype))
        mask = lib.tensor(np.random.RandomState(3).standard_normal((3, 3)), dtype=getattr(lib, mask_dtype))
        return lib.nn.functional.scaled_dot_product_attention(q, q, q, attn_mask=mask)

    _same(run)


_F, _D = np.float32, np.float64
_ADD_PRODUCTS = {
    "addmm": lambda lib, a, b: lib.addmm(a((2, 3), _F), b((2, 4)), b((4, 3))),
    "addmm_beta0": lambda lib, a, b: lib.addmm(a((2, 3), _D), b((2, 4)), b((4, 3)), beta=0),
    "addbmm": lambda lib, a, b: lib.addbmm(a((2, 3), _F), b((5, 2, 4)), b((5, 4, 3))),
    "baddbmm": lambda lib, a, b: lib.baddbmm(a((5, 2, 3), _F), b((5, 2, 4)), b((5, 4, 3))),
    "addmv": lambda lib, a, b: lib.addmv(a((2,), _F), b((2, 4)), b((4,))),
    "linear_bias": lambda lib, a, b: lib.nn.functional.linear(b((2, 4)), b((3, 4)), a((3,), _F)),
    "linear_1d_input": lambda lib, a, b: lib.nn.functional.linear(b((4,)), b((3, 4)), a((3,), _F)),
}


@pytest.mark.parametrize("name", sorted(_ADD_PRODUCTS))
def test_fused_add_products_refuse_an_input_of_another_dtype(name: str) -> None:
    # PyTorch's addmm/addbmm/baddbmm/addmv (and linear's bias) do not promote the added input: a
    # RuntimeError in its words; minigrad promoted to float64
    require_torch()

    def run(lib: Any) -> Any:
        def a(shape: tuple[int, ...], dt: type) -> Any:
            return lib.tensor(np.ones(shape, dtype=dt))

        def b(shape: tuple[int, ...]) -> Any:
            return lib.tensor(np.full(shape, 0.5, dtype=np.float64))

        return _ADD_PRODUCTS[name](lib, a, b)

    _same(run)


def test_linear_of_a_1d_weight_does_not_warn() -> None:
    require_torch()
    x = np.arange(12.0).reshape(4, 3)
    w = np.array([1.0, -2.0, 0.5])
    expected = torch.nn.functional.linear(torch.tensor(x), torch.tensor(w)).numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = mg.nn.functional.linear(mg.tensor(x), mg.tensor(w))
    np.testing.assert_allclose(out.numpy(), expected)


def test_sparse_init_with_a_generator_picks_the_zeros_with_the_global_generator() -> None:
    # PyTorch's sparse_ draws the values from ``generator`` but each column's randperm from the global
    # generator; minigrad drew both from ``generator``
    require_torch()

    def run(lib: Any) -> Any:
        lib.manual_seed(7)
        t = lib.empty(6, 4)
        lib.nn.init.sparse_(t, sparsity=0.5, std=1.0, generator=lib.Generator().manual_seed(3))
        return t, lib.rand(2)

    theirs, ours = run(torch), run(mg)
    for a, b in zip(theirs, ours):
        np.testing.assert_array_equal(b.numpy(), a.numpy())


@pytest.mark.parametrize("kwargs", [{"size": (3, 5), "mode": "bilinear"}, {"size": 3, "mode": "bilinear"},
                                    {"scale_factor": (2, 2), "mode": "bicubic"},
                                    {"size": (3,), "mode": "trilinear"}])
def test_interpolate_checks_the_size_against_the_input_before_the_modes_rank(kwargs: dict[str, Any]) -> None:
    # nn.Upsample(size=(3, 5), mode='bilinear') of an (N, C, L) input: PyTorch's ValueError about the
    # spatial dims comes before its NotImplementedError about the mode's rank; minigrad raised the latter
    require_torch()
    for shape in ((4, 3, 2), (3, 2), (2,)):
        x = np.ones(shape, dtype=np.float32)
        with pytest.raises(Exception) as theirs:
            torch.nn.functional.interpolate(torch.tensor(x), **kwargs)
        with pytest.raises(Exception) as ours:
            mg.nn.functional.interpolate(mg.tensor(x), **kwargs)
        for cls in (ValueError, NotImplementedError):
            assert isinstance(ours.value, cls) == isinstance(theirs.value, cls), shape


_NORMS = {
    "BatchNorm2d": lambda lib: lib.nn.BatchNorm2d(4),
    "BatchNorm2d_eval": lambda lib: lib.nn.BatchNorm2d(4).eval(),
    "GroupNorm": lambda lib: lib.nn.GroupNorm(2, 4),
    "GroupNorm_no_affine": lambda lib: lib.nn.GroupNorm(2, 4, affine=False),
    "LayerNorm": lambda lib: lib.nn.LayerNorm(3),
    "LayerNorm_no_affine": lambda lib: lib.nn.LayerNorm(3, elementwise_affine=False),
    "InstanceNorm2d": lambda lib: lib.nn.InstanceNorm2d(4, affine=True, track_running_stats=True),
    "RMSNorm": lambda lib: lib.nn.RMSNorm(3),
    "RMSNorm_no_affine": lambda lib: lib.nn.RMSNorm(3, elementwise_affine=False),
}


@pytest.mark.parametrize("dtype", ["int64", "bool"])
@pytest.mark.parametrize("name", sorted(_NORMS))
def test_norm_layers_refuse_integer_inputs_as_pytorch(name: str, dtype: str) -> None:
    # PyTorch: "batch_norm" / "LayerNormKernelImpl" / ... not implemented for 'Long' (NotImplementedError),
    # or its mixed-dtype RuntimeError for layer and group norm with parameters; minigrad raised a
    # RuntimeError from its mean, and an eval-mode BatchNorm returned float32
    require_torch()
    x = np.ones((2, 4, 3, 3), dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            _NORMS[name](torch)(torch.tensor(x))
    with pytest.raises(Exception) as ours:
        _NORMS[name](mg)(mg.tensor(x))
    for cls in (NotImplementedError, RuntimeError):
        assert isinstance(ours.value, cls) == isinstance(theirs.value, cls)
    assert str(ours.value).split(" (")[0] == str(theirs.value).split(" (")[0]


_INT_LOSSES = {
    "multilabel_margin": lambda lib, x: lib.nn.functional.multilabel_margin_loss(
        x, lib.tensor([[2, -1, 0]] * 4)),
    "multi_margin": lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor([0, 1, 2, 1])),
    "nll": lambda lib, x: lib.nn.functional.nll_loss(x, lib.tensor([0, 1, 2, 1])),
    "nll_4d": lambda lib, x: lib.nn.functional.nll_loss(x.reshape(4, 3, 1, 1),
                                                        lib.tensor([0, 1, 2, 1]).reshape(4, 1, 1)),
    "nll_3d": lambda lib, x: lib.nn.functional.nll_loss(x.reshape(4, 3, 1),
                                                        lib.tensor([0, 1, 2, 1]).reshape(4, 1)),
    "bce_with_logits": lambda lib, x: lib.nn.functional.binary_cross_entropy_with_logits(x, lib.ones(4, 3)),
}


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
@pytest.mark.parametrize("name", sorted(_INT_LOSSES))
def test_losses_refuse_integer_inputs_as_pytorch(name: str, dtype: str) -> None:
    # PyTorch's float-only kernels raise NotImplementedError ("nll_loss_out_frame" not implemented for
    # 'Long'); minigrad computed a float loss (nll_loss of int64 scores even gave float64)
    require_torch()
    x = np.ones((4, 3), dtype=dtype)
    with pytest.raises(Exception) as theirs:
        _INT_LOSSES[name](torch, torch.tensor(x))
    with pytest.raises(Exception) as ours:
        _INT_LOSSES[name](mg, mg.tensor(x))
    assert isinstance(theirs.value, NotImplementedError)
    assert isinstance(ours.value, NotImplementedError)
    assert str(ours.value) == str(theirs.value)


_INT_POOLS = {
    "max_pool1d": lambda lib, x: lib.nn.functional.max_pool1d(x[0], 2),
    "adaptive_max_pool1d": lambda lib, x: lib.nn.functional.adaptive_max_pool1d(x[0], 2),
    "adaptive_max_pool2d": lambda lib, x: lib.nn.functional.adaptive_max_pool2d(x, 2),
    "avg_pool2d": lambda lib, x: lib.nn.functional.avg_pool2d(x, 2),
    "avg_pool1d": lambda lib, x: lib.nn.functional.avg_pool1d(x[0], 2),
    "upsample_nearest_1d": lambda lib, x: lib.nn.Upsample(scale_factor=2)(x[0]),
    "upsample_nearest_2d": lambda lib, x: lib.nn.Upsample(scale_factor=2)(x),
    "max_unpool2d": lambda lib, x: lib.nn.functional.max_unpool2d(x, lib.zeros(x.shape, dtype=lib.int64), 2),
}


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("name", sorted(_INT_POOLS))
def test_pooling_and_nearest_upsampling_of_integers_as_pytorch(name: str, dtype: str) -> None:
    # PyTorch's max_pool1d, adaptive max pooling and max_unpool are float only, avg_pool takes int64 too,
    # nearest upsampling uint8 too: others raise its NotImplementedError; minigrad pooled any integer
    require_torch()
    x = np.arange(32).reshape(1, 2, 4, 4).astype(dtype)
    theirs, ours = _outcome(torch, lambda lib: _INT_POOLS[name](lib, lib.tensor(x))), _outcome(
        mg, lambda lib: _INT_POOLS[name](lib, lib.tensor(x)))
    assert theirs[0] == ours[0], (theirs, ours)
    if theirs[0] == "ok":
        np.testing.assert_array_equal(ours[1][1], theirs[1][1])
    else:
        with pytest.raises(NotImplementedError, match=r"not implemented for|bool tensors"):
            _INT_POOLS[name](mg, mg.tensor(x))


@pytest.mark.parametrize("mask", ["attn_mask", "key_padding_mask"])
def test_mha_bool_mask_with_an_integer_query_is_pytorchs_runtime_error(mask: str) -> None:
    # PyTorch converts the bool mask to the query's dtype by filling -inf: a RuntimeError for an integer
    # query; minigrad's numpy fill raised OverflowError
    require_torch()
    masks = {"attn_mask": [[False, True]] * 3, "key_padding_mask": [[False, True]]}
    for lib in (torch, mg):
        m = lib.nn.MultiheadAttention(4, 1)
        q, k = lib.ones(3, 1, 4, dtype=lib.int64), lib.ones(2, 1, 4)
        with pytest.raises(RuntimeError, match="value cannot be converted to type int64_t without overflow"):
            m(q, k, k, **{mask: lib.tensor(masks[mask])})


@pytest.mark.parametrize("dtypes", [("float64", "float32", "float64", "float64"),
                                    ("float64", "float64", "float32", None),
                                    ("float64", "float64", "float64", "float32")])
def test_bilinear_refuses_mixed_dtypes_as_pytorch(dtypes: tuple[str, str, str, str | None]) -> None:
    # PyTorch's bilinear: "All tensors must have the same dtype, got input1: double, input2: float, ...";
    # minigrad promoted (or raised matmul's error)
    require_torch()
    a, b, w, bias = dtypes
    args = [np.ones((2, 3), dtype=a), np.ones((2, 4), dtype=b), np.ones((5, 3, 4), dtype=w)]
    messages = []
    for lib in (torch, mg):
        with pytest.raises(RuntimeError) as info:
            lib.nn.functional.bilinear(*[lib.tensor(v) for v in args],
                                       None if bias is None else lib.ones(5, dtype=getattr(lib, bias)))
        messages.append(str(info.value))
    assert messages[0] == messages[1]
