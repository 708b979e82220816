"""Finite-difference checks of analytical gradients (first and second order)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from minigrad import autograd
from minigrad.errors import GradcheckError, InvalidParameterError
from minigrad.tensor import Array, Tensor

__all__ = ["gradcheck", "gradgradcheck"]


def _as_tuple(x: Any) -> tuple[Any, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _float_outputs(out: Any) -> list[Tensor]:
    return [o for o in _as_tuple(out) if isinstance(o, Tensor) and o.dtype.kind == "f"]


def _analytical(fn: Callable[..., Any], inputs: tuple[Any, ...], diff: list[int]) -> list[Array]:
    """Jacobians d(all outputs, flattened)/d(input i), one backward per output element."""
    outputs = _float_outputs(fn(*inputs))
    if not outputs:  # else every check passes vacuously
        raise InvalidParameterError("gradcheck: fn returned no floating-point Tensor to differentiate")
    n_out = sum(o.numel() for o in outputs)
    jac = [np.zeros((n_out, inputs[i].numel())) for i in diff]
    row = 0
    for o in outputs:
        for j in range(o.numel()):
            if o.requires_grad:
                seed = np.zeros(o.numel(), dtype=o.dtype)
                seed[j] = 1
                grads = autograd.grad(
                    o, [inputs[i] for i in diff], Tensor._wrap(seed.reshape(o.shape)),
                    retain_graph=True, allow_unused=True,
                )
                for k, g in enumerate(grads):
                    if g is not None:
                        jac[k][row] = g.numpy().reshape(-1)
            row += 1
    return jac


def _numerical(fn: Callable[..., Any], inputs: tuple[Any, ...], diff: list[int], eps: float,
               record: bool) -> list[Array]:
    """Jacobians by central differences: (f(x + eps) - f(x - eps)) / (2 eps) per element.

    ``record`` keeps grad mode on, for functions that differentiate internally.
    """

    def flat_outputs() -> Array:
        with autograd.set_grad_enabled(record):
            outs = _float_outputs(fn(*inputs))
        if not outs:
            return np.zeros(0)
        return np.concatenate([o.numpy().astype(np.float64).reshape(-1) for o in outs])

    jacs = []
    for i in diff:
        x = inputs[i].numpy()
        cols = []
        for k in range(x.size):
            idx = np.unravel_index(k, x.shape)
            orig = x[idx].item()
            x[idx] = orig + eps
            plus = flat_outputs()
            x[idx] = orig - eps
            minus = flat_outputs()
            x[idx] = orig
            cols.append((plus - minus) / (2 * eps))
        n_out = flat_outputs().size
        jacs.append(np.stack(cols, axis=1) if cols else np.zeros((n_out, 0)))
    return jacs


def _rel(a: float, n: float) -> str:
    return f"{abs(a - n) / abs(n):.3g}" if n != 0 else "inf"


def _report(failures: list[tuple[float, int, tuple[int, ...], int, float, float]],
            atol: float, rtol: float, order: str) -> str:
    # Worst first: by how many times an entry exceeds its tolerance atol + rtol*|numerical|,
    # which stays meaningful where the numerical derivative is 0 (a relative error does not).
    failures.sort(key=lambda f: -f[0])
    _, inp, idx, _, a, n = failures[0]
    lines = [
        f"{order} gradient mismatch for input {inp} at element index {idx}: "
        f"analytical {a:.6g} vs numerical {n:.6g} (abs err {abs(a - n):.3g}, rel err {_rel(a, n)}; "
        f"atol={atol}, rtol={rtol}; {len(failures)} entries fail)",
        f"{'input':>5}  {'index':<14}{'output':>7}  {'analytical':>14}  {'numerical':>14}  "
        f"{'abs err':>9}  {'rel err':>9}",
    ]
    for _, inp, idx, out, a, n in failures[:10]:
        lines.append(f"{inp:>5}  {idx!s:<14}{out:>7}  {a:>14.6g}  {n:>14.6g}  "
                     f"{abs(a - n):>9.3g}  {_rel(a, n):>9}")
    if len(failures) > 10:
        lines.append(f"... and {len(failures) - 10} more")
    return "\n".join(lines)


def _check(fn: Callable[..., Any], inputs: tuple[Any, ...], eps: float, atol: float, rtol: float,
           raise_exception: bool, order: str) -> bool:
    diff = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not diff:  # PyTorch raises too: a check of nothing would always pass
        raise InvalidParameterError(
            "gradcheck: no input is a Tensor with requires_grad=True, so there is nothing to check"
        )
    analytical = _analytical(fn, inputs, diff)
    numerical = _numerical(fn, inputs, diff, eps, record=order != "first-order")
    failures = []
    for k, i in enumerate(diff):
        a, n = analytical[k], numerical[k]
        if a.shape != n.shape:
            raise GradcheckError(f"input {i}: the function's outputs changed size between calls")
        bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))
        for out, col in zip(*np.nonzero(bad)):
            av, nv = float(a[out, col]), float(n[out, col])
            excess = abs(av - nv) / (atol + rtol * abs(nv))
            idx = tuple(int(v) for v in np.unravel_index(col, inputs[i].shape))
            failures.append((excess if excess == excess else math.inf, i, idx, int(out), av, nv))
    if failures:
        if raise_exception:
            raise GradcheckError(_report(failures, atol, rtol, order))
        return False
    return True


def gradcheck(fn: Callable[..., Any], inputs: Tensor | Sequence[Any], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """Compare ``fn``'s analytical gradients with central finite differences.

    Every Tensor in ``inputs`` with ``requires_grad`` is checked, element by
    element, against every element of every float output: the full Jacobian,
    so keep shapes small. Use float64 inputs; float32 is too coarse for eps=1e-6.
    An entry passes if ``|analytical - numerical| <= atol + rtol * |numerical|``.

    Returns:
        True if every entry passes; False on failure when ``raise_exception`` is False.

    Raises:
        GradcheckError: on failure, with a table of the worst entries (input,
            element index, output element, analytical, numerical, relative error).
    """
    return _check(fn, _as_tuple(inputs), eps, atol, rtol, raise_exception, "first-order")


def gradgradcheck(fn: Callable[..., Any], inputs: Tensor | Sequence[Any],
                  grad_outputs: Sequence[Tensor] | None = None, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """Check second derivatives: gradcheck of the vector-Jacobian product of ``fn``.

    The function checked maps (inputs, grad_outputs) to the gradients of
    ``fn(*inputs)`` w.r.t. the inputs, computed with ``create_graph=True``.
    ``grad_outputs`` default to fixed pseudo-random float64 tensors.

    Returns and raises as :func:`gradcheck`.
    """
    ins = _as_tuple(inputs)
    diff = [i for i, t in enumerate(ins) if isinstance(t, Tensor) and t.requires_grad]
    outs = _float_outputs(fn(*ins))
    if grad_outputs is None:
        rng = np.random.default_rng(1234)
        grad_outputs = [Tensor(rng.standard_normal(o.shape), dtype=o.dtype, requires_grad=True)
                        for o in outs]
    gos = list(grad_outputs)

    def first_derivative(*args: Any) -> tuple[Tensor, ...]:
        xs, gs = args[: len(ins)], args[len(ins):]
        all_ys = _float_outputs(fn(*xs))
        ys = [o for o in all_ys if o.requires_grad]
        used = [g for o, g in zip(all_ys, gs) if o.requires_grad]
        if not ys:
            return tuple(Tensor._wrap(np.zeros(xs[i].shape)) for i in diff)
        grads = autograd.grad(ys, [xs[i] for i in diff], used, create_graph=True, allow_unused=True)
        return tuple(g if g is not None else Tensor._wrap(np.zeros(xs[i].shape))
                     for g, i in zip(grads, diff))

    return _check(first_derivative, (*ins, *gos), eps, atol, rtol, raise_exception, "second-order")
