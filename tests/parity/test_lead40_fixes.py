"""Differences the lead found in session 40, each compared with PyTorch on its own."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

_VALUES = [1, 0, None, True, False, np.bool_(True), 1.0]


def _outcome(call: Any) -> tuple[str, str]:
    """("ok", "") or ("TypeError", the kernel it names) or ("ValueError", ""). (PyTorch's upsample kernels
    list their overloads; minigrad says which argument must be a bool.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (align_corners=None's default warning, in both libraries)
        try:
            call()
        except TypeError as e:
            return "TypeError", str(e).split("(")[0]
        except ValueError:
            return "ValueError", ""
    return "ok", ""


@pytest.mark.parametrize("value", _VALUES, ids=repr)
@pytest.mark.parametrize(("mode", "rank", "antialias"), [
    ("linear", 1, False), ("bilinear", 2, False), ("bilinear", 2, True), ("bicubic", 2, True),
    ("trilinear", 3, False), ("nearest", 2, False), ("area", 2, False)])
def test_interpolate_align_corners_must_be_a_bool_as_pytorchs_kernels(mode: str, rank: int, antialias: bool,
                                                                     value: Any) -> None:
    """F.interpolate read align_corners=1 (or 0, or a numpy bool) by its truth value; PyTorch's upsample
    kernels take only a bool (TypeError), after its Python checks (nearest modes: ValueError for any
    value but None)."""
    def call(lib: Any) -> Any:
        x = lib.ones(*([1, 1] + [4] * rank))
        return lambda: lib.nn.functional.interpolate(x, scale_factor=2, mode=mode, align_corners=value,
                                                     antialias=antialias)

    assert _outcome(call(mg)) == _outcome(call(torch))


@pytest.mark.parametrize("value", _VALUES, ids=repr)
@pytest.mark.parametrize("fn", ["grid_sample", "affine_grid"])
def test_grid_functions_align_corners_must_be_a_bool_as_pytorchs(fn: str, value: Any) -> None:
    """grid_sample / affine_grid: PyTorch's grid_sampler / affine_grid_generator raise TypeError (with
    the argument's position) for a non-bool align_corners; minigrad read its truth value."""
    def call(lib: Any) -> Any:
        F = lib.nn.functional
        if fn == "grid_sample":
            return lambda: F.grid_sample(lib.ones(1, 1, 4, 4), lib.zeros(1, 2, 2, 2), align_corners=value)
        return lambda: F.affine_grid(lib.zeros(1, 2, 3), (1, 1, 2, 2), align_corners=value)

    def full(call: Any) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                call()
            except TypeError as e:
                return str(e)
        return "ok"

    assert full(call(mg)) == full(call(torch))


def test_floor_divide_without_grad_is_the_plain_quotient() -> None:
    """x // y with nothing requiring grad records nothing (progs25's recording made every float // take
    the recording path); with grad PyTorch's node raises at backward."""
    x = mg.tensor([3.5, -2.0, 7.0])
    y = mg.tensor([2.0, 3.0, -2.0])
    q = x // y
    assert q.grad_fn is None and not q.requires_grad
    expected = torch.tensor([3.5, -2.0, 7.0]) // torch.tensor([2.0, 3.0, -2.0])
    np.testing.assert_array_equal(q.numpy(), expected.numpy())
    w = mg.tensor([3.5, -2.0, 7.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="floor_divide"):
        (w // y).sum().backward()


def _flag_calls(lib: Any) -> dict[str, Any]:
    """Calls whose flag PyTorch hands to C++ (a bool, or for the autograd engine a C integer)."""
    F = lib.nn.functional
    rnn = lib.nn.utils.rnn
    m = lib.arange(12.0).reshape(3, 4)

    def graph() -> tuple[Any, Any]:
        w = lib.ones(2, requires_grad=True)
        return (w * 2).sum(), w

    return {
        "grad(retain_graph)": lambda v: lib.autograd.grad(*graph(), retain_graph=v),
        "grad(create_graph)": lambda v: lib.autograd.grad(*graph(), create_graph=v),
        "grad(allow_unused)": lambda v: lib.autograd.grad(*graph(), allow_unused=v),
        "backward(retain_graph)": lambda v: graph()[0].backward(retain_graph=v),
        "batch_norm(training)": lambda v: F.batch_norm(m, lib.zeros(4), lib.ones(4), training=v),
        "pad_sequence(batch_first)": lambda v: rnn.pad_sequence([m, m], batch_first=v),
        "pad_packed_sequence(batch_first)": lambda v: rnn.pad_packed_sequence(
            rnn.pack_padded_sequence(lib.ones(3, 2, 4), [3, 2]), batch_first=v),
        "ctc_loss(zero_infinity)": lambda v: F.ctc_loss(lib.zeros(6, 1, 4).log_softmax(2),
                                                        lib.tensor([[1, 2]]), [6], [2], zero_infinity=v),
        "set_grad_enabled": lambda v: lib.set_grad_enabled(v).__exit__(None, None, None),
    }


@pytest.mark.parametrize("value", [True, False, 1, 0, None, np.bool_(True), np.int64(1), 1.0, "x"], ids=repr)
@pytest.mark.parametrize("call", list(_flag_calls(mg)))
def test_flags_pytorch_passes_to_cpp_refuse_what_it_refuses(call: str, value: Any) -> None:
    """These read 1.0, a numpy bool or None by truth value in minigrad; PyTorch's C++ takes only a bool
    (batch_norm, pad_sequence, ctc_loss, set_grad_enabled: TypeError) or, in the autograd engine, a C
    integer ('float' object cannot be interpreted as an integer)."""
    def outcome(lib: Any) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                _flag_calls(lib)[call](value)
            except TypeError as e:
                return "TypeError " + str(e).split(" received")[0].split(" must")[0]
        return "ok"

    expected = outcome(torch)
    got = outcome(mg)
    # (PyTorch's ctc_loss, _pad_packed_sequence and set_grad_enabled name the position or list overloads)
    assert got.split("(")[0] == expected.split("(")[0]
    if "interpreted" in expected:
        assert got == expected


@pytest.mark.parametrize("case", ["cdist-none", "cdist-default", "cosine-none", "cosine-int64", "cosine-int"])
def test_cdist_compute_mode_and_cosine_dim_as_pytorch(case: str) -> None:
    """cdist(compute_mode=None) computed (PyTorch's default is "use_mm_for_euclid_dist_if_necessary" and
    None is its ValueError); cosine_similarity(dim=None) reduced every dim (PyTorch's TypeError)."""
    def outcome(lib: Any) -> tuple[str, bool, Any]:
        m = lib.arange(12.0).reshape(3, 4)
        F = lib.nn.functional
        call = {"cdist-none": lambda: lib.cdist(m, m, compute_mode=None),
                "cdist-default": lambda: lib.cdist(m, m),
                "cosine-none": lambda: F.cosine_similarity(m, m, dim=None),
                "cosine-int64": lambda: F.cosine_similarity(m, m, dim=np.int64(0)),
                "cosine-int": lambda: F.cosine_similarity(m, m, dim=1)}[case]
        try:
            return "ok", False, np.asarray(call().tolist()).round(4).tolist()
        except (TypeError, ValueError) as e:
            return "TypeError" if isinstance(e, TypeError) else "ValueError", True, str(e)

    assert outcome(mg) == outcome(torch)
