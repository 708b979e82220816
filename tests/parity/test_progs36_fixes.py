"""Differences found while writing progs36's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _raised(m: Any, f: Callable[[Any], object]) -> BaseException:
    try:
        f(m)
    except Exception as e:  # (the test compares whatever each framework raises)
        return e
    raise AssertionError("no exception")


def _size_as_tuple(text: str) -> str:
    """``torch.Size([3])`` as minigrad's Size prints outside the compat launcher: ``(3,)``."""
    return re.sub(r"torch\.Size\(\[([^\]]*)\]\)", lambda g: str(tuple(int(v) for v in g[1].split(",") if v)),
                  text)


def _same_words(f: Callable[[Any], object]) -> None:
    """minigrad raises an instance of PyTorch's class whose message starts with PyTorch's whole message."""
    t, m = _raised(torch, f), _raised(mg, f)
    assert isinstance(m, type(t)), (type(t), type(m))
    assert str(m).startswith(_size_as_tuple(str(t))), (str(t), str(m))


# -------------------------------------- layer_config_error_clinic.py: the messages a notebook prints

_LAYER_MISTAKES: dict[str, Callable[[Any], object]] = {
    "gru proj_size": lambda m: m.nn.GRU(5, 8, proj_size=3),
    "rnn proj_size 0": lambda m: m.nn.RNN(5, 8, proj_size=0),
    "lstm proj_size too big": lambda m: m.nn.LSTM(5, 8, proj_size=8),
    "rnn 4d": lambda m: m.nn.RNN(5, 8)(m.zeros(1, 4, 7, 5)),
    "gru 4d": lambda m: m.nn.GRU(5, 8)(m.zeros(1, 4, 7, 5)),
    "encoder activation": lambda m: m.nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    "same strided functional": lambda m: m.nn.functional.conv1d(m.ones(1, 1, 6), m.ones(1, 1, 2),
                                                                padding="same", stride=2),
    "same strided module": lambda m: m.nn.Conv1d(1, 1, 2, padding="same", stride=2),
    "convT output_size list": lambda m: m.nn.ConvTranspose2d(1, 1, 3, stride=2)(
        m.ones(1, 1, 3, 3), output_size=[10, 10]),
    "convT output_size tuple": lambda m: m.nn.ConvTranspose1d(1, 1, 3, stride=2)(
        m.ones(1, 1, 3), output_size=(1, 1, 10)),
    "convT output_size length": lambda m: m.nn.ConvTranspose2d(1, 1, 3, stride=2)(
        m.ones(1, 1, 3, 3), output_size=[10]),
    "fold blocks": lambda m: m.nn.functional.fold(m.ones(1, 4, 8), (4, 4), 2),
    "fold channels": lambda m: m.nn.functional.fold(m.ones(1, 5, 9), (4, 4), 2),
    "circular wraps twice": lambda m: m.nn.functional.pad(m.ones(1, 1, 3), (4, 0), mode="circular"),
    "gaussian negative var": lambda m: m.nn.functional.gaussian_nll_loss(m.ones(2), m.ones(2), -m.ones(2)),
    "gaussian var shape": lambda m: m.nn.functional.gaussian_nll_loss(m.ones(2, 3), m.ones(2, 3),
                                                                       m.ones(2, 2)),
    "searchsorted side and right": lambda m: m.searchsorted(m.tensor([1, 2]), m.tensor([1]), side="left",
                                                            right=True),
    "searchsorted side": lambda m: m.searchsorted(m.tensor([1, 2]), m.tensor([1]), side="middle"),
    "searchsorted leading dims": lambda m: m.searchsorted(m.tensor([[1, 2]]), m.tensor([[1], [2]])),
    "bucketize 2-d": lambda m: m.bucketize(m.tensor([1]), m.tensor([[1, 2]])),
    "nanmean int": lambda m: m.nanmean(m.tensor([1, 2])),
    "quantile int": lambda m: m.quantile(m.tensor([1, 2]), 0.5),
}


@pytest.mark.parametrize("case", sorted(_LAYER_MISTAKES))
def test_layer_mistakes_start_with_pytorch_words(case: str) -> None:
    _same_words(_LAYER_MISTAKES[case])


_INT_MATRIX_FUNCTIONS = ["det", "inv", "slogdet", "cholesky", "qr", "svd", "svdvals", "eigh", "eigvalsh",
                         "pinv", "matrix_rank", "matrix_norm", "matrix_exp", "lu_factor", "vector_norm"]


@pytest.mark.parametrize("name", _INT_MATRIX_FUNCTIONS)
def test_linalg_of_an_integer_matrix(name: str) -> None:
    # "linalg.det: Expected a floating point or complex tensor as input. Got Long", or the function's own
    # words (eigh's and lu_factor's NotImplementedError); matrix_exp refuses integers too (it gave float64)
    _same_words(lambda m: getattr(m.linalg, name)(m.tensor([[4, 1], [2, 3]])))


@pytest.mark.parametrize("name", ["logdet", "inverse", "det"])
def test_torch_level_determinants_of_an_integer_matrix(name: str) -> None:
    _same_words(lambda m: getattr(m, name)(m.tensor([[4, 1], [2, 3]])))


# ------------------------------- legacy_port_warning_audit.py: PyTorch 0.4 spellings an old script still uses

_ELEMENTWISE_MEAN: dict[str, Callable[[Any, str], object]] = {
    "cross_entropy": lambda m, r: m.nn.functional.cross_entropy(m.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]]),
                                                                m.tensor([0, 2]), reduction=r),
    "CrossEntropyLoss": lambda m, r: m.nn.CrossEntropyLoss(reduction=r)(m.tensor([[1.0, 2.0, 0.5]]),
                                                                        m.tensor([1])),
    "mse_loss": lambda m, r: m.nn.functional.mse_loss(m.tensor([1.0, 2.0]), m.tensor([0.0, 4.0]),
                                                      reduction=r),
    "MSELoss": lambda m, r: m.nn.MSELoss(reduction=r)(m.tensor([1.0, 2.0]), m.tensor([0.0, 4.0])),
    "kl_div": lambda m, r: m.nn.functional.kl_div(m.tensor([-1.0, -2.0]), m.tensor([0.3, 0.7]), reduction=r),
    "nll_loss": lambda m, r: m.nn.functional.nll_loss(m.tensor([[-1.0, -0.5]]), m.tensor([1]), reduction=r),
    "smooth_l1_loss": lambda m, r: m.nn.functional.smooth_l1_loss(m.tensor([1.0, 3.0]), m.tensor([0.0, 0.0]),
                                                                  reduction=r),
}


@pytest.mark.parametrize("case", sorted(_ELEMENTWISE_MEAN))
def test_elementwise_mean_is_mean_with_a_deprecation_warning(case: str) -> None:
    f = _ELEMENTWISE_MEAN[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (kl_div's note on 'mean')
        expected = f(torch, "mean").item()
    for m in (torch, mg):
        with pytest.warns(UserWarning, match="reduction='elementwise_mean' is deprecated"):
            got = f(m, "elementwise_mean")
        assert got.item() == pytest.approx(expected, rel=1e-6)


def test_loss_module_keeps_elementwise_mean_as_given() -> None:
    assert mg.nn.L1Loss(reduction="elementwise_mean").reduction == "elementwise_mean"
    assert torch.nn.L1Loss(reduction="elementwise_mean").reduction == "elementwise_mean"


@pytest.mark.parametrize("case", ["poisson_nll_loss", "gaussian_nll_loss", "multilabel_soft_margin_loss",
                                  "triplet_margin_with_distance_loss"])
def test_losses_that_refuse_elementwise_mean(case: str) -> None:
    def call(m: Any) -> object:
        x, y = m.ones(2, 3), m.ones(2, 3)
        args = {"gaussian_nll_loss": (x, y, m.ones(2, 3)), "triplet_margin_with_distance_loss": (x, y, y)}
        return getattr(m.nn.functional, case)(*args.get(case, (x, y)), reduction="elementwise_mean")
    _same_words(call)


def test_scatter_reduce_argument_with_a_tensor_src_warns_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from minigrad import settings

    monkeypatch.setattr(settings, "_warned_once", set())
    idx, src = mg.tensor([0, 0, 2]), mg.tensor([1.0, 2.0, 3.0])
    with pytest.warns(UserWarning, match="The reduce argument of torch.scatter with Tensor src is deprecat"):
        out = mg.zeros(3).scatter(0, idx, src, reduce="add")
    assert out.tolist() == [3.0, 0.0, 3.0]
    mg.zeros(3).scatter(0, idx, src, reduce="add")  # (once per process, as PyTorch's TORCH_WARN_ONCE)
    mg.zeros(3).scatter(0, idx, 2.0, reduce="add")  # (a number src never warns)


def test_new_tensor_of_a_tensor_warns() -> None:
    with pytest.warns(UserWarning, match=r"rather than tensor\.new_tensor\(sourceTensor\)"):
        mg.ones(2).new_tensor(mg.ones(2))


def test_gather_takes_sparse_grad() -> None:
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    for flag in (False, True):
        out = mg.gather(x, 1, mg.tensor([[1], [0]]), sparse_grad=flag)
        assert out.tolist() == [[2.0], [3.0]]
    x.gather(1, mg.tensor([[1], [1]]), sparse_grad=False).sum().backward()
    assert x.grad is not None and x.grad.tolist() == [[0.0, 1.0], [0.0, 1.0]]


@pytest.mark.parametrize("name", ["xavier_uniform_", "kaiming_normal_"])
def test_init_of_a_bias_in_pytorch_words(name: str) -> None:
    _same_words(lambda m: getattr(m.nn.init, name)(m.empty(5)))


# ------------------------ scatter_index_reduce_grads.py: amax/amin ties with the input's own value


@pytest.mark.parametrize("reduce", ["amax", "amin"])
@pytest.mark.parametrize("how", ["scatter_reduce", "index_reduce"])
def test_extreme_gradient_shares_a_tie_with_the_input_without_include_self(reduce: str, how: str) -> None:
    # PyTorch counts the input's own value among the ties even with include_self=False, then drops its
    # share: the sources get 1/(ties + 1) of the gradient
    def run(m: Any) -> tuple[list[float], list[float]]:
        src = m.tensor([1.0, 4.0, 4.0, 2.0, 0.0, 3.0], requires_grad=True)
        base = m.tensor([4.0, 0.0]) if reduce == "amax" else m.tensor([1.0, 0.0])
        seg = m.tensor([0, 0, 0, 1, 1, 1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (index_reduce is in beta)
            out = (base.scatter_reduce(0, seg, src, reduce, include_self=False) if how == "scatter_reduce"
                   else base.index_reduce(0, seg, src, reduce, include_self=False))
        (out * m.tensor([1.0, 10.0])).sum().backward()
        return out.tolist(), src.grad.tolist()

    assert run(mg) == run(torch)


# ------------------------------------------------ init_schemes_gallery.py: calculate_gain's refusals


@pytest.mark.parametrize("args", [("leaky_relu", "x"), ("leaky_relu", True), ("swish",)])
def test_calculate_gain_refusals_in_pytorch_words(args: tuple[Any, ...]) -> None:
    t, m = _raised(torch, lambda lib: lib.nn.init.calculate_gain(*args)), \
        _raised(mg, lambda lib: lib.nn.init.calculate_gain(*args))
    assert isinstance(m, type(t)) and str(m) == str(t)


# ------------------------- legacy_port_warning_audit.py: checkpoint's use_reentrant warnings, word for word


@pytest.mark.parametrize("which", ["checkpoint", "checkpoint_sequential"])
def test_checkpoint_use_reentrant_warning_in_pytorch_words(which: str) -> None:
    def words(m: Any) -> list[str]:
        x = m.ones(1, 2, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if which == "checkpoint":
                m.utils.checkpoint.checkpoint(m.tanh, x)
            else:
                m.utils.checkpoint.checkpoint_sequential(m.nn.Sequential(m.nn.Tanh()), 1, x)
        return [str(w.message) for w in caught if "use_reentrant" in str(w.message)]

    assert words(mg) == words(torch)


@pytest.mark.parametrize("case", ["interpolate nearest align_corners", "pin_memory"])
def test_resampling_and_pinning_refusals_start_with_pytorch_words(case: str) -> None:
    calls: dict[str, Callable[[Any], object]] = {
        "interpolate nearest align_corners": lambda m: m.nn.functional.interpolate(
            m.ones(1, 1, 2), scale_factor=2, mode="nearest", align_corners=False),
        "pin_memory": lambda m: m.ones(2).pin_memory(),
    }
    _same_words(calls[case])


@pytest.mark.parametrize(("dst", "src"), [((2,), (3,)), ((2, 3), (3, 2)), ((3,), (2, 3)), ((2, 1), (2, 3))])
def test_copy_of_a_misfit_source_in_pytorch_words(dst: tuple[int, ...], src: tuple[int, ...]) -> None:
    _same_words(lambda m: m.ones(*dst).copy_(m.ones(*src)))
