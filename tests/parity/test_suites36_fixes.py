"""Regressions found by running other projects' PyTorch-based test suites under minigrad (zuko, ...) and
comparing with real torch: each test runs the same calls on both libraries and compares values, classes or
error classes and words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _both(fn: Callable[[Any], Any]) -> tuple[Any, Any]:
    return fn(require_torch()), fn(mg)


def _error(fn: Callable[[], Any]) -> tuple[str, str]:
    try:
        fn()
    except Exception as e:
        return type(e).__name__, str(e)
    return "no error", ""


# ------------------------------------------------------------------ nn.utils.stateless._reparametrize_module
# zuko's BayesianModel.reparameterize swaps sampled weights in with it; functional_call runs on it in PyTorch.

def _reparametrized(lib: Any) -> list[Any]:
    lib.manual_seed(0)

    class M(lib.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = lib.nn.Linear(2, 2)

        def forward(self, x: Any) -> Any:
            seen.append((hasattr(self, "extra"), type(self.lin.weight).__name__))
            return self.lin(x)

    seen: list[Any] = []
    m = M()
    given = {"lin.weight": lib.ones(2, 2), "extra": lib.zeros(1)}
    with lib.nn.utils.stateless._reparametrize_module(m, given):
        out = m(lib.ones(1, 2)).tolist()
        m.lin._parameters["weight"] = lib.full((2, 2), 3.0)  # written back into ``given`` on exit
    after = (hasattr(m, "extra"), type(m.lin.weight).__name__, given["lin.weight"].tolist())
    call = lib.func.functional_call(m, {"extra": lib.zeros(1)}, (lib.ones(1, 2),))
    return [out, seen, after, call.shape,
            _error(lambda: lib.func.functional_call(m, {"nope.w": lib.ones(1)}, (lib.ones(1, 2),))),
            _error(lambda: lib.func.functional_call(m, {"lin.weight": 1.0}, (lib.ones(1, 2),))),
            _error(lambda: lib.func.functional_call(m, [{"a": 1}, {"b": 2}, {"a": 3}, {"b": 4}], ())),
            _error(lambda: lib.func.functional_call(m, 5, ())),
            _error(lambda: lib.nn.utils.stateless._reparametrize_module(m, {}, strict=True).__enter__())]


def test_reparametrize_module_sets_unknown_names_and_writes_back() -> None:
    torch_out, mg_out = _both(_reparametrized)
    assert mg_out[:4] == torch_out[:4]
    for (tc, tm), (mc, mm) in zip(torch_out[4:], mg_out[4:], strict=True):
        assert mc == tc
        assert mm.replace("minigrad.", "torch.").split(" is not")[-1] == tm.split(" is not")[-1]


def test_functional_call_tied_weights_given_twice() -> None:
    def run(lib: Any) -> Any:
        lin = lib.nn.Linear(2, 2, bias=False)
        seq = lib.nn.Sequential(lin, lin)
        same = lib.eye(2)
        ok = lib.func.functional_call(seq, {"0.weight": same, "1.weight": same}, (lib.ones(1, 2),))
        return ok.tolist(), _error(lambda: lib.func.functional_call(
            seq, {"0.weight": lib.eye(2), "1.weight": lib.eye(2)}, (lib.ones(1, 2),)))

    torch_out, mg_out = _both(run)
    assert mg_out == torch_out
    np.testing.assert_equal(mg_out[0], [[1.0, 1.0]])


@pytest.mark.parametrize("stack", [False, True])
def test_reparametrize_module_stack_weights_restores(stack: bool) -> None:
    def run(lib: Any) -> Any:
        lin = lib.nn.Linear(2, 2)
        w = lin.weight
        swap = {"weight": lib.zeros(2, 2)}
        with lib.nn.utils.stateless._reparametrize_module(lin, swap, stack_weights=stack):
            inside = lin.weight.sum().item()
        return inside, lin.weight is w

    assert _both(run)[1] == _both(run)[0]


# ------------------------------------------------------------------ jit.TracerWarning
# torchquad's traced integrators filter it by name before calling torch.jit.trace.

def test_jit_tracer_warning_is_a_warning_class() -> None:
    def run(lib: Any) -> Any:
        cls = lib.jit.TracerWarning
        with pytest.warns(cls):
            import warnings

            warnings.warn("x", cls, stacklevel=1)
        return cls.__name__, [c.__name__ for c in cls.__mro__[1:]], callable(cls.ignore_lib_warnings)

    torch_out, mg_out = _both(run)
    assert mg_out == torch_out


# ------------------------------------------------------------------ next_functions of dot, mv, vector norms
# torchjd's jac finds its inputs by walking grad_fn.next_functions breadth-first: the composed product's
# inner nodes put a matmul's leaf deeper than PyTorch's, so the Jacobians came back in the other order.

def _graph(fn: Any) -> Any:
    return None if fn is None else (fn.name(), [_graph(f) for f, _ in fn.next_functions])


def test_dot_mv_and_norm_nodes_list_their_inputs() -> None:
    def run(lib: Any) -> Any:
        a, b = lib.ones(2, requires_grad=True), lib.ones(2)
        m = lib.ones(3, 2, requires_grad=True)
        outs = [b @ a, a @ a, m @ a, m @ b, lib.dot(a, b), lib.mv(m, a), a.norm(), (m * 2).norm(p=3),
                lib.linalg.vector_norm(m, dim=1), lib.norm(m), a @ m.T]
        return [_graph(o.grad_fn) for o in outs]

    torch_out, mg_out = _both(run)
    assert mg_out == torch_out
