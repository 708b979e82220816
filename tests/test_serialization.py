"""mg.save / mg.load: round trips, the pickle-free format, atomic writes, damaged files."""

from __future__ import annotations

import errno
import io
import os
import pickle
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, serialization


def _state() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "fc1.weight": rng.standard_normal((4, 3)).astype(np.float32),
        "fc1.bias": rng.standard_normal(4),
        "bn.num_batches_tracked": np.array(7, dtype=np.int64),
        "mask": np.array([True, False]),
    }


def _assert_same(a: Any, b: Any) -> None:
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _assert_same(x, y)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    else:
        assert a == b


def test_flat_state_dict_round_trip_and_plain_numpy_readable(tmp_path: Path) -> None:
    sd = _state()
    path = tmp_path / "model.npz"
    mg.save(sd, path)
    _assert_same(mg.load(path), sd)
    with np.load(path, allow_pickle=False) as f:
        assert sorted(f.files) == sorted(sd)  # nothing extra in a flat checkpoint
        np.testing.assert_array_equal(f["fc1.weight"], sd["fc1.weight"])


def test_tensors_come_back_as_tensors_and_arrays_as_arrays(tmp_path: Path) -> None:
    """As torch.load: a Tensor saved loads as a Tensor; a flat dict of Tensors stays numpy-readable."""
    t = mg.Tensor([[1.0, 2.0]])
    path = tmp_path / "t.npz"
    mg.save({"t": t, "i": mg.tensor([1, 2])}, str(path))
    out = mg.load(str(path))
    assert type(out["t"]) is mg.Tensor and out["t"].dtype == np.float32 and not out["t"].requires_grad
    np.testing.assert_array_equal(out["t"].numpy(), t.numpy())
    assert out["i"].dtype == np.int64
    with np.load(path, allow_pickle=False) as f:
        assert sorted(f.files) == ["i", "t"]  # nothing extra: the zip comment marks them as Tensors
    mg.save({"a": np.ones(2)}, path)
    assert isinstance(mg.load(path)["a"], np.ndarray)


def test_nested_checkpoint_round_trip(tmp_path: Path) -> None:
    ckpt = {
        "model": _state(),
        "optim": {"state": {0: {"step": 3, "exp_avg": np.ones(3)}, 2: {"momentum_buffer": np.zeros((2, 2))}},
                  "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "amsgrad": False, "params": [0, 1, 2],
                                    "name": None}]},
        "epoch": 3,
        "loss": float("nan"),
        "best": float("inf"),
        "tag": "run/ä",
        "history": [1.0, 2, [3.5, "x"]],
        "weird/key": {"a/b": np.arange(3), "": 1},
    }
    path = tmp_path / "ckpt.npz"
    mg.save(ckpt, path)
    _assert_same(mg.load(path), ckpt)
    with np.load(path, allow_pickle=False) as f:  # still a plain npz: arrays under their key paths
        np.testing.assert_array_equal(f["optim/state/0/exp_avg"], np.ones(3))
        np.testing.assert_array_equal(f["model/fc1.bias"], ckpt["model"]["fc1.bias"])
        assert f[serialization.TREE_KEY].dtype == np.uint8


def test_keys_that_are_numpy_savez_argument_names_work(tmp_path: Path) -> None:
    sd = {"file": np.ones(2), "allow_pickle": np.zeros(1), "args": np.arange(2)}
    mg.save(sd, tmp_path / "k.npz")
    _assert_same(mg.load(tmp_path / "k.npz"), sd)


def test_module_state_dict_round_trip_into_a_fresh_model(tmp_path: Path) -> None:
    mg.manual_seed(0)
    a = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    a.train()
    a(mg.randn(5, 3))  # moves the BatchNorm running stats
    mg.save(a.state_dict(), tmp_path / "m.npz")
    mg.manual_seed(1)
    b = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    b.load_state_dict(mg.load(tmp_path / "m.npz"))
    a.eval()
    b.eval()
    x = mg.randn(6, 3)
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())


def test_values_the_npz_format_cannot_hold_are_pickled_and_unpicklable_ones_refused_before_writing(
        tmp_path: Path) -> None:
    path = tmp_path / "x.pt"
    with pytest.raises((pickle.PicklingError, AttributeError)):  # (what torch.save raises: pickle's error)
        mg.save({"a": lambda: 0}, path)
    assert os.listdir(tmp_path) == []
    # sets and tuple keys are pickled in torch.save's layout; a weights-only load reads them
    mg.save({"a": {3, 4}, "b": {(1, 5): mg.ones(2)}}, path)
    assert zipfile.ZipFile(path).namelist()[0] == "archive/data.pkl"
    back = mg.load(path)
    assert back["a"] == {3, 4} and back["b"][(1, 5)].tolist() == [1.0, 1.0]
    mg.save({"a": np.array([None, "x"], dtype=object)}, path)  # numpy's own pickle: trusted loads only
    with pytest.raises(pickle.UnpicklingError, match=r"Unsupported global: GLOBAL numpy"):
        mg.load(path)
    assert mg.load(path, weights_only=False)["a"].tolist() == [None, "x"]


# ---------------------------------------------------------------- atomicity

def test_crash_mid_write_keeps_the_old_checkpoint_and_leaves_no_temp_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ckpt.npz"
    old = {"w": np.arange(4.0)}
    mg.save(old, path)
    original = path.read_bytes()

    calls = {"n": 0}
    real_write = np.lib.format.write_array

    def write_then_crash(fp: Any, array: Any, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the first array went through; crash inside the second
            fp.write(b"\x93NUMPY partial garbage")
            raise KeyboardInterrupt("power cut")
        real_write(fp, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", write_then_crash)
    with pytest.raises(KeyboardInterrupt):
        mg.save({"w": np.ones((100, 100)), "b": np.ones(3)}, path)
    assert calls["n"] == 2
    assert path.read_bytes() == original
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    monkeypatch.undo()
    _assert_same(mg.load(path), old)


def test_failed_rename_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ckpt.npz"
    mg.save({"w": np.zeros(2)}, path)

    def no_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_replace)
    with pytest.raises(mg.MinigradError, match="No space left"):
        mg.save({"w": np.ones(2)}, path)
    monkeypatch.undo()
    np.testing.assert_array_equal(mg.load(path)["w"], np.zeros(2))
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_save_overwrites_atomically_and_writes_exactly_the_given_path(tmp_path: Path) -> None:
    path = tmp_path / "ckpt"  # no .npz suffix is added
    mg.save({"a": np.zeros(1)}, path)
    mg.save({"a": np.ones(1)}, path)
    assert os.listdir(tmp_path) == ["ckpt"]
    np.testing.assert_array_equal(mg.load(path)["a"], [1.0])


def test_save_into_a_missing_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(mg.MinigradError, match="cannot write"):
        mg.save({"a": np.zeros(1)}, tmp_path / "nope" / "c.npz")


# ---------------------------------------------------------------- damaged files

@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "good.npz"
    mg.save({"model": _state(), "step": 4}, path)
    return path


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_truncated_file_raises_minigrad_error(saved: Path, keep: float) -> None:
    raw = saved.read_bytes()
    saved.write_bytes(raw[: int(len(raw) * keep)])
    with pytest.raises(mg.MinigradError, match=r"truncated or corrupted|empty file") as info:
        mg.load(saved)
    assert str(saved) in str(info.value)


def test_every_flipped_byte_is_detected_or_harmless(saved: Path) -> None:
    """A flipped byte anywhere raises MinigradError or (zip header padding) loads the same data."""
    raw = saved.read_bytes()
    good = mg.load(saved)
    silent = 0
    for pos in range(0, len(raw), 11):
        bad = bytearray(raw)
        bad[pos] ^= 0x5A
        saved.write_bytes(bytes(bad))
        try:
            out = mg.load(saved)
        except mg.MinigradError:
            continue
        try:
            _assert_same(out, good)
        except AssertionError:
            silent += 1
    assert silent == 0


def test_corrupted_array_bytes_fail_the_checksum(saved: Path) -> None:
    raw = bytearray(saved.read_bytes())
    # The first member is model/fc1.weight: a 128-byte .npy header, then 48 bytes of float32 data.
    start = raw.index(b"\x93NUMPY") + 128 + 20
    raw[start] ^= 0xFF
    saved.write_bytes(bytes(raw))
    with pytest.raises(mg.MinigradError, match=r"CRC|corrupted"):
        mg.load(saved)


@pytest.mark.parametrize(("content", "match"), [
    (b"", "empty file"),
    (b"hello, this is not a checkpoint", "not an .npz archive"),
    (b"\x80\x04\x95pickle-looking bytes", "not an .npz archive"),
])
def test_non_npz_files_raise(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "f.npz"
    path.write_bytes(content)
    with pytest.raises(mg.MinigradError, match=match):
        mg.load(path)


def test_missing_file_directory_and_single_npy(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"missing\.npz") as info:
        mg.load(tmp_path / "missing.npz")
    assert info.value.errno == errno.ENOENT and info.value.filename == str(tmp_path / "missing.npz")
    with pytest.raises(IsADirectoryError, match="directory"):
        mg.load(tmp_path)
    np.save(tmp_path / "a.npy", np.ones(3))
    with pytest.raises(mg.MinigradError, match=r"single \.npy"):
        mg.load(tmp_path / "a.npy")


def test_object_arrays_are_never_unpickled(tmp_path: Path) -> None:
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([{"x": 1}], dtype=object))  # written by someone else, with pickle
    with pytest.raises(mg.MinigradError, match="pickle"):
        mg.load(path)


def test_foreign_or_damaged_structure_entry(tmp_path: Path) -> None:
    path = tmp_path / "s.npz"
    for payload, match in [
        (b"{not json", "corrupted structure"),
        (b'{"format": "other", "tree": {}}', "not minigrad's"),
        (b'{"format": "minigrad-checkpoint", "version": 99, "tree": {}}', "newer minigrad"),
        (b'{"format": "minigrad-checkpoint", "version": 1, "tree": {"array": "gone"}}', "not in the file"),
        (b'{"format": "minigrad-checkpoint", "version": 2, "tree": {"tensor": 5}}', "not in the file"),
        (b'{"format": "minigrad-checkpoint", "version": 1, "tree": {"dict": [[["q", 1], {"value": 1}]]}}',
         "malformed key"),
    ]:
        with zipfile.ZipFile(path, "w") as zf, zf.open(serialization.TREE_KEY + ".npy", "w") as f:
            np.lib.format.write_array(f, np.frombuffer(payload, dtype=np.uint8))
        with pytest.raises(mg.MinigradError, match=match):
            mg.load(path)


def test_plain_npz_from_numpy_loads_as_flat_dict(tmp_path: Path) -> None:
    path = tmp_path / "plain.npz"
    np.savez(path, a=np.ones(2), b=np.arange(3))
    _assert_same(mg.load(path), {"a": np.ones(2), "b": np.arange(3)})


# ---------------------------------------------------------------- PyTorch-style save/load

def test_any_nesting_round_trips_with_tensor_kinds_kept(tmp_path: Path) -> None:
    mg.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = mg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(mg.randn(4, 3)).sum().backward()
    opt.step()
    w = mg.tensor([1.0, -2.0], requires_grad=True)
    ckpt = {"model": model.state_dict(), "optimizer": opt.state_dict(), "step": 100,
            "params": [model.weight, w], "pair": (mg.tensor(3), None, "x"), "raw": np.arange(3)}
    path = tmp_path / "ckpt.pt"
    mg.save(ckpt, path)
    back = mg.load(path, map_location="cpu", weights_only=True)
    assert back["step"] == 100 and back["pair"][1:] == (None, "x")
    assert isinstance(back["raw"], np.ndarray)
    assert type(back["pair"][0]) is mg.Tensor and back["pair"][0].item() == 3
    p, t = back["params"]
    assert isinstance(p, nn.Parameter) and p.requires_grad and p.is_leaf
    np.testing.assert_array_equal(p.detach().numpy(), model.weight.detach().numpy())
    assert type(t) is mg.Tensor and t.requires_grad and t.tolist() == [1.0, -2.0]
    fresh_opt = mg.optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1, momentum=0.9)
    fresh_opt.load_state_dict(back["optimizer"])
    assert fresh_opt.state_dict()["state"][0]["momentum_buffer"].shape == (2, 3)


def test_top_level_values_other_than_dicts(tmp_path: Path) -> None:
    for obj in (mg.tensor([[1.5]]), [1, mg.tensor(2.0)], 3.5, None, "text", np.ones(2)):
        mg.save(obj, tmp_path / "x")
        back = mg.load(tmp_path / "x")
        if isinstance(obj, list):
            assert back[0] == 1 and type(back[1]) is mg.Tensor and back[1].item() == 2.0
        elif isinstance(obj, mg.Tensor):
            assert type(back) is mg.Tensor and back.tolist() == [[1.5]]
        else:
            _assert_same(back, obj)


def test_open_binary_files_and_buffers(tmp_path: Path) -> None:
    buf = io.BytesIO()
    mg.save({"w": mg.ones(2, 2), "n": 7}, buf)
    buf.seek(0)
    back = mg.load(buf)
    assert back["n"] == 7 and back["w"].tolist() == [[1.0, 1.0], [1.0, 1.0]]
    with open(tmp_path / "f.npz", "wb") as f:
        mg.save({"a": np.arange(4)}, f)
    with open(tmp_path / "f.npz", "rb") as f:
        np.testing.assert_array_equal(mg.load(f)["a"], np.arange(4))


def test_a_whole_module_is_pickled_and_loads_only_with_weights_only_false(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 3))
    opt = mg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(mg.randn(4, 2)).sum().backward()
    opt.step()
    path = tmp_path / "m.pt"
    mg.save({"model": model, "first": model[0], "opt": opt}, path)
    with pytest.raises(pickle.UnpicklingError,
                       match=r"weights_only=False.*GLOBAL minigrad\.nn\.container\.Sequential"):
        mg.load(path)
    back = mg.load(path, weights_only=False)
    m2, opt2 = back["model"], back["opt"]
    assert back["first"] is m2[0] and type(m2[0].weight) is nn.Parameter and m2[0].weight.grad is None
    model.eval()
    m2.eval()
    x = mg.randn(5, 2)
    np.testing.assert_array_equal(m2(x).detach().numpy(), model(x).detach().numpy())
    assert opt2.param_groups[0]["params"][0] is m2[0].weight  # the optimizer holds the loaded parameters
    np.testing.assert_array_equal(opt2.state[m2[0].weight]["momentum_buffer"].numpy(),
                                  opt.state[model[0].weight]["momentum_buffer"].numpy())


def test_torch_load_arguments_are_accepted_and_accelerators_refused(tmp_path: Path) -> None:
    mg.save({"a": np.ones(1)}, tmp_path / "c")
    for kwargs in ({"map_location": "cpu"}, {"map_location": {"cuda:0": "cpu"}},
                   {"map_location": lambda storage, loc: storage}, {"weights_only": False},
                   {"mmap": True}, {"map_location": None, "weights_only": True, "mmap": False}):
        np.testing.assert_array_equal(mg.load(tmp_path / "c", **kwargs)["a"], [1.0])
    with pytest.raises(mg.MinigradError, match="CPU only"):
        mg.load(tmp_path / "c", map_location="cuda")


def test_a_pickle_outside_pytorchs_layout_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as zf:  # a pickle and raw data, but no version entry: not torch.save's
        zf.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
        zf.writestr("archive/data/0", b"\x00" * 16)
    with pytest.raises(mg.MinigradError, match=r"holds a pickle, but not in the layout of PyTorch"):
        mg.load(path)


@pytest.mark.parametrize("payload", [
    b"cos\nsystem\n(S'touch PWNED'\ntR.",  # os.system('touch PWNED')
    b"cbuiltins\neval\n(S'open(\"PWNED\", \"w\")'\ntR.",
    b"ctorch._utils\n_rebuild_tensor_v2\n(cposix\nsystem\n(S'touch PWNED'\ntRK\x00tR.",
])
def test_a_pytorch_checkpoint_naming_code_is_refused_before_anything_runs(
        tmp_path: Path, payload: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """torch.save's layout with a malicious pickle: the weights-only unpickler refuses the name."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("archive/data.pkl", payload)
        zf.writestr("archive/version", b"3\n")
        zf.writestr("archive/byteorder", b"little")
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        mg.load(path)
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_saved_files_get_the_permissions_of_any_new_file(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        (tmp_path / "plain").write_bytes(b"")
        mg.save({"a": np.ones(1)}, tmp_path / "ckpt.npz")
    finally:
        os.umask(old)
    expected = stat.S_IMODE(os.stat(tmp_path / "plain").st_mode)
    assert expected == 0o666 & ~umask
    assert stat.S_IMODE(os.stat(tmp_path / "ckpt.npz").st_mode) == expected


def test_replacing_a_checkpoint_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "ckpt.npz"
    mg.save({"a": np.ones(1)}, path)
    os.chmod(path, 0o640)
    mg.save({"a": np.zeros(1)}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    np.testing.assert_array_equal(mg.load(path)["a"], [0.0])


def test_saved_state_dict_loads_as_tensors_under_the_torch_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    # (progs15) under python -m minigrad.compat, torch.load(buf)["model"]["w"] printed as a numpy array
    # ([1. 1.]) where PyTorch prints tensor([1., 1.]); as minigrad a saved array still loads as an array
    torch = pytest.importorskip("torch")
    from minigrad import _format

    lin, tlin = mg.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    with mg.no_grad():
        lin.weight.copy_(mg.tensor([[0.5, -1.25]]))
        lin.bias.zero_()
    with torch.no_grad():
        tlin.weight.copy_(torch.tensor([[0.5, -1.25]]))
        tlin.bias.zero_()
    for tree in (False, True):
        monkeypatch.setattr(_format, "NAMESPACE", "minigrad")  # (saved by minigrad code: an .npz)
        buf = io.BytesIO()
        mg.save({"model": lin.state_dict(), "step": 3} if tree else lin.state_dict(), buf)
        buf.seek(0)
        plain = mg.load(buf)
        plain = plain["model"] if tree else plain
        assert type(plain["weight"]) is np.ndarray
        monkeypatch.setattr(_format, "NAMESPACE", "torch")
        buf.seek(0)
        loaded = mg.load(buf)
        loaded = loaded["model"] if tree else loaded
        assert repr(loaded["weight"]) == repr(tlin.state_dict()["weight"]) == "tensor([[ 0.5000, -1.2500]])"
        assert repr(loaded["bias"].shape) == "torch.Size([1])"
        assert isinstance(loaded["weight"], mg.Tensor)  # (a torch.Tensor to the script, as PyTorch loads it)
        monkeypatch.setattr(_format, "NAMESPACE", "minigrad")
    # a plain numpy array a PyTorch script saves is pickled as one, as PyTorch pickles it: it loads as an
    # array with weights_only=False, and a weights-only load refuses it, as PyTorch's (torch.load too)
    monkeypatch.setattr(_format, "NAMESPACE", "torch")
    for obj in ({"stats": np.arange(3.0)}, {"stats": np.arange(3.0), "step": 1}):
        buf = io.BytesIO()
        mg.save(obj, buf)
        buf.seek(0)
        assert type(mg.load(buf, weights_only=False)["stats"]) is np.ndarray
        for lib in (mg, torch):
            buf.seek(0)
            with pytest.raises(pickle.UnpicklingError, match="numpy"):
                lib.load(buf)
