"""nn.utils.clip_grad_norm_ / clip_grad_value_: values by hand, in-place updates, argument checks."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
from minigrad.nn.utils import clip_grad_norm_, clip_grad_value_


def _with_grads(*grads: list[float]) -> list[mg.Tensor]:
    ps = []
    for g in grads:
        p = mg.Tensor(np.zeros(len(g)), requires_grad=True)
        p.grad = mg.Tensor(np.array(g, dtype=np.float64))
        ps.append(p)
    return ps


def test_total_norm_is_the_norm_of_all_gradients_and_scaling_is_in_place() -> None:
    ps = _with_grads([3.0, 0.0], [0.0, 4.0])
    arrays = [p.grad.numpy() for p in ps]
    total = clip_grad_norm_(ps, max_norm=1.0)
    assert total.item() == pytest.approx(5.0, rel=1e-15)
    coef = 1.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(ps[0].grad.numpy(), [3.0 * coef, 0.0], rtol=1e-15)
    np.testing.assert_allclose(ps[1].grad.numpy(), [0.0, 4.0 * coef], rtol=1e-15)
    assert all(p.grad.numpy() is a for p, a in zip(ps, arrays, strict=True))


def test_small_gradients_are_left_alone_and_inf_norm() -> None:
    ps = _with_grads([0.3, -0.4], [0.1])
    total = clip_grad_norm_(ps, max_norm=10.0, norm_type=float("inf"))
    assert total.item() == pytest.approx(0.4)
    np.testing.assert_array_equal(ps[0].grad.numpy(), [0.3, -0.4])


def test_accepts_a_module_parameters_generator() -> None:
    model = nn.Linear(3, 2)
    (model(mg.ones(4, 3)) * 100).sum().backward()
    before = np.sqrt(sum((p.grad.numpy().astype(np.float64) ** 2).sum() for p in model.parameters()))
    total = clip_grad_norm_(model.parameters(), 0.5)
    assert total.dtype == np.float32
    assert total.item() == pytest.approx(before, rel=1e-6)
    after = np.sqrt(sum((p.grad.numpy().astype(np.float64) ** 2).sum() for p in model.parameters()))
    assert after == pytest.approx(0.5, rel=1e-5)


def test_invalid_arguments() -> None:
    ps = _with_grads([1.0])
    with pytest.raises(mg.InvalidParameterError, match=r"max_norm.*'big'"):
        clip_grad_norm_(ps, "big")  # type: ignore[arg-type]
    with pytest.raises(mg.InvalidParameterError, match=r"norm_type.*'l2'"):
        clip_grad_norm_(ps, 1.0, norm_type="l2")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected Tensors"):
        clip_grad_norm_([np.ones(3)], 1.0)  # type: ignore[list-item]
    with pytest.raises(mg.InvalidParameterError, match=r"clip_value.*None"):
        clip_grad_value_(ps, None)  # type: ignore[arg-type]


def test_clip_grad_value_clamps_in_place() -> None:
    ps = _with_grads([-3.0, 0.5, 2.0])
    clip_grad_value_(ps[0], 1.0)
    np.testing.assert_array_equal(ps[0].grad.numpy(), [-1.0, 0.5, 1.0])


def test_vector_to_parameters_makes_views_of_the_vector_and_checks_its_input() -> None:
    from minigrad.nn.utils import parameters_to_vector, vector_to_parameters

    model = nn.Linear(3, 2)
    vec = parameters_to_vector(model.parameters())
    assert vec.shape == (8,) and vec.dtype == np.float32
    new = mg.tensor(np.arange(8.0))
    vector_to_parameters(new, model.parameters())  # (as PyTorch's: p.data = new[i:j].view_as(p))
    np.testing.assert_array_equal(model.weight.detach().numpy(), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(model.bias.detach().numpy(), [6.0, 7.0])
    assert model.weight.dtype == np.float64 and model.weight.requires_grad and model.weight.is_leaf
    new.mul_(2)  # the parameters share the vector's memory
    np.testing.assert_array_equal(model.bias.detach().numpy(), [12.0, 14.0])
    with pytest.raises(TypeError, match=r"expected torch.Tensor, but got: numpy.ndarray"):  # PyTorch's
        vector_to_parameters(np.zeros(8), model.parameters())  # type: ignore[arg-type]
    with pytest.raises(mg.ShapeError, match=r"shape '\[2\]' is invalid for input of size 1"):
        vector_to_parameters(mg.zeros(7), model.parameters())
