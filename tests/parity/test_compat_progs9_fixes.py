"""What the progs9 batch of compat programs (tests/compat/programs) needed: each fix checked against
torch on its own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

_MASKED_FILLS: list[tuple[str, Callable[[Any, Any, Any], Any]]] = [
    ("scalar", lambda lib, x, m: x.masked_fill(m, 0.0)),
    ("function", lambda lib, x, m: lib.masked_fill(x, m, -lib.inf)),
    ("tensor value", lambda lib, x, m: x.masked_fill(m, lib.tensor(1.5))),
    ("value with grad", lambda lib, x, m: x.masked_fill(m, lib.tensor(1.5, requires_grad=True))),
    ("in place", lambda lib, x, m: (x * 1).masked_fill_(m, 2.0)),
]


@pytest.mark.parametrize(("name", "call"), _MASKED_FILLS, ids=[n for n, _ in _MASKED_FILLS])
def test_masked_fill_grad_fn_name_matches_torch(name: str, call: Callable[[Any, Any, Any], Any]) -> None:
    # LLMs-from-scratch prints attn_scores.masked_fill(mask.bool(), -torch.inf): PyTorch shows
    # grad_fn=<MaskedFillBackward0> (Backward1 for a tensor value); minigrad showed WhereBackward0
    data = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    mask = np.array([[True, False, True], [False, False, True]])
    ours = call(mg, mg.tensor(data, requires_grad=True), mg.tensor(mask))
    theirs = call(torch, torch.tensor(data, requires_grad=True), torch.tensor(mask))
    assert ours.grad_fn.name() == theirs.grad_fn.name(), name
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    ours.sum().backward()
    theirs.sum().backward()


def _pack_hook_run(lib: Any) -> tuple[list[bool], Any]:
    modes: list[bool] = []

    def pack(t: Any) -> Any:
        modes.append(lib.is_grad_enabled())
        # the tutorial's pack-to-half hook: a cast (and any op) inside the hook must not record
        # a node that saves tensors, which would call the hook again
        return (t * t).to(lib.float16), t.dtype

    def unpack(packed: Any) -> Any:
        return packed[0].to(packed[1])

    a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = lib.tensor([0.5, -1.0, 4.0], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
        c = (a * b).sin()
    c.sum().backward()
    return modes, a.grad.numpy()


def test_pack_hook_runs_without_grad_mode_as_torch() -> None:
    # before: a pack hook calling t.to(torch.float16) recursed until RecursionError under minigrad
    ours_modes, ours_grad = _pack_hook_run(mg)
    theirs_modes, theirs_grad = _pack_hook_run(torch)
    assert ours_modes == theirs_modes
    np.testing.assert_allclose(ours_grad, theirs_grad, rtol=1e-6)


@pytest.mark.parametrize("lib", ["torch", "minigrad"])
def test_jit_deprecation_hidden_by_default_filters(lib: str) -> None:
    # before: minigrad attributed the DeprecationWarning of torch.jit.script/trace to the calling script, so
    # Python's default filters printed it where PyTorch (whose warning points into torch/jit) prints nothing
    code = (f"import {lib} as torch\n"
            "m = torch.jit.script(torch.nn.Linear(2, 2))\n"
            "t = torch.jit.trace(torch.nn.Linear(2, 2), torch.ones(1, 2))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"})
    assert done.returncode == 0, done.stderr
    assert "DeprecationWarning" not in done.stderr


@pytest.mark.parametrize(("rows", "p", "mode"), [(3, 2.0, "use_mm_for_euclid_dist_if_necessary"),
                                                 (30, 2.0, "use_mm_for_euclid_dist_if_necessary"),
                                                 (30, 1.0, "use_mm_for_euclid_dist_if_necessary"),
                                                 (30, 2.0, "donot_use_mm_for_euclid_dist"),
                                                 (3, 2.0, "use_mm_for_euclid_dist")])
def test_cdist_mixed_dtypes_raise_as_torch(rows: int, p: float, mode: str) -> None:
    # before: minigrad promoted float64 x float32 and returned distances; PyTorch raises (a GAN script's
    # centers made by .float() under set_default_dtype(float64) met float64 samples)
    def call(lib: Any) -> str:
        with pytest.raises(RuntimeError) as info:
            lib.cdist(lib.ones(rows, 2, dtype=lib.float64), lib.ones(4, 2), p=p, compute_mode=mode)
        return str(info.value)

    assert call(mg) == call(torch)


@pytest.mark.parametrize("lib", ["torch", "minigrad"])
def test_data_utils_collate_reachable_as_attribute(lib: str) -> None:
    # before: torch.utils.data._utils.collate.default_collate raised AttributeError under minigrad unless
    # the script imported torch.utils.data._utils itself (PyTorch's DataLoader module loads it)
    code = (f"import {lib} as torch\n"
            "print(torch.utils.data._utils.collate.default_collate([[1, 2], [3, 4]]))\n"
            "print(torch.utils.data.dataloader.default_collate([5, 6]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[tensor([1,", "3]),", "tensor([2,", "4])]", "tensor([5,", "6])"]


def test_load_state_dict_size_mismatch_message_matches_torch(tmp_path: Any) -> None:
    # before: the message wrote the shapes as tuples, "(2, 2)", under python -m minigrad.compat too, where
    # PyTorch writes torch.Size([2, 2]) (minigrad's own errors keep tuples outside the launcher)
    script = tmp_path / "load.py"
    script.write_text("import torch\n"
                      "try:\n"
                      "    state = {'weight': torch.zeros(2, 2), 'bias': torch.zeros(3)}\n"
                      "    torch.nn.Linear(2, 3).load_state_dict(state)\n"
                      "except RuntimeError as e:\n"
                      "    print(e)\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    commands = ([sys.executable, str(script)], [sys.executable, "-m", "minigrad.compat", str(script)])
    outs = [subprocess.run(c, capture_output=True, text=True, timeout=120, env=env).stdout for c in commands]
    assert "torch.Size([2, 2])" in outs[0]
    assert outs[1] == outs[0]


@pytest.mark.parametrize("legacy", [False, True])
def test_save_accepts_torch_format_keywords(legacy: bool) -> None:
    # before: torch.save(sd, f, _use_new_zipfile_serialization=False) (old scripts' legacy format) raised
    # TypeError under minigrad; the keyword only picks PyTorch's file layout, so it is accepted and ignored
    import io

    def roundtrip(lib: Any) -> list[str]:
        buf = io.BytesIO()
        lib.save({"w": lib.arange(3.0)}, buf, _use_new_zipfile_serialization=not legacy,
                 _disable_byteorder_record=legacy)
        buf.seek(0)
        return [f"{k}={v.tolist()}" for k, v in lib.load(buf).items()]

    assert roundtrip(mg) == roundtrip(torch)


def test_safe_globals_let_load_build_allowed_objects(tmp_path: Any) -> None:
    # before: torch.serialization.add_safe_globals was missing (AttributeError), so a script registering
    # argparse.Namespace to load a PyTorch checkpoint holding its args failed under minigrad
    import argparse

    path = tmp_path / "ck.pt"
    torch.save({"args": argparse.Namespace(lr=0.1, name="x"), "w": torch.ones(2)}, path)
    before = torch.serialization.get_safe_globals()  # PyTorch's own entries, restored after
    try:
        _check_safe_globals(path)
    finally:
        torch.serialization.clear_safe_globals()
        torch.serialization.add_safe_globals(before)
        mg.serialization.clear_safe_globals()


def _check_safe_globals(path: Any) -> None:
    import argparse
    import pickle

    for lib in (torch, mg):
        lib.serialization.clear_safe_globals()
        with pytest.raises(pickle.UnpicklingError):
            lib.load(path)
        lib.serialization.add_safe_globals([argparse.Namespace])
        assert argparse.Namespace in lib.serialization.get_safe_globals()
        ck = lib.load(path)
        assert (ck["args"].lr, ck["args"].name, ck["w"].tolist()) == (0.1, "x", [1.0, 1.0])
        lib.serialization.clear_safe_globals()
        with lib.serialization.safe_globals([(argparse.Namespace, "argparse.Namespace")]):
            assert lib.load(path)["args"].name == "x"
        assert lib.serialization.get_safe_globals() == []
        with pytest.raises(pickle.UnpicklingError):
            lib.load(path)


def test_launcher_reaches_nn_modules_as_attribute(tmp_path: Any) -> None:
    # before: torch.nn.modules.utils.consume_prefix_in_state_dict_if_present raised AttributeError under
    # python -m minigrad.compat (the hook meant to load torch.nn.modules but `import torch` skipped it)
    script = tmp_path / "strip.py"
    script.write_text("import torch\n"
                      "sd = {'module.w': torch.ones(1)}\n"
                      "torch.nn.modules.utils.consume_prefix_in_state_dict_if_present(sd, 'module.')\n"
                      "print(list(sd), torch.nn.modules.linear.Linear is torch.nn.Linear)\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    commands = ([sys.executable, str(script)], [sys.executable, "-m", "minigrad.compat", str(script)])
    outs = [subprocess.run(c, capture_output=True, text=True, timeout=120, env=env) for c in commands]
    assert outs[0].stdout == "['w'] True\n", outs[0].stderr
    assert outs[1].stdout == outs[0].stdout, outs[1].stderr


@pytest.mark.parametrize(("s1", "s2", "mode"), [
    ((128, 32), (256, 32), None), ((3, 40, 5), (3, 30, 5), None), ((2, 1, 30, 3), (4, 26, 3), None),
    ((20, 4), (10, 4), None), ((20, 4), (10, 4), "use_mm_for_euclid_dist"),
    ((40, 4), (30, 4), "donot_use_mm_for_euclid_dist"),
])
def test_cdist_takes_torchs_matmul_form_past_25_rows(s1: tuple[int, ...], s2: tuple[int, ...],
                                                     mode: str | None) -> None:
    # p = 2 past 25 rows: [-2 x1, |x1|^2, 1] @ [x2, 1, |x2|^2]^T, clamped and rooted (ViewBackward0), as
    # PyTorch; the difference form built a (P, R, M) temporary, 15x slower
    torch = require_torch()
    rng = np.random.default_rng(10)
    a, b = rng.standard_normal(s1), rng.standard_normal(s2)
    kw = {} if mode is None else {"compute_mode": mode}
    ma, mb = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    ours, theirs = mg.cdist(ma, mb, **kw), torch.cdist(ta, tb, **kw)
    assert ours.grad_fn is not None and ours.grad_fn.name() == theirs.grad_fn.name()
    g = rng.standard_normal(tuple(theirs.shape))
    ours.backward(mg.tensor(g))
    theirs.backward(torch.tensor(g))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert ma.grad is not None and mb.grad is not None
    np.testing.assert_allclose(ma.grad.numpy(), ta.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(mb.grad.numpy(), tb.grad.numpy(), rtol=1e-10, atol=1e-10)
