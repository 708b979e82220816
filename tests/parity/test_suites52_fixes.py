"""Regressions found by running other projects' PyTorch-based test suites under minigrad (timm's optimizer
and layer tests, higher's differentiable optimizers, ...) and comparing with real torch: each test runs the
same calls on both libraries and compares values, or error classes (minigrad's error must be an instance of
PyTorch's) and words."""

from __future__ import annotations

import os
import typing
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch, run_aliased

# ------------------------------------------------------------------ names timm and torchvision read at import

def test_torch_home_and_hub_tqdm_as_torchvision_imports_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """torchvision imports torch.hub._get_torch_home and torch.utils.model_zoo.tqdm at the top."""
    require_torch()
    import torch.hub
    import torch.utils.model_zoo

    from minigrad import hub
    from minigrad.utils import model_zoo

    for env in ({}, {"XDG_CACHE_HOME": "/tmp/xdg"}, {"TORCH_HOME": "~/th", "XDG_CACHE_HOME": "/tmp/xdg"}):
        monkeypatch.delenv("TORCH_HOME", raising=False)
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        assert hub._get_torch_home() == torch.hub._get_torch_home()
        assert hub.get_dir() == os.path.join(torch.hub._get_torch_home(), "hub")
    try:
        from tqdm import tqdm as installed
    except ImportError:  # both libraries fall back to their own stand-ins (PyTorch's is hub._Faketqdm)
        assert model_zoo.tqdm is hub.tqdm is hub._ByteProgress
        assert torch.utils.model_zoo.tqdm is torch.hub.tqdm
    else:
        assert model_zoo.tqdm is hub.tqdm is torch.utils.model_zoo.tqdm is installed  # tqdm's own class
    bar = hub._ByteProgress(total=4, disable=True)
    bar.update(2)
    assert bar.n == 0  # a disabled bar counts nothing, as tqdm's


def test_ops_load_library_raises_oserror_as_a_library_torch_cannot_load() -> None:
    """torchvision's extension loader calls torch.ops.load_library and runs without its C++ ops on
    OSError (what PyTorch raises for a library it cannot load): minigrad has no dispatcher to load into."""
    torch = require_torch()
    with pytest.raises(OSError):
        torch.ops.load_library("/nonexistent/_C.so")
    with pytest.raises(OSError, match=r"_C\.so"):
        mg.ops.load_library("/nonexistent/_C.so")


def test_fx_wrap_marks_and_returns_the_function_with_torchs_errors() -> None:
    """timm and torchvision decorate module-level functions with @torch.fx.wrap (or call it with a name)."""
    require_torch()
    import torch.fx

    def inner(lib: Any) -> Any:
        return lib.fx.wrap(len)

    for lib in (torch, mg):
        assert lib.fx.wrap.__name__ == "wrap"
        with pytest.raises(NotImplementedError, match="top level of a module"):
            inner(lib)
        with pytest.raises(RuntimeError, match="Unsupported type for global function"):
            lib.fx.wrap(3)
    out = run_aliased("""
        import torch, torch.fx
        @torch.fx.wrap
        def f(x):
            return x + 1
        print(f(1), torch.fx.wrap("f"), torch.fx.wrap is torch.fx.wrap)
    """)
    assert out == ["2", "f", "True"]


def _declared(x: int) -> int: ...


def _with_body(x: int) -> int:
    return x


def test_jit_annotations_and_script_if_tracing() -> None:
    """timm's densenet imports List from torch.jit.annotations; torchvision's box ops are decorated with
    torch.jit._script_if_tracing, which outside tracing calls the function itself."""
    require_torch()
    import torch.jit.annotations

    from minigrad.jit import annotations

    for name in annotations.__all__:
        if name.startswith("BroadcastingList"):
            assert annotations.BroadcastingList1 is getattr(annotations, name)
            assert getattr(torch.jit.annotations, name)[int] is getattr(annotations, name)[int] is None
        else:
            assert getattr(annotations, name) is getattr(torch.jit.annotations, name) is getattr(typing, name)
    for name in ("_overload", "_overload_method"):
        assert getattr(torch.jit, name)(_declared) is getattr(mg.jit, name)(_declared) is _declared
    for name in ("_overload", "_overload_method"):
        for lib in (torch, mg):
            with pytest.raises(RuntimeError, match=r"Only `pass` statement or `\.\.\.` can be the body"):
                getattr(lib.jit, name)(_with_body)

    def f(x: Any) -> Any:
        return x * 2

    assert torch.jit._script_if_tracing(f)(3) == mg.jit._script_if_tracing(f)(3) == 6


def test_dataloader_annotation_aliases_opacus_imports() -> None:
    """opacus's DPDataLoader imports _collate_fn_t from torch.utils.data.dataloader."""
    require_torch()
    import torch.utils.data.dataloader as tdl

    from minigrad.utils.data import dataloader as mdl

    for name in ("_collate_fn_t", "_worker_init_fn_t"):
        assert typing.get_origin(getattr(mdl, name)) is typing.get_origin(getattr(tdl, name))
        assert str(getattr(mdl, name)) == str(getattr(tdl, name))
    assert mdl._T_co.__covariant__ and not mdl._T.__covariant__


def test_distributed_store_classes_importable_and_refuse_construction() -> None:
    """skorch's test_history imports TCPStore from torch.distributed at the top; minigrad runs one process,
    so constructing a store raises its UnsupportedError (as ProcessGroup does)."""
    torch = require_torch()
    from minigrad.errors import UnsupportedError

    assert issubclass(torch.distributed.TCPStore, torch.distributed.Store)
    assert issubclass(mg.distributed.TCPStore, mg.distributed.Store)
    for cls in (mg.distributed.Store, mg.distributed.TCPStore):
        with pytest.raises(UnsupportedError, match=f"torch.distributed.{cls.__name__}"):
            cls("127.0.0.1", port=1234, world_size=1, is_master=True)


def test_module_replicate_for_data_parallel_as_pytorchs() -> None:
    """timm's PatchEmbedResampler overrides _replicate_for_data_parallel and calls the base class's; its
    test replicates one directly (AttributeError under the alias)."""
    torch = require_torch()

    def check(lib: Any) -> list[Any]:
        seq = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3))
        seq.tag = [1]
        rep = seq._replicate_for_data_parallel()
        bn = seq[1]._replicate_for_data_parallel()
        out = [type(rep).__name__, rep._is_replica, rep.tag is seq.tag, len(list(rep.parameters())),
               rep._modules is not seq._modules, rep._modules["0"] is seq[0], len(bn._parameters),
               sorted(bn._buffers), bn._buffers is not seq[1]._buffers,
               bn.running_mean is seq[1].running_mean,
               hasattr(seq, "_is_replica") and seq._is_replica]
        rep.extra = lib.nn.ReLU()
        out.append("extra" in seq._modules)
        return out

    assert check(mg) == check(torch)
