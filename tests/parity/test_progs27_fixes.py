"""Differences found while writing progs27's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import _format
from minigrad.nn.module import Parameter
from tests.helpers import require_torch

torch = require_torch()


def _round_trip(lib: Any, obj: Any) -> Any:
    buf = io.BytesIO()
    lib.save(obj, buf)
    buf.seek(0)
    return lib.load(buf)


def _views(lib: Any) -> dict[str, Any]:
    base = lib.arange(12.0)
    grid = base.view(3, 4)
    return {"base": base, "tail": base[3:], "col": grid[:, 1], "t": grid.t(), "alone": lib.ones(2),
            "nested": [grid[1], (base[::2],)]}


_PICKS: dict[str, Callable[[Any], Any]] = {
    "tail": lambda d: d["tail"], "col": lambda d: d["col"], "t": lambda d: d["t"],
    "row": lambda d: d["nested"][0], "even": lambda d: d["nested"][1][0], "alone": lambda d: d["alone"]}


@pytest.mark.parametrize("pick", sorted(_PICKS))
def test_saved_views_of_one_tensor_load_sharing_memory(pick: str) -> None:
    """torch.save keeps tensors that view one storage sharing it: after torch.load, writing into the loaded
    base shows through every loaded view (same offsets and strides). minigrad saved each view as its own
    copy, so an edit of one left the others as they were."""
    want, got = _round_trip(torch, _views(torch)), _round_trip(mg, _views(mg))
    for loaded in (want, got):
        loaded["base"][5] = 50.0
    w, g = _PICKS[pick](want), _PICKS[pick](got)
    assert g.tolist() == w.tolist()
    assert tuple(g.stride()) == tuple(w.stride())
    assert g.data_ptr() - got["base"].data_ptr() == w.data_ptr() - want["base"].data_ptr() or pick == "alone"


def test_saved_parameter_and_view_of_its_data_share_after_load() -> None:
    """A Parameter saved with a view of its data: both load back on one memory, the Parameter still one."""
    data = np.arange(4, dtype=np.float32)
    p_t = torch.nn.Parameter(torch.tensor(data))
    p_m = Parameter(mg.tensor(data))
    want = _round_trip(torch, {"p": p_t, "v": p_t.data[1:]})
    got = _round_trip(mg, {"p": p_m, "v": p_m.data[1:]})
    for loaded in (want, got):
        loaded["v"].zero_()
    assert type(got["p"]).__name__ == type(want["p"]).__name__ == "Parameter"
    assert got["p"].requires_grad == want["p"].requires_grad
    assert got["p"].tolist() == want["p"].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_unshared_tensors_keep_one_entry_per_path() -> None:
    """Tensors that share nothing are stored as before, each under its own path (readable by numpy)."""
    buf = io.BytesIO()
    mg.save({"a": mg.ones(2), "b": {"c": mg.zeros(3)}}, buf)
    buf.seek(0)
    with np.load(buf) as archive:
        assert sorted(archive.files) == ["__minigrad_tree__", "a", "b/c"]


def _meta(lib: Any) -> dict[str, Any]:
    return {"shape": lib.ones(2, 3).shape, "dtype": lib.float16, "long": lib.long,
            "device": lib.device("cpu"), "inside": [lib.zeros(4, 1).shape, (lib.float64,)]}


@pytest.mark.parametrize("key", ["shape", "dtype", "long", "device", "inside"])
def test_checkpoint_metadata_loads_as_saved(key: str) -> None:
    """A checkpoint's metadata may hold x.shape, a dtype or a device (all in torch.load's weights-only
    allowlist): PyTorch loads each back as it was. minigrad refused the dtype and device
    (UnsupportedValueError) and loaded a Size as a plain tuple (printed (2, 3), not torch.Size([2, 3]))."""
    assert _plain(_round_trip(mg, _meta(mg))[key]) == _plain(_round_trip(torch, _meta(torch))[key])


def _plain(value: Any) -> Any:
    """``value`` with dtypes as their names and containers tagged by kind, to compare across the two."""
    if isinstance(value, (torch.dtype, np.dtype)):
        return ("dtype", str(value).removeprefix("torch."))
    if isinstance(value, (torch.Size, mg.Size)):
        return ("Size", tuple(value))
    if isinstance(value, (torch.device, mg.device)):
        return ("device", str(value))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_plain(v) for v in value])
    return value


def test_weighted_sampler_weights_are_a_float64_tensor_read_each_pass() -> None:
    """WeightedRandomSampler.weights is a float64 tensor in PyTorch (scripts print it, or assign new weights
    between epochs, which the next pass draws from); minigrad kept a numpy array and drew from its copy."""
    want_s = torch.utils.data.WeightedRandomSampler([0.1, 0.9, 0.5], 6,
                                                    generator=torch.Generator().manual_seed(1))
    got_s = mg.utils.data.WeightedRandomSampler([0.1, 0.9, 0.5], 6, generator=mg.Generator().manual_seed(1))
    assert isinstance(got_s.weights, mg.Tensor) and got_s.weights.dtype == mg.float64
    assert got_s.weights.tolist() == want_s.weights.tolist()
    assert list(got_s) == list(want_s)
    want_s.weights = torch.tensor([0.0, 0.0, 1.0], dtype=torch.float64)
    got_s.weights = mg.tensor([0.0, 0.0, 1.0], dtype=mg.float64)
    assert list(got_s) == list(want_s) == [2] * 6


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_clip_grad_norm_non_finite_error_starts_with_pytorchs_message(bad: float) -> None:
    """clip_grad_norm_(error_if_nonfinite=True) on a non-finite total norm: minigrad's message put the norm
    in the middle of PyTorch's sentence, so a script printing the error read differently."""
    messages = []
    for lib in (torch, mg):
        p = lib.nn.Parameter(lib.ones(2))
        p.grad = lib.tensor([1.0, bad])
        with pytest.raises(RuntimeError) as info:
            lib.nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
        messages.append(str(info.value))
    assert messages[1].startswith(messages[0]), messages


def test_tied_state_dict_loads_with_its_tied_entries_sharing_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tied model's state_dict (embedding and output layer one Parameter) saved flat: PyTorch loads both
    keys onto one storage (an in-place edit of one shows in the other); minigrad loaded two copies."""
    monkeypatch.setattr(_format, "NAMESPACE", "torch")  # as under python -m minigrad.compat: Tensor values
    loaded = []
    for lib in (torch, mg):
        emb, out = lib.nn.Embedding(5, 3), lib.nn.Linear(3, 5, bias=False)
        out.weight = emb.weight
        state = lib.nn.ModuleDict({"emb": emb, "out": out}).state_dict()
        got = _round_trip(lib, state)
        got["emb.weight"].zero_()
        loaded.append(got)
    want, got = loaded
    assert type(got).__name__ == type(want).__name__ == "OrderedDict"
    assert list(got) == list(want)
    assert got["out.weight"].abs().sum().item() == want["out.weight"].abs().sum().item() == 0.0
