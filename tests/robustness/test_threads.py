"""Grad mode is per thread: no_grad in one thread never switches recording off in another.

Threads meet at barriers so that each check runs while the other thread is
inside its context manager; every barrier has a timeout so a failure cannot
hang the suite, and a worker's exception is re-raised in the main thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

import minigrad as mg

TIMEOUT = 30


def _run(*workers: Callable[[], Any]) -> list[Any]:
    """Run the workers in threads; their return values, or the first exception re-raised."""
    results: list[Any] = [None] * len(workers)
    errors: list[BaseException] = []

    def wrap(i: int, fn: Callable[[], Any]) -> None:
        try:
            results[i] = fn()
        except BaseException as e:  # re-raised below
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a worker thread hung"
    if errors:
        raise errors[0]
    return results


def test_no_grad_in_one_thread_does_not_disable_another() -> None:
    inside = threading.Barrier(2, timeout=TIMEOUT)
    checked = threading.Barrier(2, timeout=TIMEOUT)
    x = mg.ones(3, requires_grad=True)

    def quiet() -> tuple[bool, bool]:
        with mg.no_grad():
            inside.wait()  # the other thread computes now, while this one is inside no_grad
            y = x * 2
            checked.wait()
            return mg.is_grad_enabled(), y.requires_grad

    def recording() -> tuple[bool, bool]:
        inside.wait()
        y = x * 2
        enabled = mg.is_grad_enabled()
        checked.wait()
        y.sum().backward()
        return enabled, y.requires_grad

    (q_enabled, q_rg), (r_enabled, r_rg) = _run(quiet, recording)
    assert (q_enabled, q_rg) == (False, False)
    assert (r_enabled, r_rg) == (True, True)
    assert x.grad is not None and x.grad.tolist() == [2.0, 2.0, 2.0]


def test_enable_grad_inside_no_grad_is_per_thread() -> None:
    """Thread A: no_grad > enable_grad (records). Thread B: no_grad only (does not). Interleaved."""
    step = threading.Barrier(2, timeout=TIMEOUT)
    x = mg.ones(2, requires_grad=True)

    def a() -> list[bool]:
        seen = []
        with mg.no_grad():
            step.wait()
            with mg.enable_grad():
                step.wait()
                seen.append((x * 1).requires_grad)
                step.wait()
            seen.append((x * 1).requires_grad)
        seen.append((x * 1).requires_grad)
        return seen

    def b() -> list[bool]:
        seen = []
        with mg.no_grad():
            step.wait()
            step.wait()
            seen.append((x * 1).requires_grad)  # while A is inside enable_grad
            step.wait()
            seen.append(mg.is_grad_enabled())
        seen.append(mg.is_grad_enabled())
        return seen

    seen_a, seen_b = _run(a, b)
    assert seen_a == [True, False, True]
    assert seen_b == [False, False, True]


def test_set_grad_enabled_and_the_decorator_are_per_thread() -> None:
    gate = threading.Barrier(2, timeout=TIMEOUT)
    x = mg.ones(2, requires_grad=True)

    @mg.no_grad()
    def decorated() -> bool:
        gate.wait()
        gate.wait()
        return (x * 3).requires_grad

    def switched() -> bool:
        with mg.set_grad_enabled(True):
            gate.wait()
            out = (x * 3).requires_grad
            gate.wait()
        return out

    assert _run(decorated, switched) == [False, True]


def test_a_new_thread_starts_with_grad_enabled() -> None:
    with mg.no_grad():
        (enabled,) = _run(mg.is_grad_enabled)
        assert not mg.is_grad_enabled()
    assert enabled is True


def test_concurrent_training_threads_get_correct_gradients() -> None:
    """Four threads each backpropagate their own small graph 200 times (one under no_grad
    evaluation in between): every gradient equals the single-threaded one."""
    rng = np.random.default_rng(0)
    data = [rng.standard_normal((8, 5)).astype(np.float64) for _ in range(4)]
    w0 = rng.standard_normal((5, 3))

    def expected(x: np.ndarray) -> np.ndarray:
        w = mg.tensor(w0, requires_grad=True)
        (mg.tensor(x) @ w).tanh().sum().backward()
        return w.grad.numpy().copy()

    want = [expected(x) for x in data]
    start = threading.Barrier(4, timeout=TIMEOUT)

    def worker(i: int) -> bool:
        start.wait()
        for k in range(200):
            w = mg.tensor(w0, requires_grad=True)
            if k % 2:
                with mg.no_grad():  # interleaved evaluation must not leak into the other threads
                    assert not (mg.tensor(data[i]) @ w).requires_grad
            (mg.tensor(data[i]) @ w).tanh().sum().backward()
            if not np.array_equal(w.grad.numpy(), want[i]):
                return False
        return True

    assert _run(*[lambda i=i: worker(i) for i in range(4)]) == [True] * 4
