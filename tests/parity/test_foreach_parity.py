"""``torch._foreach_*`` (the list forms EMA-of-weights code calls) against PyTorch: values of every
form, the argument kinds (scalar, scalar list, 0-d tensor, tensor list), in-place results returning
``self``, gradients of the out-of-place forms, and the errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import foreach
from minigrad.errors import MinigradError, ShapeError
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)

A = [np.linspace(0.1, 0.9, 6).reshape(2, 3), np.array([0.25, 0.5, 0.75])]
B = [np.cos(np.arange(6.0)).reshape(2, 3) + 2.0, np.array([1.5, 2.5, 3.5])]
UNARY = sorted({n[len("_foreach_"):-1] for n in foreach.__all__ if n.endswith("_")} - {
    "zero", "copy", "add", "sub", "mul", "div", "maximum", "minimum", "clamp_min", "clamp_max", "lerp",
    "addcmul", "addcdiv", "pow"})


def _lists(lib: Any, *arrays: list[np.ndarray]) -> list[list[Any]]:
    return [[lib.tensor(a) for a in arr] for arr in arrays]


def _np(ts: Any) -> list[np.ndarray]:
    return [np.array(t.detach().numpy()) for t in ts]


def _both(call: Any) -> None:
    """call(lib) -> (result, list it may have changed in place); both libraries give the same numbers."""
    (ours, our_list), (theirs, their_list) = call(mg), call(torch)
    assert (ours is our_list) == (theirs is their_list)  # in place: self comes back
    assert type(ours) is type(theirs)
    for got, want in zip(_np(ours) + _np(our_list), _np(theirs) + _np(their_list), strict=True):
        assert_close(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("inplace", [False, True])
def test_unary_matches_torch(name: str, inplace: bool) -> None:
    def call(lib: Any) -> Any:
        (xs,) = _lists(lib, A)
        return getattr(lib, f"_foreach_{name}{'_' if inplace else ''}")(xs), xs

    _both(call)


BINARY = [(name, kind)
          for name in ("add", "sub", "mul", "div", "maximum", "minimum", "clamp_min", "clamp_max", "pow")
          for kind in ("scalar", "scalar list", "0-d tensor", "tensor list")
          if kind != "0-d tensor" or name in ("add", "sub", "mul", "div")]  # PyTorch's overloads


@pytest.mark.parametrize(("name", "kind"), BINARY)
@pytest.mark.parametrize("inplace", [False, True])
def test_binary_matches_torch(name: str, kind: str, inplace: bool) -> None:
    def call(lib: Any) -> Any:
        xs, ys = _lists(lib, A, B)
        other = {"scalar": 0.5, "scalar list": [0.5, 2.0], "0-d tensor": lib.tensor(0.75),
                 "tensor list": ys}[kind]
        return getattr(lib, f"_foreach_{name}{'_' if inplace else ''}")(xs, other), xs

    _both(call)


def test_alpha_lerp_addc_pow_of_a_number() -> None:
    _both(lambda lib: (lib._foreach_add(*_lists(lib, A, B), alpha=0.5), []))
    _both(lambda lib: (lib._foreach_sub_(*_lists(lib, A, B), alpha=2), []))
    for weight in (0.25, [0.25, 0.5]):
        _both(lambda lib, w=weight: (lib._foreach_lerp(*_lists(lib, A, B), w), []))
    _both(lambda lib: (lib._foreach_lerp(*_lists(lib, A, B, A)), []))  # a list of weights
    for name in ("addcmul", "addcdiv", "addcmul_", "addcdiv_"):
        _both(lambda lib, n=name: (getattr(lib, f"_foreach_{n}")(*_lists(lib, A, A, B), [0.5, 3.0]), []))
        _both(lambda lib, n=name: (getattr(lib, f"_foreach_{n}")(*_lists(lib, A, A, B), value=2.0), []))
    _both(lambda lib: (lib._foreach_pow(2.0, _lists(lib, A)[0]), []))


@pytest.mark.parametrize("p", [2, 1, np.inf, 3.0])
def test_norm_max_clone_zero_copy_match_torch(p: float) -> None:
    _both(lambda lib: (lib._foreach_norm(_lists(lib, B)[0], p), []))
    _both(lambda lib: (lib._foreach_max(_lists(lib, B)[0]), []))
    _both(lambda lib: (lib._foreach_clone(_lists(lib, B)[0]), []))
    for lib in (mg, torch):
        xs, ys = _lists(lib, A, B)
        assert lib._foreach_zero_(xs) is xs and all(float(x.abs().sum()) == 0.0 for x in xs)
        assert lib._foreach_copy_(xs, ys) is xs
        assert all(np.array_equal(x.numpy(), y) for x, y in zip(xs, B))


def test_out_of_place_forms_are_differentiable() -> None:
    grads = []
    for lib in (mg, torch):
        xs = [lib.tensor(a, requires_grad=True) for a in A]
        ys = [lib.tensor(b, requires_grad=True) for b in B]
        out = lib._foreach_addcmul(lib._foreach_lerp(xs, ys, 0.3), xs, ys, 0.5)
        total = sum((o.sin() * (i + 1)).sum() for i, o in enumerate(out)) + sum(lib._foreach_norm(ys))
        total.backward()
        grads.append([*_np(t.grad for t in xs), *_np(t.grad for t in ys)])
    for got, want in zip(*grads):
        assert_close(got, want, rtol=1e-10, atol=1e-12)


def test_ema_update_in_place_on_parameters() -> None:
    """The timm-style EMA step: _foreach_lerp_ of detached EMA weights towards the model's, under no_grad."""
    results = []
    for lib in (mg, torch):
        params = [lib.nn.Parameter(lib.tensor(a)) for a in B]
        ema = [p.detach().clone() * 0.5 for p in params]
        with lib.no_grad():
            lib._foreach_lerp_(ema, list(params), 1.0 - 0.9)
            lib._foreach_mul_(ema, 0.99)
            lib._foreach_add_(ema, list(params), alpha=0.01)
        results.append(_np(ema))
        with pytest.raises(RuntimeError, match="leaf Variable"):
            lib._foreach_mul_(list(params), 2.0)
    for got, want in zip(*results):
        assert_close(got, want, rtol=1e-12)


def test_errors_match_torch_classes() -> None:
    for lib in (mg, torch):
        xs, ys = _lists(lib, A, B)
        with pytest.raises(RuntimeError, match="same number of elements as scalar list"):
            lib._foreach_mul(xs, [1.0])
        with pytest.raises(RuntimeError, match="at least one tensor"):
            lib._foreach_mul([], 1.0)
        with pytest.raises(RuntimeError, match="same number of tensors, got 2 and 1"):
            lib._foreach_add(xs, ys[:1])
        with pytest.raises(RuntimeError, match="scalar tensor expected to be 0 dim"):
            lib._foreach_mul(xs, lib.ones(2))
    with pytest.raises(ShapeError):
        mg._foreach_add(_lists(mg, A)[0], [1.0])
    with pytest.raises(MinigradError):
        mg._foreach_norm([])
