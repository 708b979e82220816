"""Modules, optimizers, lr schedulers and losses in training-style use against PyTorch 2.13: the
disagreements fuzz55's differential fuzzers (random configs run under torch and under minigrad, values,
parameters, state dicts and error classes compared) found."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = pytest.importorskip("torch")


def _error_classes(fn: Any) -> set[str]:
    """The builtin classes of the error fn() raises (empty if it raises none)."""
    try:
        fn()
    except Exception as e:
        return {c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"} - {
            "Exception", "BaseException", "object"}
    return set()


def test_lbfgs_of_parameters_without_elements_raises_pytorchs_runtime_error() -> None:
    # PyTorch's step takes flat_grad.abs().max() of the empty gradient: RuntimeError, not numpy's ValueError
    require_torch()

    def step(lib: Any) -> None:
        p = lib.nn.Parameter(lib.zeros(4, 2, 0, dtype=lib.float64))
        opt = lib.optim.LBFGS([p], line_search_fn="strong_wolfe")

        def closure() -> Any:
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss
        opt.step(closure)

    want = _error_classes(lambda: step(torch))
    assert want == {"RuntimeError"}
    assert want <= _error_classes(lambda: step(mg))


@pytest.mark.parametrize("ignore_index", [-1, -5, -101, 0, 2])
@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 3, 2)])
def test_cross_entropy_of_probabilities_takes_any_negative_ignore_index(ignore_index: int,
                                                                        shape: tuple[int, ...]) -> None:
    # PyTorch refuses only ignore_index >= 0 with probability targets (TORCH_CHECK(ignore_index < 0)):
    # nn.CrossEntropyLoss(ignore_index=-1) on soft labels trains there
    require_torch()
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    t = rng.random(shape)
    t /= t.sum(axis=0 if len(shape) == 1 else 1, keepdims=True)
    w = rng.random(shape[0] if len(shape) == 1 else shape[1])

    def run(lib: Any) -> Any:
        xt = lib.tensor(x, requires_grad=True)
        loss = lib.nn.CrossEntropyLoss(weight=lib.tensor(w), ignore_index=ignore_index, reduction="sum")(
            xt, lib.tensor(t))
        loss.backward()
        return loss.detach().numpy(), xt.grad.numpy()

    want = _error_classes(lambda: run(torch))
    if want:
        assert want <= _error_classes(lambda: run(mg))
        return
    for a, b in zip(run(torch), run(mg), strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("which", ["one without grad", "none with grad", "empty list", "one with grad"])
def test_clip_grad_value_without_any_gradient_raises_as_pytorch(which: str) -> None:
    # PyTorch groups the gradients by device before clamping, and the grouping of an empty list fails
    # (RuntimeError), foreach or not: clip_grad_value_ before the first backward raises there
    require_torch()

    def run(lib: Any) -> Any:
        p, q = lib.nn.Parameter(lib.ones(2) * 3), lib.nn.Parameter(lib.ones(3) * -3)
        arg: Any = {"one without grad": p, "empty list": []}.get(which, [p, q])
        if which == "one with grad":
            q.grad = lib.ones(3) * -2
        lib.nn.utils.clip_grad_value_(arg, 0.5)
        return None if q.grad is None else q.grad.numpy()

    want = _error_classes(lambda: run(torch))
    assert want == ({"RuntimeError"} if which != "one with grad" else set())
    assert want <= _error_classes(lambda: run(mg))
    if not want:
        np.testing.assert_array_equal(run(mg), run(torch))
@pytest.mark.parametrize("layer", ["LazyBatchNorm1d", "LazyBatchNorm2d", "LazyInstanceNorm1d"])
def test_a_lazy_norm_layer_converted_before_its_first_call_keeps_placeholder_buffers(layer: str) -> None:
    # PyTorch's UninitializedBuffer.to(dtype) is still an UninitializedBuffer (its __torch_function__ keeps
    # the subclass): model.double() before the first batch then trains; here the running stats became plain
    # empty tensors and the first call raised a ShapeError
    require_torch()
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 4, 5) if layer != "LazyBatchNorm1d" else (3, 4))
    if layer == "LazyBatchNorm2d":
        x = x[..., None]

    def run(lib: Any) -> Any:
        kw = {"track_running_stats": True} if "Instance" in layer else {}
        m = getattr(lib.nn, layer)(**kw).double()
        kind = type(m.running_mean).__name__
        xt = lib.tensor(x, requires_grad=True)
        y = m(xt)
        (y * lib.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)))).sum().backward()
        dtypes = [str(b.dtype).split(".")[-1] for b in m.buffers()]
        stats = m.running_mean.numpy(), m.running_var.numpy()
        return kind, dtypes, y.detach().numpy(), xt.grad.numpy(), *stats

    want, got = run(torch), run(mg)
    assert want[:2] == got[:2] == ("UninitializedBuffer", want[1])
    for a, b in zip(want[2:], got[2:], strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)
