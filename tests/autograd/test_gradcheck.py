"""mg.gradcheck and mg.gradgradcheck: they pass correct gradients and catch wrong ones."""

from __future__ import annotations

import re

import numpy as np
import pytest

import minigrad as mg
from minigrad.ops import Function
from minigrad.tensor import Array


class WrongSquare(Function):
    """y = a**2 with a deliberately wrong derivative: da = g * a (should be 2 g a)."""

    def forward(self, a: Array) -> Array:
        return a * a

    def backward(self, g: mg.Tensor, out: mg.Tensor) -> tuple[mg.Tensor | None, ...]:
        return (g * self.parents[0],)  # type: ignore[index]


class WrongSecondDerivative(Function):
    """y = a**3, da = 3 g a**2 computed from a detached a: right once, wrong twice.

    Its first derivative is correct, but the backward cuts the graph, so the
    second derivative (6 a) comes out as 0.
    """

    def forward(self, a: Array) -> Array:
        return a * a * a

    def backward(self, g: mg.Tensor, out: mg.Tensor) -> tuple[mg.Tensor | None, ...]:
        a = self.parents[0].detach()  # type: ignore[index]
        return (g * (a * a * 3.0),)


class MissingGradient(Function):
    """y = a * b that forgets b's gradient."""

    def forward(self, a: Array, b: Array) -> Array:
        return a * b

    def backward(self, g: mg.Tensor, out: mg.Tensor) -> tuple[mg.Tensor | None, ...]:
        _, b = self.parents  # type: ignore[misc]
        return (g * b, None)


def _x(values: object) -> mg.Tensor:
    return mg.tensor(values, dtype=mg.float64, requires_grad=True)


def test_passes_on_correct_functions() -> None:
    x, y = _x([[0.3, -1.2, 2.0], [0.7, 0.1, -0.4]]), _x([1.5, -0.5, 0.25])
    assert mg.gradcheck(lambda a, b: (a * b).tanh().sum(0) + a.mean(), (x, y)) is True
    assert mg.gradcheck(lambda a: a.softmax(-1), x) is True  # a single tensor, not a tuple
    assert mg.gradgradcheck(lambda a, b: (a @ b).exp(), (x, y)) is True


def test_handles_several_outputs_and_non_tensor_arguments() -> None:
    x = _x([1.0, 2.0, 3.0])
    assert mg.gradcheck(lambda a, k: (a * k, a.exp(), a.argmax()), (x, 3)) is True


def test_inputs_without_requires_grad_are_not_checked() -> None:
    x = _x([1.0, 2.0])
    c = mg.tensor([3.0, 4.0], dtype=mg.float64)
    assert mg.gradcheck(lambda a, b: WrongSquare.apply(b) + a, (x, c)) is True


def test_inputs_are_left_exactly_as_they_were() -> None:
    values = np.array([0.1, 1 / 3, -2.7])
    x = mg.tensor(values.copy(), requires_grad=True)
    mg.gradcheck(lambda a: a.exp(), x)
    mg.gradgradcheck(lambda a: a.exp(), x)
    np.testing.assert_array_equal(x.detach().numpy(), values)
    assert x.grad is None


def test_wrong_backward_raises_naming_input_element_and_both_values() -> None:
    x = _x([1.0, -2.0])
    y = _x([[0.5, 3.0], [1.0, 1.0]])
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(lambda a, b: a.sum() + WrongSquare.apply(b), (x, y))
    msg = str(info.value)
    # the worst entry: input 1 at element (0, 1), analytical 3 (= a) against numerical 6 (= 2a)
    assert re.search(r"input 1\b", msg), msg
    assert "(0, 1)" in msg, msg
    assert re.search(r"analytical 3\b", msg) and re.search(r"numerical 6\b", msg), msg
    assert "input 0" not in msg.splitlines()[0]
    assert isinstance(info.value, AssertionError)  # GradcheckError(MinigradError, AssertionError)


def test_missing_gradient_is_caught() -> None:
    a, b = _x([1.0, 2.0]), _x([3.0, 4.0])
    with pytest.raises(mg.GradcheckError, match=r"input 1"):
        mg.gradcheck(lambda p, q: MissingGradient.apply(p, q), (a, b))


def test_returns_false_instead_of_raising() -> None:
    x = _x([1.0, 2.0])
    assert mg.gradcheck(lambda a: WrongSquare.apply(a), x, raise_exception=False) is False
    assert mg.gradcheck(lambda a: a * a, x, raise_exception=False) is True
    assert mg.gradgradcheck(lambda a: WrongSecondDerivative.apply(a), x, raise_exception=False) is False


def test_gradgradcheck_catches_a_wrong_second_derivative() -> None:
    x = _x([0.5, -1.5])
    assert mg.gradcheck(lambda a: WrongSecondDerivative.apply(a), x) is True  # first order is right
    with pytest.raises(mg.GradcheckError, match=r"(?i)second-order.*input 0"):
        mg.gradgradcheck(lambda a: WrongSecondDerivative.apply(a), x)


def test_tolerances_are_honoured() -> None:
    x = _x([1.0, 2.0])
    # analytical a vs numerical 2a: relative error 0.5 passes only with rtol above it
    assert mg.gradcheck(lambda a: WrongSquare.apply(a), x, rtol=0.6, atol=0.0) is True
    assert mg.gradcheck(lambda a: WrongSquare.apply(a), x, rtol=0.4, atol=0.0, raise_exception=False) is False
    assert mg.gradcheck(lambda a: WrongSquare.apply(a), x, rtol=0.0, atol=2.1) is True


def test_torch_spelling_and_options() -> None:
    """``torch.autograd.gradcheck`` is where PyTorch code imports it from, with its keywords."""
    from minigrad.autograd import gradcheck as autograd_gradcheck
    from minigrad.autograd.gradcheck import GradcheckError as Error

    assert autograd_gradcheck is mg.gradcheck and mg.autograd.gradgradcheck is mg.gradgradcheck
    assert Error is mg.GradcheckError and issubclass(Error, RuntimeError)
    x = mg.tensor([0.5, -1.5, 2.0], dtype=mg.float64, requires_grad=True)
    assert mg.autograd.gradcheck(lambda a: a.tanh(), (x,), eps=1e-6, atol=1e-5, fast_mode=True,
                                 nondet_tol=0.0, check_undefined_grad=True, check_batched_grad=False)
    with pytest.raises(NotImplementedError, match="check_batched_forward_grad"):
        mg.autograd.gradcheck(lambda a: a.tanh(), (x,), check_batched_forward_grad=True)
    with pytest.raises(TypeError, match="no_such_option"):
        mg.autograd.gradgradcheck(lambda a: a.tanh(), (x,), no_such_option=1)


class DriftingDouble(mg.autograd.Function):
    """y = 2 a whose backward changes after its first ``calls`` uses: right for the Jacobian rows,
    wrong for the upstream gradients check_batched_grad sends through vmap afterwards."""

    calls = 0

    @staticmethod
    def forward(ctx: object, a: mg.Tensor) -> mg.Tensor:
        return a * 2.0

    @staticmethod
    def backward(ctx: object, g: mg.Tensor) -> mg.Tensor:
        DriftingDouble.calls += 1
        return g * (2.0 if DriftingDouble.calls <= 5 else 3.0)


def test_check_batched_grad_runs_vjps_under_vmap() -> None:
    """PyTorch's module and criterion test tables call gradcheck and gradgradcheck with
    check_batched_grad=True (and gradgradcheck with check_fwd_over_rev=False): both run, and the
    batched check compares vmap's vector-Jacobian products with ones computed one at a time."""
    x = mg.tensor([0.5, -1.5], dtype=mg.float64, requires_grad=True)
    w = mg.tensor([[1.0, 2.0], [0.5, -1.0]], dtype=mg.float64, requires_grad=True)
    assert mg.autograd.gradcheck(lambda a, b: (a @ b).tanh(), (x, w), check_batched_grad=True,
                                 fast_mode=None, check_forward_ad=False)
    assert mg.autograd.gradgradcheck(lambda a, b: (a @ b).tanh(), (x, w), check_batched_grad=True,
                                     fast_mode=None, check_fwd_over_rev=False, check_rev_over_rev=True)
    # 2 Jacobian rows + the reentrancy repeat + 2 one-at-a-time products use the right backward;
    # the 2 under vmap get the drifted one
    DriftingDouble.calls = 0
    with pytest.raises(mg.GradcheckError, match=r"For output 0 and input 0.*vmap"):
        mg.autograd.gradcheck(DriftingDouble.apply, (x,), check_batched_grad=True)
    DriftingDouble.calls = 0
    assert mg.autograd.gradcheck(DriftingDouble.apply, (x,), check_batched_grad=True,
                                 raise_exception=False) is False
    with pytest.raises(NotImplementedError, match="check_fwd_over_rev"):
        mg.autograd.gradgradcheck(lambda a: a.tanh(), (x,), check_fwd_over_rev=True)


def test_check_forward_ad_compares_forward_mode_with_finite_differences() -> None:
    """check_forward_ad=True (common_nn's supports_forward_ad entries) checks the tangents of
    autograd.forward_ad against the numerical Jacobian, like PyTorch's: right for a composition,
    wrong where fn reads an input from its closure (its dual is not what fn uses)."""
    x = mg.tensor([0.5, -1.5, 2.0], dtype=mg.float64, requires_grad=True)
    y = mg.tensor([1.0, 0.25, -0.5], dtype=mg.float64, requires_grad=True)
    assert mg.autograd.gradcheck(lambda a, b: (a * b).sin() + a.exp(), (x, y), check_forward_ad=True)
    w = mg.tensor([2.0, 3.0], dtype=mg.float64, requires_grad=True)

    def uses_w_in_place(a: mg.Tensor) -> mg.Tensor:
        return a * w.sum()

    # the harness's pattern: w is passed as an input but read from the closure, so perturbing it in
    # place moves the output while its dual does not: PyTorch's forward-mode check fails here too
    with pytest.raises(mg.GradcheckError, match=r"forward mode mismatch .* input 1"):
        mg.autograd.gradcheck(lambda a, b: uses_w_in_place(a), (x, w), check_forward_ad=True)
    assert mg.autograd.gradcheck(lambda a, b: uses_w_in_place(a), (x, w), check_forward_ad=True,
                                 raise_exception=False) is False


def test_the_function_runs_in_the_callers_grad_mode_as_pytorchs() -> None:
    # PyTorch's gradcheck does not turn grad mode off for the numerical pass: a function may register a
    # hook on an intermediate, or check that a view of a fresh tensor joined the graph (test_autograd.py)
    modes = []

    def fn(root: mg.Tensor, b: mg.Tensor) -> mg.Tensor:
        modes.append(mg.is_grad_enabled())
        x = root.clone()
        x.narrow(1, 2, 2).mul_(b)
        assert x.requires_grad
        x.register_hook(lambda g: g)
        return x

    a = mg.randn(4, 4, dtype=mg.float64)
    b = mg.randn(4, 2, dtype=mg.float64, requires_grad=True)
    assert mg.gradcheck(fn, (a, b))
    assert all(modes) and len(modes) > 8
