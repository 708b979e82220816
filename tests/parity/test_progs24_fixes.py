"""Differences found by the progs24 compat programs (tests/compat/programs), each checked against PyTorch."""

from __future__ import annotations

import pytest

import minigrad as mg
import minigrad.nn.functional as F
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize(("shape", "dim"), [((2, 3), -1), ((3, 4), 0), ((5,), 0), ((2, 3, 4), -2), ((), 0)])
def test_glu_odd_dimension_message_is_pytorchs(shape: tuple[int, ...], dim: int) -> None:
    # tft_grn_quantiles.py prints the error F.glu raises for an odd halving dimension
    with pytest.raises(RuntimeError) as want:
        torch.nn.functional.glu(torch.zeros(shape), dim)
    with pytest.raises(RuntimeError) as got:
        F.glu(mg.zeros(shape), dim)
    assert str(got.value) == str(want.value)


def _message(fn: object, lib: object) -> str:
    with pytest.raises(RuntimeError) as caught:
        fn(lib)  # type: ignore[operator]
    return str(caught.value)


@pytest.mark.parametrize("call", [
    lambda t: t.zeros(3).scatter_reduce(0, t.tensor([0, 1]), t.ones(2), reduce="median"),
    lambda t: t.scatter_reduce(t.zeros(3), 0, t.tensor([0, 1]), t.ones(2), "foo"),
    lambda t: t.zeros(3).index_reduce(0, t.tensor([0, 1]), t.ones(2), "sum"),
    lambda t: t.zeros(3).scatter(0, t.tensor([0, 1]), t.ones(2), reduce="foo"),
])
def test_unknown_reduce_messages_are_pytorchs(call: object) -> None:
    # deep_sets_pooling.py prints the error of scatter_reduce with an unknown reduction
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (index_reduce is beta, scatter's reduce deprecated: PyTorch warns)
        assert _message(call, mg) == _message(call, torch)


_NOT_PD = [[1.0, 2.0], [2.0, 1.0]]


@pytest.mark.parametrize("make", [
    lambda t: t.tensor(_NOT_PD),
    lambda t: t.stack([t.eye(2), t.tensor(_NOT_PD)]),
    lambda t: t.stack([t.eye(2), t.tensor(_NOT_PD)]).reshape(1, 2, 2, 2),
    lambda t: t.diag(t.tensor([1.0, -1.0, 2.0])),
    lambda t: t.tensor([[1.0, float("nan")], [float("nan"), 1.0]]),
])
@pytest.mark.parametrize("call", [
    lambda t, a: t.linalg.cholesky(a),
    lambda t, a: t.linalg.cholesky(a, upper=True),
    lambda t, a: t.cholesky(a),
    lambda t, a: t.linalg.cholesky_ex(a, check_errors=True),
])
def test_cholesky_not_positive_definite_message_is_pytorchs(make: object, call: object) -> None:
    # svgp_inducing_points.py prints the LinAlgError of linalg.cholesky on an indefinite matrix
    import warnings

    def message(lib: object) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (torch.cholesky is deprecated: both warn)
            with pytest.raises(lib.linalg.LinAlgError) as caught:  # type: ignore[attr-defined]
                call(lib, make(lib))  # type: ignore[operator]
        return str(caught.value)

    assert message(mg) == message(torch)


def _edge_names(fn: object) -> list[object]:
    return [None if f is None else f.name() for f, _ in fn.next_functions]  # type: ignore[attr-defined]


@pytest.mark.parametrize("scenario", ["exp_then_mul_", "view_consumer", "add_into_no_grad_leaf", "twice"])
def test_next_functions_point_at_the_node_an_input_had_when_used(scenario: str) -> None:
    # a graph-printing script walked y.grad_fn.next_functions after x was changed in place: PyTorch's edge
    # is still x's old grad_fn (the one y read); minigrad showed x's new (in-place) node there
    def run(t: object) -> list[list[object]]:
        lib: object = t
        w = lib.ones(3, requires_grad=True)  # type: ignore[attr-defined]
        if scenario == "exp_then_mul_":
            x = w.exp()
            y = x * 1
            x.mul_(2)
            return [_edge_names(y.grad_fn), _edge_names(x.grad_fn)]
        if scenario == "view_consumer":
            x = w * 3
            y = x.sin()
            x.add_(1)
            return [_edge_names(y.grad_fn), _edge_names(x.grad_fn)]
        if scenario == "add_into_no_grad_leaf":
            x = lib.zeros(3)  # type: ignore[attr-defined]
            y = x * w
            x.add_(w)
            return [_edge_names(y.grad_fn), _edge_names(x.grad_fn)]
        x = w.sigmoid()
        y = x * 2
        x.mul_(3)
        z = x * 4
        x.add_(1)
        return [_edge_names(y.grad_fn), _edge_names(z.grad_fn), _edge_names(x.grad_fn)]

    assert run(mg) == run(torch)


def test_accumulate_grad_node_is_the_same_object_on_every_walk() -> None:
    # graph_walk_inplace.py (a torchviz-style dump) keys nodes by identity: PyTorch hands out one
    # AccumulateGrad per leaf while it is alive, minigrad made a new one at each next_functions call
    def identities(lib: object) -> list[bool]:
        w = lib.ones(3, requires_grad=True)  # type: ignore[attr-defined]
        b = lib.ones(3, requires_grad=True)  # type: ignore[attr-defined]
        mul = (w.exp() * b).sum().grad_fn.next_functions[0][0]
        first, again = mul.next_functions[1][0], mul.next_functions[1][0]
        first.metadata["tag"] = 1
        edge = lib.autograd.graph.get_gradient_edge(b).node  # type: ignore[attr-defined]
        return [first is again, first.variable is b, edge is first, again.metadata.get("tag") == 1]

    assert identities(mg) == identities(torch) == [True, True, True, True]
