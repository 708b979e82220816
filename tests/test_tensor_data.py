"""``Tensor.data`` is a Tensor sharing memory, outside the graph, and the in-place methods (as in PyTorch)."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg


def _param() -> mg.Tensor:
    return mg.tensor([1.0, -2.0, 3.0], dtype=mg.float64, requires_grad=True)


def test_data_is_a_tensor_sharing_memory_without_grad() -> None:
    p = _param()
    d = p.data
    assert isinstance(d, mg.Tensor)
    assert not d.requires_grad and d.is_leaf and d.grad_fn is None
    assert np.shares_memory(d.detach().numpy(), p.detach().numpy())
    d[0] = 10.0  # item assignment on .data of a tensor that requires grad: allowed, seen by p
    assert p.detach().numpy()[0] == 10.0
    y = p * 2
    assert not y.data.requires_grad and y.data.grad_fn is None
    assert np.shares_memory(y.data.detach().numpy(), y.detach().numpy())


def test_data_augmented_assignment_updates_in_place_and_never_rebinds() -> None:
    p = _param()
    p.grad = mg.tensor([0.5, 0.5, -1.0], dtype=mg.float64)
    arr = p.detach().numpy()
    p.data += -0.1 * p.grad
    assert p.detach().numpy() is arr
    np.testing.assert_array_equal(arr, [0.95, -2.05, 3.1])
    p.data -= p.grad
    p.data *= 2.0
    p.data /= 4.0
    assert p.detach().numpy() is arr
    np.testing.assert_allclose(arr, [0.225, -1.275, 2.05], rtol=1e-15)
    assert p.requires_grad and p.is_leaf


def test_inplace_methods_through_data_work_when_the_tensor_requires_grad() -> None:
    p = _param()
    g = mg.tensor([1.0, 2.0, 4.0], dtype=mg.float64)
    assert p.data.add_(g, alpha=-0.5).numpy().tolist() == [0.5, -3.0, 1.0]
    assert p.detach().numpy().tolist() == [0.5, -3.0, 1.0]
    p.data.sub_(g, alpha=2)
    assert p.detach().numpy().tolist() == [-1.5, -7.0, -7.0]
    p.data.mul_(0.5).div_(g)
    assert p.detach().numpy().tolist() == [-0.75, -1.75, -0.875]
    p.data.clamp_(min=-1.0, max=-0.8)
    assert p.detach().numpy().tolist() == [-0.8, -1.0, -0.875]
    p.data.copy_(mg.tensor(7))  # broadcast and converted to float64
    assert p.detach().numpy().tolist() == [7.0, 7.0, 7.0]
    p.data.fill_(2.5)
    assert p.detach().numpy().tolist() == [2.5, 2.5, 2.5]
    p.data.zero_()
    assert p.detach().numpy().tolist() == [0.0, 0.0, 0.0]
    assert p.dtype == mg.float64


def test_data_std_and_friends_are_values_without_graph() -> None:
    p = mg.tensor([1.0, 2.0, 3.0, 4.0], dtype=mg.float64, requires_grad=True)
    s = p.data.std()
    assert not s.requires_grad
    assert s.item() == pytest.approx(np.std([1.0, 2.0, 3.0, 4.0], ddof=1), rel=1e-15)


def test_inplace_on_a_tensor_requiring_grad_still_raises_outside_no_grad() -> None:
    p = _param()
    for update in (lambda: p.add_(1.0), lambda: p.mul_(2.0), lambda: p.copy_(mg.zeros(3)),
                   lambda: p.zero_(), lambda: p.clamp_(0.0), lambda: p.sub_(1.0), lambda: p.div_(2.0)):
        with pytest.raises(mg.MinigradError, match="requires grad"):
            update()
    with mg.no_grad():
        p.add_(mg.tensor([1.0, 1.0, 1.0], dtype=mg.float64), alpha=2)
    assert p.detach().numpy().tolist() == [3.0, 0.0, 5.0]


def test_changes_through_data_are_invisible_to_the_version_check() -> None:
    # PyTorch: .data has its own version counter, so backward uses the new values without complaint
    p = _param()
    y = (p * p).sum()
    p.data.mul_(2.0)
    y.backward()
    assert p.grad is not None
    np.testing.assert_array_equal(p.grad.numpy(), [4.0, -8.0, 12.0])
    # the same change through p itself is caught
    z = (p * p).sum()
    with mg.no_grad():
        p.mul_(2.0)
    with pytest.raises(mg.MinigradError, match="modified by an inplace operation"):
        z.backward()


def test_data_setter_replaces_the_values_shape_and_dtype() -> None:
    p = _param()
    new = mg.zeros(2, 2)
    p.data = new
    assert p.shape == (2, 2) and p.dtype == mg.float32 and p.requires_grad
    assert np.shares_memory(p.detach().numpy(), new.detach().numpy())
    with pytest.raises(TypeError, match="Variable data has to be a tensor"):  # (PyTorch's words)
        p.data = np.zeros(3)  # type: ignore[assignment]
    with pytest.raises(mg.MinigradError, match="floating"):
        p.data = mg.tensor([1, 2])
    q = mg.tensor([1, 2])
    q.data = mg.tensor([True])  # no grad: any dtype
    assert q.dtype == mg.bool_


def test_replacing_data_after_use_is_read_by_backward_as_in_pytorch() -> None:
    p = _param()
    y = (p * p).sum()
    p.data = mg.tensor([1.0, 1.0, 1.0], dtype=mg.float64)
    assert p._version == 0  # (PyTorch's set_data: no version bump, so no error below)
    y.backward()
    assert p.grad is not None and p.grad.tolist() == [2.0, 2.0, 2.0]  # 2 * the new values


def test_replacing_data_with_another_shape_after_use_is_caught_by_backward() -> None:
    p = _param()
    y = (p * p).sum()
    p.data = mg.zeros(5, dtype=mg.float64)
    with pytest.raises(mg.MinigradError, match="modified by an inplace operation"):
        y.backward()


def test_inplace_method_errors() -> None:
    i = mg.tensor([1, 2, 3])
    with pytest.raises(mg.MinigradError, match="alpha"):
        i.add_(1, alpha=0.5)
    with pytest.raises(mg.MinigradError):
        i.div_(2)  # an int64 tensor cannot hold the quotient (PyTorch: RuntimeError)
    with pytest.raises(mg.MinigradError, match="cast"):
        i.clamp_(0.5)
    with pytest.raises(mg.ShapeError, match=r"\(2,\)"):
        mg.zeros(3).copy_(mg.zeros(2))
    with pytest.raises(TypeError, match="Tensor"):
        mg.zeros(3).copy_([1.0, 2.0, 3.0])  # type: ignore[arg-type]
    assert i.add_(mg.tensor([1, 1, 1]), alpha=3).numpy().tolist() == [4, 5, 6]


def test_a_zero_dim_result_has_data_and_inplace_updates() -> None:
    x = mg.tensor(2.0, requires_grad=True)
    loss = (x * x).mean()  # numpy returns a numpy scalar for 0-d arithmetic
    d = loss.data
    d += 1.0
    assert loss.item() == 5.0
    assert isinstance(loss.detach().numpy(), np.ndarray)
