"""Differences found while writing progs26's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize("sizes", [(4,), (-1, 3, 4), (2, 3), (5, 6), (3, -2), (2, -1, 5), (-1, 2, 5)])
def test_expand_names_the_dim_pytorch_names(sizes: tuple[int, ...]) -> None:
    """expand checks from the last dim, so PyTorch's message names the last misfit ((3, 4) to (2, 3): dim 1,
    sizes 3 and 4); minigrad named the first (dim 0, sizes 2 and 3). Too few sizes and a leading -1 have
    PyTorch's own words."""
    data = torch.randn(3, 4)
    with pytest.raises(RuntimeError) as want:
        data.expand(*sizes)
    with pytest.raises(RuntimeError) as got:
        mg.tensor(data.numpy()).expand(*sizes)
    assert str(got.value).startswith(str(want.value)), (str(got.value), str(want.value))


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
@pytest.mark.parametrize("dim", [1, 0, -1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_an_integer_tensor_is_pytorchs_error(name: str, dim: int, dtype: str) -> None:
    """PyTorch's (log_)softmax kernels are float only: an integer or bool input raises NotImplementedError
    (naming the last-dim kernel or the general one); minigrad promoted it to float32 and answered."""
    data = torch.tensor([[1, 2], [3, 4]]).to(getattr(torch, dtype))
    with pytest.raises(NotImplementedError) as want:
        getattr(torch.nn.functional, name)(data, dim)
    with pytest.raises(NotImplementedError) as got:
        getattr(mg.nn.functional, name)(mg.tensor(data.numpy()), dim)
    assert str(got.value) == str(want.value)
    with pytest.raises(NotImplementedError):
        getattr(mg.tensor(data.numpy()), name)(dim)
    # a dtype= casts first, as PyTorch's
    want_t = getattr(torch.nn.functional, name)(data, dim, dtype=torch.float64)
    got_t = getattr(mg.nn.functional, name)(mg.tensor(data.numpy()), dim, dtype=mg.float64)
    np.testing.assert_allclose(got_t.numpy(), want_t.numpy(), rtol=1e-12)
    assert str(got_t.dtype) == str(want_t.dtype).removeprefix("torch.")


def _trunc_exp(lib: Any, deprecated: bool) -> Any:
    """torch-ngp's trunc_exp, decorated as the repositories write it (the torch.cuda.amp spelling or
    torch.amp's)."""
    fwd = lib.cuda.amp.custom_fwd(cast_inputs=lib.float32) if deprecated else \
        lib.amp.custom_fwd(device_type="cpu", cast_inputs=lib.float32)
    bwd = lib.cuda.amp.custom_bwd if deprecated else lib.amp.custom_bwd(device_type="cpu")

    class TruncExp(lib.autograd.Function):
        @staticmethod
        @fwd
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(x)
            ctx.seen = (str(ctx._dtype).removeprefix("torch."), ctx._fwd_used_autocast)
            return lib.exp(x)

        @staticmethod
        @bwd
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return g * lib.exp(x.clamp(-15, 15))

    return TruncExp


@pytest.mark.parametrize("deprecated", [False, True])
def test_amp_custom_fwd_and_custom_bwd_decorate_a_function(deprecated: bool) -> None:
    """torch.amp.custom_fwd / custom_bwd (and torch.cuda.amp's deprecated spellings, with their
    FutureWarning) were missing: a custom Function decorated with them raised AttributeError."""
    values = np.array([-20.0, 0.5, 3.0])
    results = []
    for lib in (torch, mg):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fn = _trunc_exp(lib, deprecated)
        x = lib.tensor(values, requires_grad=True)
        y = fn.apply(x)
        y.sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy(), [str(w.message) for w in caught],
                        y.grad_fn.__class__.__name__))
    (ty, tg, tw, tn), (my, mgr, mw, mn) = results
    np.testing.assert_allclose(my, ty, rtol=1e-12)
    np.testing.assert_allclose(mgr, tg, rtol=1e-12)
    assert mw == tw and len(tw) == (2 if deprecated else 0)
    assert mn == tn


def test_amp_custom_fwd_device_type_is_required_and_a_string() -> None:
    """PyTorch's errors: no device_type is Python's TypeError, a non-string one its ValueError."""
    for lib in (torch, mg):
        with pytest.raises(TypeError, match="device_type"):
            lib.amp.custom_fwd(lambda ctx, x: x)
        with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
            lib.amp.custom_fwd(device_type=3)
        with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
            lib.amp.custom_bwd(device_type=None)


def test_autograd_grad_mode_and_nn_common_types_import_paths() -> None:
    """``from torch.autograd.grad_mode import no_grad`` and ``from torch.nn.common_types import _size_2_t``
    (custom layers' annotations) raised ModuleNotFoundError under the launcher; the classes are the
    top-level ones and the aliases print as PyTorch's."""
    import torch.autograd.grad_mode as t_gm
    import torch.nn.common_types as t_ct

    from minigrad.autograd import grad_mode as m_gm
    from minigrad.nn import common_types as m_ct

    for name in m_gm.__all__:
        assert getattr(m_gm, name) is getattr(mg.grad_mode, name)
    assert set(m_gm.__all__) <= set(t_gm.__all__)
    names = [n for n in dir(t_ct) if n.startswith("_") and n.endswith("_t")]
    assert names and all(hasattr(m_ct, n) for n in names)
    for n in names:
        assert str(getattr(m_ct, n)).replace("minigrad.tensor.", "torch.") == str(getattr(t_ct, n)), n


@pytest.mark.parametrize("path", ["utils._pytree", "nn.common_types", "autograd.grad_mode"])
def test_submodules_are_attributes_after_a_bare_import(path: str) -> None:
    """After ``import torch`` alone, PyTorch's ``torch.utils._pytree.tree_map``, ``torch.nn.common_types``
    and ``torch.autograd.grad_mode`` are attributes; minigrad's were not (AttributeError) until imported."""
    import subprocess
    import sys

    code = "import {0}, functools; print(functools.reduce(getattr, {1!r}.split('.'), {0}).__name__)"
    for lib, name in (("torch", "torch"), ("minigrad", "minigrad")):
        out = subprocess.run([sys.executable, "-c", code.format(lib, path)], capture_output=True, text=True,
                             check=True).stdout.strip()
        assert out == f"{name}.{path}"


def test_torch_types_aliases() -> None:
    """``from torch.types import Number, _size`` (annotations in PyTorch-based libraries) raised
    ModuleNotFoundError under the launcher; the aliases print as PyTorch's."""
    import torch.types as t_types

    from minigrad import types as m_types

    for name in ("Number", "Device", "FileLike", "_int", "_float", "_bool", "_complex", "_size",
                 "_TensorOrTensors"):
        got = str(getattr(m_types, name)).replace("minigrad.size.Size", "torch.Size")
        assert got.replace("minigrad.tensor.", "torch.").replace("minigrad.device.", "torch.") == \
            str(getattr(t_types, name)), name
    assert set(m_types.__all__) <= set(t_types.__all__)
    assert mg.types is m_types


@pytest.mark.parametrize("case", ["number", "numbers", "non_blocking"])
def test_foreach_copy_takes_tensors_only(case: str) -> None:
    """torch._foreach_copy_(tensors, 2.0) (or a list of numbers, or a non-bool non_blocking) is PyTorch's
    argument TypeError; minigrad filled the tensors with the number."""
    def call(lib: Any) -> str:
        dst = [lib.ones(2), lib.ones(3)]
        src = [lib.zeros(2), lib.zeros(3)]
        args = {"number": (dst, 2.0), "numbers": (dst, [1.0, 2.0]), "non_blocking": (dst, src, 0.5)}[case]
        with pytest.raises(TypeError) as info:
            lib._foreach_copy_(*args)
        assert dst[0].tolist() == [1.0, 1.0]
        return str(info.value)

    assert call(mg) == call(torch)


def test_transformer_helpers_and_addindent_import_from_pytorchs_files() -> None:
    """DETR-style code imports _get_clones / _get_activation_fn from torch.nn.modules.transformer, and
    summary helpers _addindent from torch.nn.modules.module (ImportError under the launcher)."""
    from torch.nn.modules import module as t_module
    from torch.nn.modules import transformer as t_transformer

    from minigrad.nn.modules import module as m_module
    from minigrad.nn.modules import transformer as m_transformer

    layers = m_transformer._get_clones(mg.nn.Linear(3, 3), 2)
    assert isinstance(layers, mg.nn.ModuleList) and len(layers) == 2
    assert layers[0].weight is not layers[1].weight and mg.equal(layers[0].weight, layers[1].weight)
    x = np.array([-1.0, 0.5, 2.0], dtype=np.float32)
    for name in ("relu", "gelu"):
        got = m_transformer._get_activation_fn(name)(mg.tensor(x)).numpy()
        want_a = t_transformer._get_activation_fn(name)(torch.tensor(x)).numpy()
        np.testing.assert_allclose(got, want_a, rtol=1e-6)
    with pytest.raises(RuntimeError) as want:
        t_transformer._get_activation_fn("tanh")
    with pytest.raises(RuntimeError) as got_e:
        m_transformer._get_activation_fn("tanh")
    assert str(got_e.value) == str(want.value)
    for text, n in (("a\nb\nc", 4), ("single", 2), ("", 3)):
        assert m_module._addindent(text, n) == t_module._addindent(text, n)


def test_hub_load_state_dict_from_url_caches_and_loads(tmp_path: Any, capsys: Any) -> None:
    """torchvision-style model files import torch.hub.load_state_dict_from_url (and old ones
    torch.utils.model_zoo.load_url): ModuleNotFoundError under the launcher. Both libraries download a
    file:// URL into the same cache path, announce it on stdout in the same words and load the same
    state dict; a wrong hash prefix is a RuntimeError and leaves nothing behind."""
    import hashlib

    from minigrad import hub
    from minigrad.utils import model_zoo

    state = {"weight": torch.arange(6.0).view(2, 3), "bias": torch.tensor([0.5, -1.0])}
    src = tmp_path / "src.pth"
    torch.save(state, src)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()[:8]
    named = tmp_path / f"lin-{digest}.pth"
    src.rename(named)
    url = named.as_uri()
    outs = []
    torch_dir = torch.hub.get_dir()
    for lib, name in ((torch.hub, "torch"), (hub, "mg")):
        lib.set_dir(str(tmp_path / name))
        assert lib.get_dir() == str(tmp_path / name)
        loaded = lib.load_state_dict_from_url(url, check_hash=True, progress=False)
        outs.append(capsys.readouterr().out.replace(f"/{name}/", "/X/"))
        assert sorted(loaded) == ["bias", "weight"]
        np.testing.assert_array_equal(np.asarray(loaded["weight"].tolist()), state["weight"].numpy())
        assert os.listdir(tmp_path / name / "checkpoints") == [named.name]
        again = lib.load_state_dict_from_url(url)  # (cached: no second download, nothing printed)
        assert capsys.readouterr().out == "" and sorted(again) == ["bias", "weight"]
    assert outs[0] == outs[1] and outs[0].startswith('Downloading: "file://')
    assert model_zoo.load_url(url, model_dir=str(tmp_path / "zoo"))["bias"].tolist() == [0.5, -1.0]
    bad = tmp_path / "lin-00000000.pth"
    os.link(named, bad)
    for lib, name in ((torch.hub, "torch_bad"), (hub, "mg_bad")):
        with pytest.raises(RuntimeError, match="invalid hash value"):
            lib.load_state_dict_from_url(bad.as_uri(), model_dir=str(tmp_path / name), check_hash=True,
                                         progress=False)
        assert os.listdir(tmp_path / name) == []
    torch.hub.set_dir(torch_dir)  # (the process's defaults back)
    hub._hub_dir = None


@pytest.mark.parametrize("k", [1, 2, 8, 16, 17])
def test_small_bmm_matches_pytorchs_bmm_bits(k: int) -> None:
    """The in-place loop small_bmm now uses for up to 16 terms (4-5x faster than its cumsum on attention
    scores of 8-dim heads) keeps PyTorch's bits: products rounded, summed in order, -0.0 as +0.0."""
    rng = np.random.default_rng(k)
    for dtype in (np.float32, np.float64):
        a = rng.standard_normal((6, 3, k)).astype(dtype)
        b = rng.standard_normal((6, k, 4)).astype(dtype)
        a[0, 0, :] = -0.0
        got = (mg.tensor(a) @ mg.tensor(b)).numpy()
        want = (torch.tensor(a) @ torch.tensor(b)).numpy()
        assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))
