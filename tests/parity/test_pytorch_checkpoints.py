"""``mg.load`` reads what real ``torch.save`` wrote, weights-only, as ``torch.load``'s default does."""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.pytorch_files import UnsafeCheckpointError
from tests.helpers import require_torch

torch = require_torch()
pytestmark = pytest.mark.parity


def _saved(obj: Any) -> io.BytesIO:
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return buf


def _trained() -> tuple[Any, Any]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.BatchNorm1d(4),
                                torch.nn.Linear(4, 2))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(3):
        opt.zero_grad()
        model(torch.randn(8, 3)).pow(2).mean().backward()
        opt.step()
    return model, opt


def test_a_state_dict_loads_with_its_values_dtypes_and_metadata() -> None:
    model, _ = _trained()
    sd = mg.load(_saved(model.state_dict()))
    ref = model.state_dict()
    assert list(sd) == list(ref)
    for k, v in ref.items():
        assert isinstance(sd[k], mg.Tensor)
        assert sd[k].dtype == np.dtype(str(v.dtype).removeprefix("torch."))
        np.testing.assert_array_equal(sd[k].numpy(), v.numpy())
    assert sd._metadata == ref._metadata  # (BatchNorm's version 2 reaches load_state_dict)


def test_a_checkpoint_resumes_training_as_pytorch_continues_it() -> None:
    """{'model', 'optimizer', 'epoch'} from PyTorch; one more step in each library from the same batch."""
    model, opt = _trained()
    ck = mg.load(_saved({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}))
    assert ck["epoch"] == 3
    mine = mg.nn.Sequential(mg.nn.Linear(3, 4), mg.nn.ReLU(), mg.nn.BatchNorm1d(4), mg.nn.Linear(4, 2))
    mine.load_state_dict(ck["model"])
    mopt = mg.optim.Adam(mine.parameters(), lr=0.01)
    mopt.load_state_dict(ck["optimizer"])
    x = np.random.default_rng(1).standard_normal((8, 3)).astype(np.float32)
    for lib, m, o in ((torch, model, opt), (mg, mine, mopt)):
        o.zero_grad()
        m(lib.tensor(x)).pow(2).mean().backward()
        o.step()
    for (name, p), q in zip(model.named_parameters(), mine.parameters()):
        np.testing.assert_allclose(q.detach().numpy(), p.detach().numpy(), rtol=1e-5, atol=1e-7, err_msg=name)


def test_parameters_views_and_plain_values_load_as_pytorch_gives_them() -> None:
    base = torch.arange(12.0).reshape(3, 4)
    obj = {
        "param": torch.nn.Parameter(torch.ones(2)),
        "frozen": torch.nn.Parameter(torch.ones(2), requires_grad=False),
        "t": base.t(), "row": base[1], "base": base,
        "half": torch.tensor([0.5, -2.0], dtype=torch.float16),
        "bool": torch.tensor([True, False]), "int": torch.tensor([1, -2], dtype=torch.int32),
        "size": torch.Size([2, 3]), "dtype": torch.float64, "device": torch.device("cpu"),
        "bytes": b"\x00\xffab", "tuple": (1, 2.5, "s", None), "set": {3}, "nested": [{"a": [torch.zeros(1)]}],
    }
    got = mg.load(_saved(obj))
    assert isinstance(got["param"], mg.nn.Parameter) and got["param"].requires_grad
    assert isinstance(got["frozen"], mg.nn.Parameter) and not got["frozen"].requires_grad
    np.testing.assert_array_equal(got["t"].numpy(), base.t().numpy())
    np.testing.assert_array_equal(got["row"].numpy(), [4.0, 5.0, 6.0, 7.0])
    with mg.no_grad():
        got["base"][1, 0] = 100.0  # one storage in the file: the views see it, as after torch.load
    assert got["row"][0].item() == 100.0 and got["t"][0, 1].item() == 100.0
    assert got["half"].dtype == mg.float16 and got["half"].tolist() == [0.5, -2.0]
    assert got["bool"].dtype == mg.bool and got["int"].dtype == mg.int32
    assert got["size"] == (2, 3) and got["dtype"] == mg.float64 and str(got["device"]) == "cpu"
    assert got["bytes"] == b"\x00\xffab" and got["tuple"] == (1, 2.5, "s", None) and got["set"] == {3}
    assert got["nested"][0]["a"][0].shape == (1,)


def test_bfloat16_values_load_widened_to_float32() -> None:
    t = torch.tensor([1.5, -3.0, 1e-3], dtype=torch.bfloat16)
    got = mg.load(_saved(t))
    assert got.dtype == mg.float32
    np.testing.assert_array_equal(got.numpy(), t.float().numpy())


@pytest.mark.parametrize("what", ["model", "numpy scalar", "function"])
def test_pickled_objects_are_refused_as_pytorchs_weights_only_load_refuses_them(what: str, tmp_path: Path
                                                                                ) -> None:
    obj = {"model": torch.nn.Linear(2, 2), "numpy scalar": {"x": np.float64(2.0)}, "function": print}[what]
    path = tmp_path / "x.pt"
    torch.save(obj, path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)
    with pytest.raises(UnsafeCheckpointError, match="Weights only load failed"):
        mg.load(path)


def test_a_truncated_storage_is_reported() -> None:
    import zipfile

    src = zipfile.ZipFile(_saved({"w": torch.ones(4)}))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data[:3] if name.endswith("data/0") else data)
    out.seek(0)
    with pytest.raises(mg.MinigradError, match="truncated"):
        mg.load(out)
