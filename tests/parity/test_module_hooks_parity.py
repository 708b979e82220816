"""Module hooks against torch in float64: forward pre-hooks and forward hooks (replacing arguments
and outputs, kwargs, prepend, removal, always_call) and full backward (pre-)hooks (the gradients they
see, and replacing them changes what reaches the leaves)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)


def _arr(seed: int, *shape: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape)


def _pair(lib: Any) -> Any:
    """A module of two tensor inputs and one non-tensor, returning two outputs (one unused later)."""

    class Mix(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = lib.nn.Linear(3, 3, dtype=lib.float64)

        def forward(self, a: Any, b: Any, scale: float) -> Any:
            h = self.lin(a) * b
            return h * scale, h.sum(1)

    m = Mix()
    with lib.no_grad():
        m.lin.weight.copy_(lib.tensor(_arr(0, 3, 3)))
        m.lin.bias.copy_(lib.tensor(_arr(1, 3)))
    return m


def _leaves(lib: Any) -> tuple[Any, Any]:
    return (lib.tensor(_arr(2, 4, 3), requires_grad=True), lib.tensor(_arr(3, 4, 3), requires_grad=True))


def _as_lists(grads: tuple[Any, ...]) -> list[Any]:
    return [None if g is None else g.detach().numpy().copy() for g in grads]


@pytest.mark.parametrize("replace", [False, True])
def test_full_backward_hooks_see_and_replace_the_gradients_as_torch(replace: bool) -> None:
    seen: dict[str, list[Any]] = {}
    for lib in (mg, torch):
        m = _pair(lib)
        log: list[Any] = []

        def pre(mod: Any, grad_output: tuple[Any, ...], log: list[Any] = log) -> Any:
            log.append(("pre", _as_lists(grad_output)))
            return (grad_output[0] * 3, grad_output[1]) if replace else None

        def hook(mod: Any, grad_input: tuple[Any, ...], grad_output: tuple[Any, ...],
                 log: list[Any] = log) -> Any:
            log.append(("hook", _as_lists(grad_input), _as_lists(grad_output)))
            return (grad_input[0] * 2, None, None) if replace else None

        m.register_full_backward_pre_hook(pre)
        m.register_full_backward_hook(hook)
        a, b = _leaves(lib)
        out, _unused = m(a, b, 0.5)
        out.pow(2).sum().backward()
        log.append(("leaves", [a.grad.numpy().copy(), b.grad, m.lin.weight.grad.numpy().copy()]))
        seen[lib.__name__] = log
    ours, theirs = seen["minigrad"], seen["torch"]
    assert [e[0] for e in ours] == [e[0] for e in theirs] == ["pre", "hook", "leaves"]
    for mine, ref in zip(ours, theirs):
        for got, want in zip(mine[1:], ref[1:]):
            assert len(got) == len(want)
            for g, w in zip(got, want):
                assert (g is None) == (w is None)
                if g is not None:
                    assert_close(g, w, rtol=1e-12)


def test_backward_hook_without_input_grad_fires_with_grad_output_and_warns() -> None:
    calls = []
    for lib in (mg, torch):
        lin = lib.nn.Linear(3, 2, dtype=lib.float64)
        got: list[Any] = []
        lin.register_full_backward_hook(lambda mod, gi, go, got=got: got.append((gi, go[0].numpy().copy())))
        with pytest.warns(UserWarning, match="no inputs require gradients"):
            lin(lib.ones(4, 3, dtype=lib.float64)).sum().backward()
        calls.append(got)
    (gi_m, go_m), (gi_t, go_t) = calls[0][0], calls[1][0]
    assert gi_m == gi_t == (None,)
    assert_close(go_m, go_t, rtol=0)


def test_backward_hook_bad_length_raises_as_torch() -> None:
    for lib in (mg, torch):
        m = _pair(lib)
        m.register_full_backward_hook(lambda mod, gi, go: (gi[0],))
        a, b = _leaves(lib)
        with pytest.raises(RuntimeError, match="invalid number of grad_input, got 1, but expected 3"):
            m(a, b, 1.0)[0].sum().backward()


def test_forward_hooks_replace_arguments_and_outputs_in_torch_order() -> None:
    results = []
    for lib in (mg, torch):
        lin = lib.nn.Linear(3, 2, dtype=lib.float64)
        with lib.no_grad():
            lin.weight.copy_(lib.tensor(_arr(4, 2, 3)))
            lin.bias.zero_()
        order: list[str] = []
        h1 = lin.register_forward_pre_hook(lambda mod, args, order=order: order.append("pre") or args[0] * 2)
        lin.register_forward_pre_hook(lambda mod, args, order=order: order.append("first"), prepend=True)
        lin.register_forward_hook(lambda mod, args, out, order=order: order.append("post") or out + 1)
        lin.register_forward_hook(
            lambda mod, args, kwargs, out, order=order: order.append(f"kw{sorted(kwargs)}"), with_kwargs=True)
        x = lib.tensor(_arr(5, 4, 3))
        first = lin(x).detach().numpy().copy()
        h1.remove()
        h1.remove()  # a second remove does nothing
        with lin.register_forward_hook(lambda mod, args, out: out * 0):
            zeroed = lin(x).detach().numpy().copy()
        results.append((order, first, zeroed, lin(x).detach().numpy().copy(), len(lin._forward_hooks)))
    (o_m, f_m, z_m, l_m, n_m), (o_t, f_t, z_t, l_t, n_t) = results
    assert o_m == o_t and n_m == n_t == 2
    for got, want in ((f_m, f_t), (z_m, z_t), (l_m, l_t)):
        assert_close(got, want, rtol=1e-12)


def test_forward_pre_hook_with_kwargs_and_always_call() -> None:
    for lib in (mg, torch):
        lin = lib.nn.Linear(3, 3)

        class Scaled(lib.nn.Module):
            def forward(self, x: Any, *, scale: float = 1.0) -> Any:
                if scale < 0:
                    raise ValueError("negative scale")
                return x * scale

        m = Scaled()
        m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"scale": 3.0}), with_kwargs=True)
        assert m(lib.ones(2), scale=1.0).tolist() == [3.0, 3.0]
        ran: list[Any] = []
        m.register_forward_hook(lambda mod, args, out, ran=ran: ran.append(out), always_call=True)
        bad = Scaled()
        bad.register_forward_hook(lambda mod, args, out, ran=ran: ran.append(out), always_call=True)
        with pytest.raises(ValueError, match="negative scale"):
            bad(lib.ones(2), scale=-1.0)
        assert ran == [None]
        with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
            lin.register_forward_pre_hook(lambda mod, args, kwargs: 1, with_kwargs=True)
            lin(lib.ones(3))


def test_activation_capture_through_sequential_matches_torch() -> None:
    captured = []
    for lib in (mg, torch):
        net = lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.Tanh(), lib.nn.Linear(5, 2)).double()
        for i, p in enumerate(net.parameters()):
            with lib.no_grad():
                p.copy_(lib.tensor(_arr(10 + i, *p.shape)))
        acts: dict[str, Any] = {}
        for name, mod in net.named_modules():
            if name:
                mod.register_forward_hook(
                    lambda mod, args, out, name=name, acts=acts: acts.__setitem__(name, out.detach()))
        net(lib.tensor(_arr(20, 3, 4)))
        captured.append({k: v.numpy().copy() for k, v in acts.items()})
    assert sorted(captured[0]) == sorted(captured[1]) == ["0", "1", "2"]
    for k in captured[0]:
        assert_close(captured[0][k], captured[1][k], rtol=1e-12)


def test_plain_call_keeps_no_hook_state() -> None:
    lin = nn.Linear(2, 2)
    assert all(len(getattr(lin, n)) == 0 for n in ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks",
                                                   "_backward_pre_hooks"))
    out = lin(mg.ones(1, 2))
    assert type(out.grad_fn).__name__ != "_CustomNode"
