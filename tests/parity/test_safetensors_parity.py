"""minigrad.safetensors against the Hugging Face ``safetensors`` package and PyTorch."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad import safetensors as st
from tests.helpers import assert_close, require_torch

if os.environ.get("MINIGRAD_REQUIRE_TORCH"):  # CI installs the parity extra: no silent skip there
    import safetensors  # noqa: F401
hf_numpy: Any = pytest.importorskip("safetensors.numpy")

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_,
          np.uint16, np.uint32, np.uint64]


def arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    out = {f"layer{i}.{np.dtype(dt).name}": (rng.standard_normal((3, i + 1)) * 40).astype(dt)
           for i, dt in enumerate(DTYPES)}
    out["scalar"] = np.array(-1.25, np.float32)
    out["empty"] = np.zeros((0, 3), np.int64)
    out["ünï"] = np.arange(5, dtype=np.int16)
    return out


def test_our_bytes_are_the_librarys_bytes() -> None:
    data = arrays()
    assert st.save(data) == hf_numpy.save(data)
    assert st.save(data, metadata={"format": "np"}) == hf_numpy.save(data, metadata={"format": "np"})
    one = {"w": np.ones((2, 2), np.float32)}
    assert st.save(one) == hf_numpy.save(one)


def test_the_library_reads_our_files(tmp_path: Path) -> None:
    from safetensors import safe_open

    data = arrays()
    st.save_file({k: mg.from_numpy(v) for k, v in data.items()}, tmp_path / "ours.safetensors",
                 metadata={"step": "7", "note": "from minigrad"})
    back = hf_numpy.load_file(str(tmp_path / "ours.safetensors"))
    assert set(back) == set(data)
    for k, v in data.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape, k
        np.testing.assert_array_equal(back[k], v)
    with safe_open(str(tmp_path / "ours.safetensors"), framework="np") as f:
        assert f.metadata() == {"step": "7", "note": "from minigrad"}


def test_we_read_the_librarys_files(tmp_path: Path) -> None:
    data = arrays()
    hf_numpy.save_file(data, str(tmp_path / "theirs.safetensors"), metadata={"k": "v", "a": "b"})
    back = st.load_file(tmp_path / "theirs.safetensors")
    assert set(back) == set(data)
    for k, v in data.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape, k
        np.testing.assert_array_equal(back[k].numpy(), v)
    assert st.load_metadata(tmp_path / "theirs.safetensors") == {"k": "v", "a": "b"}


def test_state_dict_loads_into_torch_by_key_and_back(tmp_path: Path) -> None:
    torch = require_torch()
    from safetensors.torch import load_file as torch_load_file
    from safetensors.torch import save_file as torch_save_file

    mg.manual_seed(0)
    ours = nn.Sequential(nn.Linear(5, 7, dtype=mg.float64), nn.BatchNorm1d(7, dtype=mg.float64), nn.ReLU(),
                         nn.Linear(7, 3, dtype=mg.float64))
    ours(mg.randn(8, 5, dtype=mg.float64))  # running statistics move off their defaults
    theirs = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.BatchNorm1d(7), torch.nn.ReLU(),
                                 torch.nn.Linear(7, 3)).double()
    st.save_file(ours.state_dict(), tmp_path / "m.safetensors")
    theirs.load_state_dict(torch_load_file(str(tmp_path / "m.safetensors")))  # strict: every key matches
    ours.eval()
    theirs.eval()
    x = np.random.default_rng(3).standard_normal((4, 5))
    assert_close(ours(mg.tensor(x)), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12, atol=1e-12)

    torch.manual_seed(1)
    torch_model = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.BatchNorm1d(7), torch.nn.ReLU(),
                                      torch.nn.Linear(7, 3)).double()
    torch_save_file(torch_model.state_dict(), str(tmp_path / "t.safetensors"))
    ours.load_state_dict(st.load_file(tmp_path / "t.safetensors"))
    torch_model.eval()
    assert_close(ours(mg.tensor(x)), torch_model(torch.tensor(x)).detach().numpy(), rtol=1e-12, atol=1e-12)
