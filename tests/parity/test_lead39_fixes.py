"""Differences the lead found in session 39, each compared with PyTorch on its own."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.utils import benchmark as mg_benchmark
from tests.helpers import require_torch

torch = require_torch()
import torch.utils.benchmark as torch_benchmark  # noqa: E402 - after require_torch's skip


@pytest.mark.parametrize("method", ["repeat", "autorange"])
def test_benchmark_timer_repeat_and_autorange_raise_as_pytorch(method: str) -> None:
    """timeit.Timer's repeat/autorange were missing (AttributeError); PyTorch's Timer has both and raises
    NotImplementedError pointing at blocked_autorange, which a script catching it relies on."""
    def raised(bench: Any, lib: Any) -> tuple[type, str]:
        with pytest.raises(Exception) as info:
            getattr(bench.Timer(stmt="x + 1", globals={"x": lib.ones(3)}), method)()
        return type(info.value), str(info.value)

    assert raised(mg_benchmark, mg) == raised(torch_benchmark, torch)


def _flag_cases(lib: Any) -> dict[str, Any]:
    nn = lib.nn
    lib.manual_seed(0)
    x2, x3, x4 = lib.randn(4, 3), lib.randn(2, 5, 4), lib.randn(2, 3, 4, 4)
    idx = lib.tensor([1, 2])
    return {
        "Linear(bias)": lambda v: nn.Linear(3, 2, bias=v)(x2),
        "Conv2d(bias)": lambda v: nn.Conv2d(3, 2, 3, bias=v)(x4),
        "ReLU(inplace)": lambda v: nn.ReLU(v)(x2.clone()),
        "BatchNorm1d(affine)": lambda v: nn.BatchNorm1d(3, affine=v)(x2),
        "BatchNorm1d(track_running_stats)": lambda v: nn.BatchNorm1d(3, track_running_stats=v)(x2),
        "LayerNorm(elementwise_affine)": lambda v: nn.LayerNorm(3, elementwise_affine=v)(x2),
        "MHA(batch_first)": lambda v: nn.MultiheadAttention(4, 2, batch_first=v)(x3, x3, x3)[0],
        "TransformerEncoderLayer(norm_first)": lambda v: nn.TransformerEncoderLayer(4, 2, 8, 0.0,
                                                                                    norm_first=v)(x3),
        "GRUCell(bias)": lambda v: nn.GRUCell(3, 2, bias=v)(x2),
        "MaxPool2d(return_indices)": lambda v: nn.MaxPool2d(2, return_indices=v)(x4),
        "MaxPool2d(ceil_mode)": lambda v: nn.MaxPool2d(3, 2, ceil_mode=v)(x4),
        "AvgPool2d(count_include_pad)": lambda v: nn.AvgPool2d(3, 2, 1, count_include_pad=v)(x4),
        "Embedding(sparse)": lambda v: nn.Embedding(5, 2, sparse=v)(idx),
        "KLDivLoss(log_target)": lambda v: nn.KLDivLoss(reduction="batchmean", log_target=v)(x2, x2),
        "PairwiseDistance(keepdim)": lambda v: nn.PairwiseDistance(keepdim=v)(x2, x2 + 1),
        "LSTM(bidirectional)": lambda v: nn.LSTM(4, 3, bidirectional=v)(x3)[0],
        "F.rrelu(training)": lambda v: nn.functional.rrelu(x2, training=v),
        "pack_padded_sequence(batch_first)": lambda v: nn.utils.rnn.pack_padded_sequence(
            x3, [5, 4] if v else [2, 2, 1, 1, 1], batch_first=v).data,
        "DataLoader(shuffle)": lambda v: [b.tolist() for b in lib.utils.data.DataLoader(
            list(range(4)), shuffle=v, generator=lib.Generator().manual_seed(1))],
    }


@pytest.mark.parametrize("case", list(_flag_cases(torch)))
@pytest.mark.parametrize("value", [1, 0, np.int64(1), None])
def test_int_and_none_settings_as_pytorch_reads_them(case: str, value: Any) -> None:
    """Modules read an on/off setting given as 0/1 or None (a config file's) by its truth value, as
    PyTorch's Python modules do (minigrad refused them all); where PyTorch hands the setting to a C++
    kernel that takes only a bool, its TypeError is raised (minigrad's error was not a TypeError)."""
    want_fn, got_fn = _flag_cases(torch)[case], _flag_cases(mg)[case]
    try:
        want = want_fn(value)
    except TypeError:
        with pytest.raises(TypeError) as info:
            got_fn(value)
        assert isinstance(info.value, mg.InvalidParameterError) and repr(value) in str(info.value)
        return
    got = got_fn(value)
    if isinstance(want, list):
        assert got == want
        return
    assert isinstance(got, tuple) == isinstance(want, tuple)  # (return_indices: values and indices)
    for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), rtol=1e-5, atol=1e-6)
