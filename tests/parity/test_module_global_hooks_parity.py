"""torch.nn.modules.module's global hooks against torch: their order around the module's own hooks,
with_kwargs and always_call, the global full backward hooks (the gradients they see and replace), mixing
full and non-full hooks, and handles that hold their registries weakly."""

from __future__ import annotations

import warnings
from typing import Any

import minigrad.nn.modules.module
import numpy as np
import pytest

import minigrad as mg
from minigrad.nn import _module_hooks
from tests.helpers import require_torch

torch = require_torch()


class _BoomError(Exception):
    pass


def _order(lib: Any, fail: bool) -> list[str]:
    log: list[str] = []
    mm = lib.nn.modules.module

    class Net(lib.nn.Module):
        def forward(self, x: Any, *, scale: float = 1.0) -> Any:
            log.append(f"forward {scale}")
            if fail:
                raise _BoomError
            return x * scale

    net = Net()

    def global_pre(m: Any, args: Any) -> Any:
        log.append("global pre")
        return (args[0] + 1,)

    def global_fwd(m: Any, args: Any, kwargs: Any, out: Any) -> Any:
        log.append(f"global fwd {sorted(kwargs)}")
        return out * 10

    handles = [
        mm.register_module_forward_pre_hook(global_pre),
        mm.register_module_forward_hook(global_fwd, with_kwargs=True, always_call=True),
        net.register_forward_pre_hook(lambda m, a, k: log.append("local pre") or (a, {"scale": 2.0}),
                                      with_kwargs=True),
        net.register_forward_hook(lambda m, a, o: log.append("local fwd"), always_call=True),
    ]
    try:
        out = net(lib.ones(1))
        log.append(f"out {out.item()}")
    except _BoomError:
        log.append("raised")
    finally:
        for h in handles:
            h.remove()
            # (PyTorch's handle leaves its id in the with_kwargs registry: a later torch.compile(module) in
            # this process would warn about global hooks)
            getattr(mm, "_global_forward_hooks_with_kwargs", {}).pop(getattr(h, "id", None), None)
    if not fail:
        net(lib.ones(1))  # no hooks left: forward alone
    return log


@pytest.mark.parametrize("fail", [False, True])
def test_global_hooks_run_before_the_modules_own_as_torch(fail: bool) -> None:
    with pytest.warns(UserWarning) if fail else _no_warning():
        got = _order(mg, fail)
    with pytest.warns(UserWarning) if fail else _no_warning():
        want = _order(torch, fail)
    assert got == want
    assert not _module_hooks.GLOBAL_CALL_HOOKS  # removed handles leave the hot path's dict empty


class _no_warning:  # noqa: N801 - used like pytest.warns
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _grads(lib: Any) -> list[Any]:
    seen: list[Any] = []
    mm = lib.nn.modules.module
    lin = lib.nn.Linear(3, 2, dtype=lib.float64)
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(np.arange(6.0).reshape(2, 3) / 7))
        lin.bias.zero_()

    def pre(m: Any, grad_output: Any) -> Any:
        seen.append(("pre", type(m).__name__, grad_output[0].detach().numpy().copy()))
        return (grad_output[0] * 2,)

    def full(m: Any, grad_input: Any, grad_output: Any) -> None:
        seen.append(("full", type(m).__name__, grad_input[0].detach().numpy().copy()))

    handles = [mm.register_module_full_backward_pre_hook(pre), mm.register_module_full_backward_hook(full)]
    try:
        x = lib.tensor(np.ones((4, 3)), requires_grad=True)
        lin(x).sum().backward()
        seen.append(("x.grad", "", x.grad.numpy().copy()))
        with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full"):
            mm.register_module_backward_hook(full)
    finally:
        for h in handles:
            h.remove()
    return seen


def test_global_full_backward_hooks_match_torch() -> None:
    got, want = _grads(mg), _grads(torch)
    assert [g[:2] for g in got] == [w[:2] for w in want]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g[2], w[2], rtol=1e-12)


def test_handles_and_module_backward_hook_kinds() -> None:
    for lib in (torch, mg):
        m = lib.nn.Linear(1, 1)
        h = m.register_forward_hook(lambda *a: None)
        assert len(h.hooks_dict_ref()) == 1
        h.remove()
        assert len(h.hooks_dict_ref()) == 0
        m.register_full_backward_hook(lambda *a: None)
        with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full backward"):
            m.register_backward_hook(lambda *a: None)
    grads = []
    for lib in (torch, mg):  # on a one-op module the old hook sees what the full one sees
        sig = lib.nn.Sigmoid()
        got: list[Any] = []
        sig.register_backward_hook(lambda m, gi, go, got=got: got.append((gi[0].numpy().copy(),
                                                                          go[0].numpy().copy())))
        x = lib.tensor([0.5, -1.0], requires_grad=True)
        with warnings.catch_warnings():  # PyTorch deprecates the old hook (a FutureWarning)
            warnings.simplefilter("ignore")
            sig(x).sum().backward()
        grads.append(got[0])
    np.testing.assert_allclose(grads[1][0], grads[0][0], rtol=1e-6)
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-6)


def test_old_backward_hook_on_a_dict_output() -> None:
    grads = []
    for lib in (torch, mg):
        class Net(lib.nn.Module):
            def forward(self, x: Any) -> Any:
                return {"y": x.sigmoid(), "n": 3}

        net = Net()
        seen: list[Any] = []
        net.register_backward_hook(lambda m, gi, go, seen=seen: seen.append(go[0].numpy().copy()))
        x = lib.tensor([0.5, -1.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch's deprecation of the old hook
            out = net(x)
            (out["y"] * lib.tensor([2.0, 3.0])).sum().backward()
        assert out["n"] == 3 and len(seen) == 1
        grads.append((seen[0], x.grad.numpy().copy()))
    np.testing.assert_allclose(grads[1][0], grads[0][0], rtol=1e-6)
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-6)
