"""Regressions found by the hunt17 differential fuzzer (minigrad against PyTorch on optimizers and
schedulers, the nn.Module API, and layers' and losses' non-default arguments and dtypes): each test
fails before its fix and compares numbers, dtypes or error classes with torch."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch, same_error_or_value


def _class_loss(name: str, dtype: str, ndim: int, smoothing: float = 0.0) -> Callable[[Any], Any]:
    def form(lib: Any) -> Any:
        x = lib.tensor(np.linspace(-1, 1, 24).reshape((3, 4, 2)[:ndim] if ndim == 3 else (6, 4)),
                       dtype=lib.float32)
        t = lib.tensor([0, 1, 3, 2, 1, 0][: 6 if ndim == 2 else 3], dtype=getattr(lib, dtype))
        if ndim == 3:
            t = lib.stack([t, t], 1)
        if name == "cross_entropy":
            return lib.nn.functional.cross_entropy(x, t, label_smoothing=smoothing)
        if name == "multi_margin_loss":
            return lib.nn.functional.multi_margin_loss(x, t)
        return lib.nn.functional.nll_loss(x, t)
    return form


@pytest.mark.parametrize("dtype", ["int64", "uint8", "int32", "int16", "int8"])
@pytest.mark.parametrize("case", [("cross_entropy", 2, 0.0), ("cross_entropy", 2, 0.1),
                                  ("cross_entropy", 3, 0.0), ("cross_entropy", 3, 0.2), ("nll_loss", 2, 0.0),
                                  ("nll_loss", 3, 0.0), ("multi_margin_loss", 2, 0.0)])
def test_class_index_targets_take_torchs_dtypes(case: tuple[str, int, float], dtype: str) -> None:
    """PyTorch's class-index losses take int64 or uint8 targets (int64 only for (N, C, d...) scores and the
    margin loss); minigrad took every integer dtype, and a uint8 target with label_smoothing was read as a
    byte mask (a DimensionError)."""
    name, ndim, smoothing = case
    same_error_or_value(_class_loss(name, dtype, ndim, smoothing))


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "uint8"])
@pytest.mark.parametrize("name", ["embedding", "embedding_bag"])
def test_embedding_indices_are_long_or_int(name: str, dtype: str) -> None:
    """PyTorch's embedding kernels take int64 or int32 indices only (int16/uint8 were accepted here)."""
    def form(lib: Any) -> Any:
        idx = lib.tensor([[1, 2, 4]], dtype=getattr(lib, dtype))
        w = lib.tensor(np.arange(18.0).reshape(6, 3), dtype=lib.float32)
        return getattr(lib.nn.functional, name)(idx, w)
    same_error_or_value(form)


@pytest.mark.parametrize("w_dtype,psw_dtype", [("float32", "float64"), ("float64", "float32"),
                                               ("float32", "float32")])
def test_embedding_bag_per_sample_weights_of_another_dtype_raise(w_dtype: str, psw_dtype: str) -> None:
    """per_sample_weights of another dtype than the weight were promoted; PyTorch raises a RuntimeError."""
    def form(lib: Any) -> Any:
        w = lib.tensor(np.arange(18.0).reshape(6, 3), dtype=getattr(lib, w_dtype))
        psw = lib.tensor([[0.5, 2.0, 1.0]], dtype=getattr(lib, psw_dtype))
        return lib.nn.functional.embedding_bag(lib.tensor([[1, 2, 4]]), w, mode="sum", per_sample_weights=psw)
    same_error_or_value(form)


BCE_LOGITS: list[tuple[str, str, str | None]] = [
    ("float32", "float64", None), ("float64", "float32", None), ("float32", "float16", None),
    ("float64", "float32", "weight"), ("float32", "float64", "pos_weight"),
    ("float64", "float32", "pos_weight"),
    ("float32", "int64", None), ("float64", "int32", "weight"), ("float32", "uint8", None),
    ("float32", "bool", None), ("float32", "float32", None),
]


@pytest.mark.parametrize("reduction", ["mean", "none"])
@pytest.mark.parametrize("x_dtype,t_dtype,extra", BCE_LOGITS)
def test_bce_with_logits_takes_the_targets_dtype(x_dtype: str, t_dtype: str, extra: str | None,
                                                 reduction: str) -> None:
    """binary_cross_entropy_with_logits computes (1 - target).mul_(input)...: the loss has the float target's
    dtype (float64 logits with float32 targets gave float64) and integer or bool targets raise PyTorch's
    RuntimeError (they were promoted to a float64 loss)."""
    def form(lib: Any) -> Any:
        x = lib.tensor([[0.5, -1.25, 3.0], [2.0, 0.0, -0.5]], dtype=getattr(lib, x_dtype))
        t = lib.tensor([[1, 0, 1], [0, 0, 1]], dtype=getattr(lib, t_dtype))
        kw = {} if extra is None else {extra: lib.tensor([0.5, 2.0, 1.5], dtype=lib.float64)}
        return lib.nn.functional.binary_cross_entropy_with_logits(x, t, reduction=reduction, **kw)
    same_error_or_value(form)


@pytest.mark.parametrize("t_dtype", ["float64", "float32", "int64"])
def test_soft_margin_loss_has_the_inputs_dtype(t_dtype: str) -> None:
    """soft_margin_loss writes into a tensor of the input's dtype (a float64 target gave a float64 loss)."""
    def form(lib: Any) -> Any:
        x = lib.tensor([[0.5, -1.25, 3.0]], dtype=lib.float32)
        return lib.nn.functional.soft_margin_loss(x, lib.tensor([[1, -1, 1]], dtype=getattr(lib, t_dtype)))
    same_error_or_value(form)


def test_soft_margin_loss_refuses_a_target_that_requires_grad() -> None:
    """PyTorch's soft_margin_loss has no target gradient and raises (minigrad differentiated it)."""
    torch = require_torch()
    for lib in (torch, mg):
        x = lib.tensor([0.5, -1.0], requires_grad=True)
        y = lib.tensor([1.0, -1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'target'"):
            lib.nn.functional.soft_margin_loss(x, y)
        with lib.no_grad():
            lib.nn.functional.soft_margin_loss(x, y)


@pytest.mark.parametrize("name", ["mse_loss", "smooth_l1_loss", "l1_loss"])
def test_bool_targets_of_mse_and_smooth_l1(name: str) -> None:
    """mse_loss and smooth_l1_loss promote a bool target as PyTorch's kernels do (minigrad's subtraction
    refused it); l1_loss, which subtracts, still raises in both."""
    torch = require_torch()
    grads = []
    for lib in (torch, mg):
        x = lib.tensor([0.5, 1.0, 2.0], dtype=lib.float64, requires_grad=True)
        try:
            loss = getattr(lib.nn.functional, name)(x, lib.tensor([True, False, True]))
        except RuntimeError:
            assert name == "l1_loss"
            continue
        loss.backward()
        grads.append((loss.item(), str(loss.dtype).removeprefix("torch."), x.grad.numpy().tolist()))
    assert name == "l1_loss" or grads[0] == grads[1]


WRONG_TYPES: dict[str, Callable[[Any], Any]] = {
    "conv_kernel_float": lambda lib: lib.nn.Conv1d(2, 4, 3.0),
    "conv_kernel_none": lambda lib: lib.nn.Conv2d(2, 4, None),
    "convT_kernel_str": lambda lib: lib.nn.ConvTranspose2d(2, 4, "3"),
    "layernorm_float": lambda lib: lib.nn.LayerNorm(2.5),
    "layernorm_none": lambda lib: lib.nn.LayerNorm(None),
    "rmsnorm_str_size": lambda lib: lib.nn.RMSNorm(["3"]),
    "embedding_padding_idx_float": lambda lib: lib.nn.Embedding(5, 3, padding_idx=2.0),
    "embedding_padding_idx_str": lambda lib: lib.nn.Embedding(5, 3, padding_idx="2"),
    "rnn_dropout_none": lambda lib: lib.nn.RNN(3, 4, dropout=None),
    "encoder_dropout_str": lambda lib: lib.nn.TransformerEncoderLayer(4, 2, 8, dropout="0.1"),
    "dropout_none": lambda lib: lib.nn.Dropout(None),
    "prelu_init_none": lambda lib: lib.nn.PReLU(init=None),
    "hardtanh_str": lambda lib: lib.nn.Hardtanh("-1", 1.0),
    "unflatten_float": lambda lib: lib.nn.Unflatten(1, 2.0),
    "F_max_pool_float": lambda lib: lib.nn.functional.max_pool2d(lib.ones(1, 1, 4, 4), 2.0),
    "F_conv_stride_float": lambda lib: lib.nn.functional.conv2d(lib.ones(1, 1, 4, 4), lib.ones(1, 1, 2, 2),
                                                                stride=2.0),
    "F_elu_alpha_str": lambda lib: lib.nn.functional.elu(lib.ones(3), "a"),
}


@pytest.mark.parametrize("name", list(WRONG_TYPES))
def test_arguments_of_the_wrong_type_raise_torchs_class(name: str) -> None:
    """An argument that is no number or int at all is PyTorch's TypeError (IndexError for a float
    padding_idx);
    minigrad raised a plain InvalidParameterError (a ValueError/RuntimeError), which ``except TypeError``
    missed. The error is still an InvalidParameterError naming the argument."""
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        WRONG_TYPES[name](torch)
    with pytest.raises(mg.InvalidParameterError) as ours:
        WRONG_TYPES[name](mg)
    assert isinstance(ours.value, theirs.type), (theirs.value, ours.value)


@pytest.mark.parametrize("x_dtype,w_dtype", [("float32", "float64"), ("float64", "float64"),
                                             ("float32", "float32")])
def test_rms_norm_with_a_weight_of_another_dtype_keeps_the_inputs(x_dtype: str, w_dtype: str) -> None:
    """PyTorch's rms_norm casts its result back to the input's dtype (float64 weights gave float64 here)."""
    torch = require_torch()
    outs = []
    for lib in (torch, mg):
        x = lib.tensor([[0.5, -1.25, 3.0], [2.0, 0.0, -0.5]], dtype=getattr(lib, x_dtype))
        w = lib.tensor([0.5, 2.0, 1.5], dtype=getattr(lib, w_dtype))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (PyTorch's "Mismatch dtype ... fused implementation")
            outs.append(lib.nn.functional.rms_norm(x, (3,), w))
    theirs, ours = outs
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


OPTIM_WRONG_TYPES: dict[str, Callable[[Any, Any], Any]] = {
    "sgd_lr_none": lambda lib, p: lib.optim.SGD([p], lr=None),
    "sgd_momentum_str": lambda lib, p: lib.optim.SGD([p], lr=0.1, momentum="0.9"),
    "adam_eps_list": lambda lib, p: lib.optim.Adam([p], eps=[1e-8]),
    "adam_betas_none": lambda lib, p: lib.optim.Adam([p], betas=None),
    "adam_betas_short": lambda lib, p: lib.optim.Adam([p], betas=(0.9,)),
    "rmsprop_alpha_str": lambda lib, p: lib.optim.RMSprop([p], alpha="a"),
    "adagrad_lr_decay_none": lambda lib, p: lib.optim.Adagrad([p], lr_decay=None),
    "sparse_adam_eps_str": lambda lib, p: lib.optim.SparseAdam([p], eps="a"),
    "steplr_constant_factor_none": lambda lib, p: lib.optim.lr_scheduler.ConstantLR(
        lib.optim.SGD([p], lr=0.1), factor=None),
    "linearlr_start_str": lambda lib, p: lib.optim.lr_scheduler.LinearLR(lib.optim.SGD([p], lr=0.1),
                                                                          start_factor="a"),
    "warm_restarts_t0_str": lambda lib, p: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        lib.optim.SGD([p], lr=0.1), T_0="a"),
    "onecycle_pct_none": lambda lib, p: lib.optim.lr_scheduler.OneCycleLR(lib.optim.SGD([p], lr=0.1), 0.1,
                                                                           total_steps=10, pct_start=None),
}


@pytest.mark.parametrize("name", list(OPTIM_WRONG_TYPES))
def test_optimizer_and_scheduler_arguments_of_the_wrong_type(name: str) -> None:
    """A hyperparameter that is no number (None, a string, a list) makes PyTorch's range comparison raise a
    TypeError (IndexError for one beta); minigrad raised a plain InvalidParameterError (SparseAdam's eps
    leaked float()'s ValueError)."""
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        OPTIM_WRONG_TYPES[name](torch, torch.nn.Parameter(torch.ones(2)))
    with pytest.raises(mg.InvalidParameterError) as ours:
        OPTIM_WRONG_TYPES[name](mg, mg.nn.Parameter(mg.ones(2)))
    assert isinstance(ours.value, theirs.type), (theirs.value, ours.value)


@pytest.mark.parametrize("gain", [1.0, 0.5, 5 / 3])
@pytest.mark.parametrize("shape", [(4, 4), (12, 4), (6, 3, 3)])
def test_xavier_uniform_bound_has_torchs_bits_in_float64(shape: tuple[int, ...], gain: float) -> None:
    """xavier_uniform_'s bound was gain * sqrt(6 / fans); PyTorch's is sqrt(3) * (gain * sqrt(2 / fans)),
    an ulp apart: float64 weights of MultiheadAttention and the Transformer layers differed from PyTorch's
    at one seed."""
    torch = require_torch()
    drawn = []
    for lib in (torch, mg):
        lib.manual_seed(1)
        drawn.append(lib.nn.init.xavier_uniform_(lib.empty(*shape, dtype=lib.float64), gain=gain).numpy())
    np.testing.assert_array_equal(drawn[1], drawn[0])
    torch.manual_seed(0)
    mg.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(4, 2, dtype=torch.float64).in_proj_weight
    ours = mg.nn.MultiheadAttention(4, 2, dtype=mg.float64).in_proj_weight
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


def test_bilinear_refuses_in1_features_0() -> None:
    """PyTorch's Bilinear raises a ValueError for in1_features=0 (its init divides by sqrt(in1_features));
    minigrad built the layer. in2_features or out_features of 0 stay accepted by both."""
    torch = require_torch()
    with pytest.raises(ValueError, match="in1_features must be > 0"):
        torch.nn.Bilinear(0, 2, 3)
    with pytest.raises(ValueError, match="in1_features must be > 0"):
        mg.nn.Bilinear(0, 2, 3)
    assert tuple(mg.nn.Bilinear(2, 0, 3).weight.shape) == tuple(torch.nn.Bilinear(2, 0, 3).weight.shape)


PENALTY_ACTIVATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "hardtanh": lambda lib, h: lib.nn.functional.hardtanh(h),
    "relu6": lambda lib, h: lib.nn.functional.relu6(h),
    "threshold": lambda lib, h: lib.nn.functional.threshold(h, 0.1, 0.5),
    "hardshrink": lambda lib, h: lib.nn.functional.hardshrink(h, 0.3),
    "softshrink": lambda lib, h: lib.nn.functional.softshrink(h, 0.3),
    "prelu": lambda lib, h: lib.nn.functional.prelu(h, lib.tensor([0.25], dtype=h.dtype)),
    "max_pool1d": lambda lib, h: lib.nn.functional.max_pool1d(h.unsqueeze(1), 2).squeeze(1),
    "adaptive_max_pool1d": lambda lib, h: lib.nn.functional.adaptive_max_pool1d(h.unsqueeze(1), 3).squeeze(1),
}


@pytest.mark.parametrize("name", list(PENALTY_ACTIVATIONS))
def test_gradient_penalty_reaches_the_layer_beneath_as_zeros(name: str) -> None:
    """Beneath a gradient penalty (autograd.grad(..., create_graph=True), then backward), a bias before
    these piecewise-linear ops gets a zero gradient in PyTorch, whose backward kernels take the input;
    minigrad left it None (its where-composed forms did not reach the input), as ReLU's did before
    MaskedGrad."""
    torch = require_torch()
    grads = []
    for lib in (torch, mg):
        w = lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3), requires_grad=True)
        b = lib.tensor([0.2, -0.3, 0.5, -0.1], dtype=lib.float64, requires_grad=True)
        x = lib.tensor(np.random.default_rng(0).standard_normal((5, 3)), requires_grad=True)
        out = PENALTY_ACTIVATIONS[name](lib, x @ w.T + b)
        scale = lib.tensor(np.arange(1.0, out.shape[-1] + 1))
        (g,) = lib.autograd.grad((out * scale).sum(), x, create_graph=True)
        (g**2).sum().backward()
        grads.append([None if p.grad is None else p.grad.numpy() for p in (w, b, x)])
    for theirs, ours in zip(*grads):
        assert (theirs is None) == (ours is None)
        if theirs is not None:
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
