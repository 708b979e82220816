"""lead42: whole objects in checkpoints, as ``torch.save`` pickles them and ``torch.load`` reads them.

PyTorch's saving tutorial saves a whole model (``torch.save(model, PATH)``) and loads it with
``torch.load(PATH, weights_only=False)``; scripts keep an ``argparse.Namespace`` beside the state dicts.
minigrad refused to save any object (its checkpoints are pickle-free). Now what the pickle-free format
cannot hold is pickled in ``torch.save``'s layout, and ``load`` builds such objects only when asked with
``weights_only=False``, exactly where PyTorch 2.6+ does; the default refuses them with PyTorch's
``pickle.UnpicklingError``.
"""

from __future__ import annotations

import argparse
import io
import pickle
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.helpers import require_torch


def _torch_model(torch: Any) -> Any:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                               torch.nn.Linear(4, 2))


def test_a_model_pytorch_pickled_loads_as_minigrads_modules_only_with_weights_only_false(
        tmp_path: Path) -> None:
    torch = require_torch()
    model = _torch_model(torch)
    model(torch.randn(8, 3))  # (running statistics that differ from their initial values)
    model.eval()
    path = tmp_path / "model.pt"
    torch.save(model, path)
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(path)
    with pytest.raises(pickle.UnpicklingError) as ours:
        mg.load(path)
    for e in (theirs.value, ours.value):
        assert str(e).startswith("Weights only load failed") and \
            "Unsupported global: GLOBAL torch.nn.modules.container.Sequential" in str(e)
    got = mg.load(path, weights_only=False)
    assert isinstance(got, nn.Sequential) and isinstance(got[1], nn.BatchNorm1d)
    assert type(got[0].weight) is nn.Parameter and not got.training
    assert list(got.state_dict()) == list(model.state_dict())
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(got(mg.tensor(x)).detach().numpy(),
                               model(torch.tensor(x)).detach().numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("lib_name", ["torch", "minigrad"])
def test_objects_in_a_checkpoint_round_trip_as_in_pytorch(lib_name: str) -> None:
    torch = require_torch()
    lib: Any = torch if lib_name == "torch" else mg
    base = lib.arange(6.0).reshape(2, 3)
    ckpt = {"args": argparse.Namespace(lr=0.1, sizes=[3, 4]), "views": (base, base[1], base.t()),
            "dtypes": [lib.ones(2, dtype=lib.float16), lib.tensor([True, False]), lib.tensor(7),
                       lib.zeros(0, 3), lib.tensor([-3, 4], dtype=lib.int8)], "tags": {"a", "b"}}
    buf = io.BytesIO()
    lib.save(ckpt, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match=r"argparse\.Namespace"):
        lib.load(buf)
    buf.seek(0)
    back = lib.load(buf, weights_only=False)
    assert back["args"] == argparse.Namespace(lr=0.1, sizes=[3, 4]) and back["tags"] == {"a", "b"}
    views = back["views"]
    assert views[2].stride() == (1, 3) and views[1].tolist() == [3.0, 4.0, 5.0]
    views[0][1, 0] = 100.0  # one storage, as saved: the views see the write
    assert views[1][0].item() == 100.0 and views[2][0, 1].item() == 100.0
    got = [(str(t.dtype).split(".")[-1], tuple(t.shape), t.tolist()) for t in back["dtypes"]]
    assert got == [("float16", (2,), [1.0, 1.0]), ("bool", (2,), [True, False]), ("int64", (), 7),
                   ("float32", (0, 3), []), ("int8", (2,), [-3, 4])]


def test_weights_only_resolves_as_in_pytorch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    torch = require_torch()
    path = tmp_path / "ns.pt"
    for lib in (torch, mg):
        lib.save({"args": argparse.Namespace(a=1)}, path)
        assert lib.load(path, pickle_module=pickle)["args"].a == 1  # a pickle module: not weights-only
        with pytest.raises(RuntimeError, match=r"^Can not safely load weights when explicit pickle_module"):
            lib.load(path, pickle_module=pickle, weights_only=True)
        monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
        with pytest.raises(pickle.UnpicklingError):
            lib.load(path, weights_only=False)
        monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "yes")
        with pytest.raises(RuntimeError, match=r"^Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD`"):
            lib.load(path)
        monkeypatch.delenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD")
        with pytest.warns(UserWarning, match="forcing weights_only=False"):
            assert lib.load(path)["args"].a == 1
        with pytest.raises(pickle.UnpicklingError):  # (an explicit True is kept)
            lib.load(path, weights_only=True)
        monkeypatch.delenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD")


def test_saving_something_pickle_cannot_store_raises_pickles_error_and_writes_nothing(tmp_path: Path) -> None:
    torch = require_torch()

    def local() -> None:
        return None

    for lib in (torch, mg):
        with pytest.raises(Exception) as info:
            lib.save({"f": local}, io.BytesIO())
        assert isinstance(info.value, (pickle.PicklingError, AttributeError)), lib
    with pytest.raises((pickle.PicklingError, AttributeError)):
        mg.save({"f": local}, tmp_path / "x.pt")
    assert not list(tmp_path.iterdir())  # (atomic: PyTorch leaves a partial file here)


def test_a_trained_whole_model_resumes_training_identically() -> None:
    torch = require_torch()
    losses: dict[str, list[float]] = {}
    for name, lib in (("torch", torch), ("minigrad", mg)):
        lib.manual_seed(3)
        model = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.Tanh(), lib.nn.Linear(8, 1))
        opt = lib.optim.Adam(model.parameters(), lr=0.01)
        x, y = lib.randn(16, 4), lib.randn(16, 1)
        buf = io.BytesIO()
        for step in range(6):
            if step == 3:  # save the whole model and optimizer, load them back and go on with the copies
                lib.save({"model": model, "opt": opt}, buf)
                buf.seek(0)
                loaded = lib.load(buf, weights_only=False)
                model, opt = loaded["model"], loaded["opt"]
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
            losses.setdefault(name, []).append(loss.item())
    np.testing.assert_allclose(losses["minigrad"], losses["torch"], rtol=1e-5)


def test_jit_save_and_load_of_a_scripted_or_traced_module_give_the_same_model(tmp_path: Path) -> None:
    torch = require_torch()
    x = np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32)
    outs = {}
    for name, lib in (("torch", torch), ("minigrad", mg)):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 5), lib.nn.ReLU(), lib.nn.Linear(5, 2))
        with pytest.warns(DeprecationWarning):
            scripted = lib.jit.script(model)
        scripted.save(str(tmp_path / f"{name}_s.pt"))  # the ScriptModule method
        with pytest.warns(DeprecationWarning):
            traced = lib.jit.trace(model, lib.tensor(x))
        buf = io.BytesIO()
        saved = r"^`torch\.jit\.save` is deprecated\. Please switch to `torch\.export`\.$"
        with pytest.warns(DeprecationWarning, match=saved):
            lib.jit.save(traced, buf)
        buf.seek(0)
        with pytest.warns(DeprecationWarning, match=r"^`torch\.jit\.load` is deprecated"):
            loaded = [lib.jit.load(str(tmp_path / f"{name}_s.pt")), lib.jit.load(buf, map_location="cpu")]
        outs[name] = [m(lib.tensor(x)).detach().numpy() for m in [model, *loaded]]
    for ours, theirs in zip(outs["minigrad"], outs["torch"], strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)
    with pytest.raises(mg.UnsupportedError, match="TorchScript program"), \
            pytest.warns(DeprecationWarning):  # PyTorch's own format
        mg.jit.load(str(tmp_path / "torch_s.pt"))


def test_a_model_with_its_own_save_method_keeps_it_when_scripted() -> None:
    class Net(nn.Module):
        def save(self, path: str) -> str:
            return f"own save to {path}"

    net = Net()
    with pytest.warns(DeprecationWarning):
        assert mg.jit.script(net).save("p") == "own save to p"


def test_the_cpu_backend_switches_exist_and_answer_as_a_cpu_build_without_their_libraries() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        b = lib.backends
        assert b.mkldnn.enabled is True and b.mkldnn.deterministic is False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # (PyTorch: TF32 on oneDNN needs an Intel GPU, once)
            with b.mkldnn.flags(enabled=False):
                assert b.mkldnn.enabled is False
        assert b.mkldnn.enabled is True
        old = b.mkldnn.set_flags(_deterministic=True)
        assert b.mkldnn.deterministic is True and old[:2] == (True, False)
        b.mkldnn.set_flags(*old)
        assert b.mkldnn.deterministic is False
        with b.mkldnn.verbose(b.mkldnn.VERBOSE_OFF), b.mkl.verbose(b.mkl.VERBOSE_OFF):
            pass
        assert b.cudnn.enabled is True and b.cudnn.benchmark_limit is None
        with b.cudnn.flags(enabled=False, deterministic=True):
            assert b.cudnn.enabled is False and b.cudnn.deterministic is True
        assert b.cudnn.enabled is True and b.cudnn.deterministic is False
        assert b.cpu.get_cpu_capability() in ("AVX512", "AVX2", "DEFAULT")
        assert isinstance(b.openmp.is_available(), bool) and isinstance(b.mkl.is_available(), bool)
        assert b.opt_einsum.is_available() == (b.opt_einsum.get_opt_einsum() is not None)
    # what differs by build: PyTorch's CPU wheel has oneDNN, MKL and OpenMP; minigrad uses none of them
    assert (mg.backends.mkldnn.is_available(), mg.backends.mkl.is_available(),
            mg.backends.openmp.is_available()) == (False, False, False)
    assert mg.backends.cpu.get_cpu_capability() == torch.backends.cpu.get_cpu_capability()
    assert mg.backends.opt_einsum.is_available() == torch.backends.opt_einsum.is_available()
    assert mg.backends.opt_einsum.enabled == torch.backends.opt_einsum.enabled
    assert mg.backends.opt_einsum.strategy == torch.backends.opt_einsum.strategy


def _f(lib: Any) -> Any:
    return lib.nn.functional


_MISTAKES: dict[str, Any] = {
    "batchnorm channels": lambda t: t.nn.BatchNorm1d(3)(t.ones(4, 5)),
    "batchnorm2d channels (eval)": lambda t: t.nn.BatchNorm2d(3).eval()(t.ones(4, 5, 2, 2)),
    "batch_norm running_var": lambda t: _f(t).batch_norm(t.ones(4, 5), t.zeros(5), t.ones(3), training=True),
    "batch_norm weight": lambda t: _f(t).batch_norm(t.ones(4, 5), None, None, t.ones(3), training=True),
    "instance_norm running_mean": lambda t: _f(t).instance_norm(t.ones(2, 6, 4), t.zeros(3), t.ones(3)),
    "group_norm weight": lambda t: _f(t).group_norm(t.ones(2, 6, 4), 2, t.ones(3)),
    "one value per channel": lambda t: t.nn.BatchNorm2d(3)(t.ones(1, 3, 1, 1)),
    "one value per channel (F)": lambda t: _f(t).batch_norm(t.ones(1, 3), None, None, training=True),
    "conv kernel too big": lambda t: t.nn.Conv2d(1, 2, 3, dilation=2)(t.ones(1, 1, 4, 4)),
    "conv1d kernel too big": lambda t: t.nn.Conv1d(1, 2, 3)(t.ones(1, 1, 2)),
    "unfold kernel too big": lambda t: _f(t).unfold(t.ones(1, 1, 2, 3), 3, padding=(0, 1), stride=2),
    "cross_entropy target": lambda t: _f(t).cross_entropy(t.ones(4, 3), t.tensor([0, 1, 3, 0])),
    "nll_loss negative target": lambda t: _f(t).nll_loss(t.ones(4, 3), t.tensor([0, -2, 1, 0])),
    "bce target dtype": lambda t: _f(t).binary_cross_entropy(t.ones(2) / 2, t.tensor([0, 1])),
    "bce input dtype": lambda t: _f(t).binary_cross_entropy(t.ones(2).double() / 2, t.ones(2)),
    "bce target size": lambda t: _f(t).binary_cross_entropy(t.ones(4, 3) / 2, t.ones(4)),
    "bce_with_logits target size": lambda t: _f(t).binary_cross_entropy_with_logits(t.ones(4, 3), t.ones(4)),
    "stack sizes": lambda t: t.stack([t.ones(4, 3), t.ones(4, 3), t.ones(3, 3)]),
    "randint bounds": lambda t: t.randint(5, 2, (3,)),
    "full fill_value": lambda t: t.full((2,), "a"),
    "Dropout p": lambda t: t.nn.Dropout(1.5),
    "dropout p": lambda t: _f(t).dropout(t.ones(2), -0.1),
    "bmm inner size": lambda t: t.bmm(t.ones(2, 3, 4), t.ones(2, 5, 4)),
    "one_hot negative": lambda t: _f(t).one_hot(t.tensor([-1, 2])),
    "one_hot too few classes": lambda t: _f(t).one_hot(t.tensor([3]), num_classes=2),
    "LSTM 4-D input": lambda t: t.nn.LSTM(3, 4)(t.ones(2, 3, 4, 3)),
    "GRU 1-D input": lambda t: t.nn.GRU(3, 4)(t.ones(3)),
    "attention embed dim": lambda t: t.nn.MultiheadAttention(8, 2)(*[t.ones(3, 2, 6)] * 3),
    "permute duplicate": lambda t: t.ones(4, 3).permute(0, 0),
    "permute length": lambda t: t.ones(4, 3).permute(0),
    "topk k": lambda t: t.ones(4, 3).topk(5),
    "ragged": lambda t: t.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]]),
    "number for a sequence": lambda t: t.tensor([[1.0, 2.0], 3.0]),
    "sequence for a number": lambda t: t.tensor([1.0, [2.0]]),
    "string data": lambda t: t.tensor("a"),
    "conv 5-D input": lambda t: t.nn.Conv2d(1, 1, 3)(t.ones(1, 1, 1, 5, 5)),
    "conv1d 4-D input": lambda t: t.nn.Conv1d(1, 1, 3)(t.ones(1, 1, 1, 5)),
    "split sizes": lambda t: t.ones(4, 3).split([1, 1], 0),
    "flatten dims": lambda t: t.ones(4, 3).flatten(1, 0),
    "repeat too few": lambda t: t.ones(4, 3).repeat(2),
    "where sizes": lambda t: t.where(t.ones(3, dtype=t.bool), t.ones(2), t.ones(3)),
    "where sizes (other)": lambda t: t.where(t.ones(3, dtype=t.bool), t.ones(3), t.ones(2, 1, 4)),
    "masked_fill mask": lambda t: t.ones(4, 3).masked_fill(t.ones(2, dtype=t.bool), 0.0),
    "pad length": lambda t: _f(t).pad(t.ones(4, 3), (1, 2, 3)),
    "reflect pad too big": lambda t: _f(t).pad(t.ones(1, 1, 3), (3, 3), mode="reflect"),
}


@pytest.mark.parametrize("case", sorted(_MISTAKES))
def test_common_mistakes_start_with_pytorchs_words_and_raise_its_class(case: str) -> None:
    torch = require_torch()
    with pytest.raises(Exception) as theirs:
        _MISTAKES[case](torch)
    with pytest.raises(Exception) as ours:
        _MISTAKES[case](mg)
    assert isinstance(ours.value, type(theirs.value))
    # (minigrad code prints a shape as the tuple it is; under the torch alias it prints torch.Size([...]))
    want = re.sub(r"torch\.Size\(\[([^]]*)\]\)", lambda m: str(tuple(int(v) for v in m[1].split(", ") if v)),
                  str(theirs.value))
    assert str(ours.value).startswith(want), (str(ours.value), want)
