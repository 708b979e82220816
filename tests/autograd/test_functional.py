"""minigrad.autograd.functional: values against hand-derived derivatives, structures, modes and errors."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def _t(values: list[float] | float, grad: bool = False) -> mg.Tensor:
    return mg.tensor(values, dtype=mg.float64, requires_grad=grad)


def test_jacobian_of_elementwise_and_reduction() -> None:
    x = _t([0.5, -1.0, 2.0])
    j = jacobian(lambda a: a.exp(), x)
    assert isinstance(j, mg.Tensor) and j.shape == (3, 3)
    np.testing.assert_allclose(j.numpy(), np.diag(np.exp(x.numpy())), rtol=1e-14)
    both = jacobian(lambda a, b: (a * b).sum(), (x, _t([1.0, 2.0, 3.0])))
    assert isinstance(both, tuple) and [t.shape for t in both] == [(3,), (3,)]
    np.testing.assert_allclose(both[0].numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(both[1].numpy(), x.numpy())


def test_jacobian_structure_for_tuples_on_both_sides() -> None:
    x, y = _t([[1.0, 2.0], [3.0, 4.0]]), _t([5.0, 6.0])
    jac = jacobian(lambda a, b: (a.sum(1) * b, b * 2.0), (x, y))
    assert isinstance(jac, tuple) and all(isinstance(row, tuple) for row in jac)
    assert [[t.shape for t in row] for row in jac] == [[(2, 2, 2), (2, 2)], [(2, 2, 2), (2, 2)]]
    np.testing.assert_array_equal(jac[1][0].numpy(), np.zeros((2, 2, 2)))  # independent: zeros
    np.testing.assert_array_equal(jac[1][1].numpy(), 2 * np.eye(2))


def test_hessian_of_a_quadratic_form() -> None:
    a = np.array([[2.0, 1.0], [0.0, 3.0]])
    h = hessian(lambda x: x @ mg.tensor(a) @ x, _t([0.3, -0.7]))
    np.testing.assert_allclose(h.numpy(), a + a.T, rtol=1e-14)
    hh = hessian(lambda x, y: (x * x * y).sum(), (_t([1.0, 2.0]), _t([3.0, 4.0])))
    assert isinstance(hh, tuple) and len(hh) == 2 and all(len(row) == 2 for row in hh)
    np.testing.assert_allclose(hh[0][0].numpy(), np.diag([6.0, 8.0]))  # d2/dx2 = 2y
    np.testing.assert_allclose(hh[0][1].numpy(), np.diag([2.0, 4.0]))  # d2/dxdy = 2x
    np.testing.assert_allclose(hh[1][1].numpy(), np.zeros((2, 2)))


def test_vjp_jvp_hvp_vhp_values() -> None:
    x = _t([0.1, 0.2, 0.3])
    v = _t([1.0, -1.0, 2.0])
    out, g = vjp(lambda a: a.sin(), x, v)
    np.testing.assert_allclose(out.numpy(), np.sin(x.numpy()))
    np.testing.assert_allclose(g.numpy(), np.cos(x.numpy()) * v.numpy())
    out, jv = jvp(lambda a: a.sin(), x, v)
    np.testing.assert_allclose(jv.numpy(), np.cos(x.numpy()) * v.numpy())

    def f(a: mg.Tensor) -> mg.Tensor:
        return (a * a * a).sum()  # H = diag(6a)

    for fn in (hvp, vhp):
        val, hv = fn(f, x, v)
        np.testing.assert_allclose(val.numpy(), np.sum(x.numpy() ** 3))
        np.testing.assert_allclose(hv.numpy(), 6 * x.numpy() * v.numpy(), rtol=1e-14)
    out, g = vjp(lambda a: (a * a).sum(), _t(3.0))  # v may be omitted for a one-element output
    assert g.item() == 6.0


def test_results_carry_no_graph_unless_asked() -> None:
    x = _t([1.0, 2.0], grad=True)
    out, g = vjp(lambda a: (a * a).sum(), x)
    assert not out.requires_grad and not g.requires_grad
    out, g = vjp(lambda a: (a * a * a).sum(), x, create_graph=True)
    assert out.requires_grad and g.requires_grad
    (gx,) = mg.grad(g.sum(), x)
    np.testing.assert_allclose(gx.detach().numpy(),
                               6 * x.detach().numpy())  # d/dx sum(3x^2) = 6x: gradients flow back to x
    assert x.grad is None


def test_inputs_are_not_modified_and_grad_mode_is_restored() -> None:
    x = _t([1.0, 2.0])
    with mg.no_grad():
        j = jacobian(lambda a: a * a, x)
        assert not mg.is_grad_enabled()
    assert not x.requires_grad and x.grad is None
    np.testing.assert_allclose(j.numpy(), np.diag([2.0, 4.0]))


def test_strict_mode() -> None:
    x, y = _t([1.0]), _t([2.0])
    _, (gx, gy) = vjp(lambda a, b: a * 2.0, (x, y), _t([1.0]))
    assert gx.tolist() == [2.0] and gy.tolist() == [0.0]  # not strict: zeros for an unused input
    with pytest.raises(mg.MinigradError, match="independent of input 1"):
        vjp(lambda a, b: a * 2.0, (x, y), _t([1.0]), strict=True)
    with pytest.raises(mg.MinigradError, match="independent of input 1"):
        jacobian(lambda a, b: a * 2.0, (x, y), strict=True)
    with pytest.raises(mg.MinigradError, match="does not require gradients"):
        jacobian(lambda a: mg.ones(1), x, strict=True)
    with pytest.raises(mg.MinigradError, match="hessian"):
        hessian(lambda a: a.sum() * 3.0, x, strict=True)  # linear: its Hessian does not depend on x
    with pytest.raises(mg.MinigradError, match=r"strict=True.*vectorized=True"):  # (PyTorch's words)
        jacobian(lambda a: a, x, strict=True, vectorize=True)


def test_argument_errors() -> None:
    x = _t([1.0, 2.0])
    with pytest.raises(TypeError, match="inputs given to vjp must be either a Tensor or a tuple"):
        vjp(lambda a: a, [x])  # a list is not a tuple of Tensors
    with pytest.raises(TypeError, match="value at index 1"):
        jacobian(lambda a, b: a, (x, 3.0))
    with pytest.raises(TypeError, match="outputs of the user-provided function"):
        jacobian(lambda a: [a], x)
    with pytest.raises(mg.MinigradError, match="v can only be None"):
        vjp(lambda a: a, x)
    with pytest.raises(mg.MinigradError, match="v has invalid size"):
        jvp(lambda a: a, x, _t([1.0]))
    with pytest.raises(mg.MinigradError, match="should contain a single element"):
        hvp(lambda a: a * 2.0, x, x)
    with pytest.raises(mg.MinigradError, match="should return a single Tensor"):
        hessian(lambda a: (a.sum(), a.sum()), x)
    with pytest.raises(NotImplementedError):
        jacobian(lambda a: a, x, strategy="forward-mode")  # without vectorize=True, as PyTorch
    with pytest.raises(mg.InvalidParameterError, match="strategy"):
        jacobian(lambda a: a, x, strategy="sideways")


def test_vectorize_and_forward_mode_give_the_same_exact_jacobian() -> None:
    x = _t([0.2, 0.4, 0.8])
    base = jacobian(lambda a: a.tanh() * a.sum(), x)
    for kw in ({"vectorize": True}, {"vectorize": True, "strategy": "forward-mode"}):
        np.testing.assert_array_equal(jacobian(lambda a: a.tanh() * a.sum(), x, **kw).numpy(), base.numpy())
    forward = hessian(lambda a: (a.tanh() * a).sum(), x, vectorize=True,
                      outer_jacobian_strategy="forward-mode")
    np.testing.assert_array_equal(forward.detach().numpy(),
                                  hessian(lambda a: (a.tanh() * a).sum(), x).detach().numpy())
