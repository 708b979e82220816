"""Tensor hooks run in PyTorch's order: a leaf's hooks (and its post-accumulate hooks) as soon as its last
gradient has arrived, before the nodes still waiting, as PyTorch's AccumulateGrad nodes run first among
the ready ones; an intermediate tensor's when its node is reached."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch


def _two_branches(lib: Any, x: Any, w: Any, v: Any, order: list[str]) -> Any:
    a, b = x * 2, w * 3
    a.register_hook(lambda g: order.append("a"))
    b.register_hook(lambda g: order.append("b"))
    return a + b


def _product_of_branches(lib: Any, x: Any, w: Any, v: Any, order: list[str]) -> Any:
    a, b = x * 2, w * v
    a.register_hook(lambda g: order.append("a"))
    b.register_hook(lambda g: order.append("b"))
    return a * b


def _shared_intermediate(lib: Any, x: Any, w: Any, v: Any, order: list[str]) -> Any:
    h = x * w
    h.register_hook(lambda g: order.append("h"))
    return h.tanh() * v + h * x


def _leaf_read_twice(lib: Any, x: Any, w: Any, v: Any, order: list[str]) -> Any:
    return w * x + (v * x).exp()


def _chain_and_side(lib: Any, x: Any, w: Any, v: Any, order: list[str]) -> Any:
    m = lib.nn.functional.linear(x.unsqueeze(0), w.unsqueeze(0).expand(2, 3))
    m.register_hook(lambda g: order.append("m"))
    return (m.sum() * v).sigmoid() + w.sum()


GRAPHS: dict[str, Callable[..., Any]] = {
    "two_branches": _two_branches, "product_of_branches": _product_of_branches,
    "shared_intermediate": _shared_intermediate, "leaf_read_twice": _leaf_read_twice,
    "chain_and_side": _chain_and_side,
}


def _order(lib: Any, graph: Callable[..., Any], post: bool) -> list[str]:
    order: list[str] = []
    leaves = {n: lib.randn(3, requires_grad=True) for n in "xwv"}
    for n, t in leaves.items():
        t.register_hook(lambda g, n=n: order.append(n))
        if post:
            t.register_post_accumulate_grad_hook(lambda p, n=n: order.append(n + ".grad"))
    graph(lib, *leaves.values(), order).sum().backward()
    return order


@pytest.mark.parametrize("post", [False, True])
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_hooks_run_in_pytorchs_order(name: str, post: bool) -> None:
    torch = require_torch()
    assert _order(mg, GRAPHS[name], post) == _order(torch, GRAPHS[name], post)


def _whole_gradient_seen(lib: Any) -> tuple[list[float], Any, list[float]]:
    x = lib.ones(2, requires_grad=True)
    seen: list[Any] = []
    x.register_hook(lambda g: seen.append((g.clone(), x.grad)))
    z = (x * 2) * 3 + x * 4
    z.sum().backward()
    ((g, grad_then),) = seen
    return g.tolist(), grad_then, x.grad.tolist()


def test_a_hook_sees_the_leafs_whole_gradient_and_grad_is_set_after_it() -> None:
    torch = require_torch()
    for lib in (mg, torch):
        assert _whole_gradient_seen(lib) == ([10.0, 10.0], None, [10.0, 10.0])
