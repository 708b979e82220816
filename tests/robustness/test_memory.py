"""Memory: backward frees the graph, long training does not grow, dropped tensors free theirs.

``tracemalloc`` sees numpy's array buffers (numpy reports them to it), so the
traced size is the memory of every live array plus Python objects.
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from typing import Any

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn
import minigrad.nn.functional as F
import minigrad.optim


def _graph(x: mg.Tensor) -> tuple[mg.Tensor, list[weakref.ref[Any]], list[weakref.ref[Any]]]:
    """loss = sum(exp(x * 2) * sin(x)); weak references to the intermediates and their arrays."""
    a = x * 2
    b = a.exp()
    c = b * x.sin()
    loss = c.sum()
    tensors = [weakref.ref(t) for t in (a, b, c)]
    arrays = [weakref.ref(t.detach().numpy()) for t in (a, b, c)]
    return loss, tensors, arrays


def test_backward_releases_the_saved_arrays() -> None:
    """After backward() without retain_graph every node drops its inputs: intermediates die."""
    x = mg.randn(1000, requires_grad=True)
    loss, tensors, arrays = _graph(x)
    assert all(r() is not None for r in tensors + arrays)  # the graph holds them
    fn = loss.grad_fn
    loss.backward()
    assert fn is not None and fn.released
    assert all(r() is None for r in tensors), "an intermediate tensor survived backward()"
    assert all(r() is None for r in arrays), "an intermediate array survived backward()"
    with pytest.raises(mg.MinigradError, match="second time"):
        loss.backward()


def test_retain_graph_keeps_them_until_the_last_backward() -> None:
    x = mg.randn(1000, requires_grad=True)
    loss, tensors, arrays = _graph(x)
    loss.backward(retain_graph=True)
    assert all(r() is not None for r in tensors + arrays)
    first = x.grad.numpy().copy()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)
    assert all(r() is None for r in tensors + arrays)


def test_grad_releases_too() -> None:
    x = mg.randn(100, requires_grad=True)
    loss, tensors, _ = _graph(x)
    (g,) = mg.grad(loss, [x])
    assert g.shape == x.shape
    assert all(r() is None for r in tensors)


@pytest.mark.parametrize("collect", [False, True])
def test_dropped_graph_is_freed_without_cycles(collect: bool) -> None:
    """A loss dropped before backward frees its whole graph by reference counting alone.

    The garbage collector is off while the graph is built and dropped: if the
    intermediates were held in a reference cycle they would survive ``del``.
    ``gc.collect()`` afterwards finds nothing of ours to collect.
    """
    gc.collect()
    gc.disable()
    try:
        x = mg.randn(1000, requires_grad=True)
        loss, tensors, arrays = _graph(x)
        root = weakref.ref(loss)
        del loss
        if collect:
            found = gc.collect()
            assert found == 0, f"gc found {found} unreachable objects: the graph had reference cycles"
        assert root() is None and all(r() is None for r in tensors + arrays)
        assert gc.garbage == []
    finally:
        gc.enable()


def test_module_and_optimizer_are_freed_without_cycles() -> None:
    gc.collect()
    gc.disable()
    try:
        model = mg.nn.Sequential(mg.nn.Linear(8, 8), mg.nn.BatchNorm1d(8), mg.nn.ReLU(), mg.nn.Linear(8, 2))
        opt = mg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        F.cross_entropy(model(mg.randn(4, 8)), mg.tensor([0, 1, 0, 1])).backward()
        opt.step()
        refs = [weakref.ref(p) for p in model.parameters()] + [weakref.ref(model)]
        del model, opt
        found = gc.collect()
        assert all(r() is None for r in refs), "a parameter survived its model and optimizer"
        assert found == 0, f"gc found {found} unreachable objects: model/optimizer reference cycles"
    finally:
        gc.enable()


def _mlp_step_factory() -> Any:
    mg.manual_seed(0)
    model = mg.nn.Sequential(
        mg.nn.Linear(32, 64), mg.nn.BatchNorm1d(64), mg.nn.ReLU(), mg.nn.Dropout(0.2),
        mg.nn.Linear(64, 64), mg.nn.BatchNorm1d(64), mg.nn.ReLU(), mg.nn.Dropout(0.2),
        mg.nn.Linear(64, 10),
    )
    opt = mg.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((32, 32)).astype(np.float32))
    y = mg.tensor(rng.integers(0, 10, 32))

    def step() -> float:
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return float(loss.item())

    return step


#: bytes the traced memory may grow between step 100 and step 1000 (allocator and
#: interpreter noise: small caches, freelists); a leak of one 64x64 float32 array per
#: step would add 16 MB
GROWTH_TOLERANCE = 64 * 1024


def test_memory_does_not_grow_over_1000_training_steps(capsys: pytest.CaptureFixture[str]) -> None:
    """1,000 steps of a Linear/BatchNorm1d/ReLU/Dropout MLP with SGD momentum: flat traced memory."""
    step = _mlp_step_factory()
    gc.collect()
    tracemalloc.start()
    try:  # (no list of 1,000 losses: its own floats would be measured)
        first = step()
        for _ in range(99):
            step()
        gc.collect()
        at_100, _ = tracemalloc.get_traced_memory()
        for _ in range(899):
            step()
        last = step()
        gc.collect()
        at_1000, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    growth = at_1000 - at_100
    with capsys.disabled():
        print(f"\n[memory] traced after step 100: {at_100:,} B, after step 1000: {at_1000:,} B, "
              f"growth {growth:+,} B, peak {peak:,} B")
    assert np.isfinite(last) and last < first
    assert growth < GROWTH_TOLERANCE, f"traced memory grew by {growth:,} bytes between steps 100 and 1000"


def test_the_measurement_sees_a_leak() -> None:
    """The same measurement, with every step's logits kept alive, exceeds the tolerance: it can see leaks."""
    step = _mlp_step_factory()
    kept: list[Any] = []
    model_out = mg.randn(32, 10)

    def leaky_step() -> None:
        step()
        kept.append(model_out * 1.0)  # 1,280 bytes of array per step

    gc.collect()
    tracemalloc.start()
    try:
        for _ in range(20):
            leaky_step()
        start, _ = tracemalloc.get_traced_memory()
        for _ in range(100):
            leaky_step()
        end, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert end - start > GROWTH_TOLERANCE, end - start
