"""Behaviours PyTorch's own test/test_autograd.py checks, compared with PyTorch itself.

Each test runs the same code on both libraries (a function taking the library)
and compares values, gradients and errors: median's gradient on ties, custom
Functions returning one tensor twice, indexing with mixed lists and tensors,
deep graphs, backward twice through ops that saved nothing, and the in-place
errors scripts rely on.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _np(t: Any) -> Any:
    return None if t is None else np.asarray(t.detach().numpy())


@pytest.mark.parametrize("name", ["min", "max", "median", "nanmedian"])
@pytest.mark.parametrize("data", [[1.0, 0.0, 1.0, 0.0, 1.0, 0.0], [float("nan")] * 3,
                                  [1.0, float("nan"), 2.0, float("nan")], [3.0, 1.0, 2.0, 2.0]])
def test_full_reduction_shares_gradient_among_ties(name: str, data: list[float]) -> None:
    results = []
    for lib in (mg, torch):
        x = lib.tensor(data, requires_grad=True)
        y = getattr(lib, name)(x)
        (y * 3).backward()
        results.append((_np(y), _np(x.grad), y.grad_fn.name()))
    (my, mgrad, mname), (ty, tgrad, tname) = results
    np.testing.assert_allclose(my, ty)
    np.testing.assert_allclose(mgrad, tgrad, rtol=1e-6)
    assert mname == tname


def test_median_of_empty_is_nan() -> None:
    for name in ("median", "nanmedian"):
        assert np.isnan(getattr(mg, name)(mg.tensor([])).item())
        assert np.isnan(getattr(torch, name)(torch.tensor([])).item())


def _duplicate(lib: Any, seen: list[Any]) -> Any:
    class DoubleDuplicate(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            out = x * 2
            return out, out

        @staticmethod
        def backward(ctx: Any, g1: Any, g2: Any) -> Any:
            seen.append((_np(g1), _np(g2)))
            return g1 * 2 + g2 * 3

    return DoubleDuplicate


def test_custom_function_returning_a_tensor_twice_returns_one_tensor() -> None:
    results = []
    for lib in (mg, torch):
        seen: list[Any] = []
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        a, b = _duplicate(lib, seen).apply(x)
        assert a is b
        (a * lib.tensor([1.0, 10.0], dtype=lib.float64)).sum().backward()
        results.append((seen, _np(x.grad)))
    (mseen, mgrad), (tseen, tgrad) = results
    np.testing.assert_allclose(mgrad, tgrad)  # the gradient reaches backward as its last output's
    for (m1, m2), (t1, t2) in zip(mseen, tseen, strict=True):
        np.testing.assert_allclose(m1, t1)
        np.testing.assert_allclose(m2, t2)
    x = mg.randn(3, 3, dtype=mg.float64, requires_grad=True)
    assert mg.autograd.gradgradcheck(lambda t: sum(_duplicate(mg, []).apply(t)), [x])


# In-place changes and the tensors recorded around them: each case returns the tensor whose sum is
# differentiated; the root's gradient must be PyTorch's.
def _used_before_mul_(lib: Any, root: Any) -> Any:
    x = root.clone()
    y = x * 3  # recorded before x changes: its gradient skips the mul_
    x.mul_(2)
    return y


def _view_before_base_mul_(lib: Any, root: Any) -> Any:
    x = root.clone()
    v = x[0]
    y = v * 3  # the old view's values
    x.mul_(2)
    return y + v  # v is the new values: y's gradient skips the mul_, v's does not


def _sibling_view_mul_(lib: Any, root: Any) -> Any:
    x = root.clone()
    v1, v2 = x.narrow(0, 0, 1), x.narrow(0, 0, 1)
    v1.mul_(2)  # v2 sees the new values: its gradient goes through the mul_
    return v2


def _crossing_views(lib: Any, root: Any) -> Any:
    x = root.clone()
    row, col, t = x[0], x[:, 0], x.t()
    row.mul_(3)
    return col * 2 + t.exp().sum()


def _consumed_then_overwritten(lib: Any, root: Any) -> Any:
    x = root.clone()
    a = x[0]
    y = a * 3
    x[0].fill_(5)  # y was computed from the old values
    return y + x


def _view_of_plain_tensor(lib: Any, root: Any) -> Any:
    x = lib.ones(2, 2)
    x.narrow(1, 1, 1).mul_(root[:, :1])  # x now depends on root
    assert x.requires_grad
    return x * 3


def _view_made_before_base_needs_grad(lib: Any, root: Any) -> Any:
    x = lib.ones(2, 2)
    v = x.select(0, 1)
    x.add_(root)  # v now depends on root
    return v * 2


def _rows_then_block_changed(lib: Any, root: Any) -> Any:
    h = root @ root.t()
    rows = [h[0], h[1]]
    h[1:] *= 2  # rows[1] sees the change, rows[0] does not overlap it
    return (rows[0] * rows[0]).sum() + h.sum() + rows[1].sum()


def _transposed_view_of_changed_base(lib: Any, root: Any) -> Any:
    h = (root @ root).clone()
    ht = h.t()
    h.add_(h.detach() + 1)
    h[0].mul_(3)
    return (ht * ht).sum()


def _strided_view_scaled_by_a_leaf(lib: Any, root: Any) -> Any:
    h = root @ root
    flat = h.view(-1)
    flat[::2].mul_(root.sum())
    return (h**2).sum() + flat.sum()


@pytest.mark.parametrize("case", [_used_before_mul_, _view_before_base_mul_, _sibling_view_mul_,
                                  _crossing_views, _consumed_then_overwritten, _view_of_plain_tensor,
                                  _view_made_before_base_needs_grad, _rows_then_block_changed,
                                  _transposed_view_of_changed_base, _strided_view_scaled_by_a_leaf])
def test_gradients_around_inplace_changes(case: Any) -> None:
    grads = []
    for lib in (mg, torch):
        root = lib.tensor([[0.5, -1.0], [2.0, 0.3]], dtype=lib.float64, requires_grad=True)
        case(lib, root).sum().backward()
        grads.append(_np(root.grad))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def _py_add(lib: Any) -> Any:
    class PyAdd(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any, y: Any) -> Any:
            ctx.mark_dirty(x)
            x.add_(y)
            return x

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g, g * 2

    return PyAdd


def test_custom_function_changing_a_view_in_place_rebases_its_base() -> None:
    grads = []
    for lib in (mg, torch):
        root = lib.tensor(np.arange(16.0).reshape(4, 4) / 7, requires_grad=True)
        b = lib.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=lib.float64, requires_grad=True)
        x = root.clone()
        _py_add(lib).apply(x.narrow(1, 2, 2).narrow(0, 1, 2), b)
        (x * x).sum().backward()
        grads.append((_np(root.grad), _np(b.grad)))
    for m, t in zip(grads[0], grads[1], strict=True):
        np.testing.assert_allclose(m, t, rtol=1e-12)


def test_hooks_of_a_view_changed_in_place_stay_with_its_old_history() -> None:
    for lib in (mg, torch):
        fired: list[str] = []
        base = lib.tensor([1.0], requires_grad=True).clone()
        view, view2 = base[:], base[:]
        view.register_hook(lambda g, fired=fired: fired.append("view"))
        view2.register_hook(lambda g, fired=fired: fired.append("view2 before"))
        view.mul_(2)
        assert view2.grad_fn is not None
        view2.register_hook(lambda g, fired=fired: fired.append("view2 after"))
        (view + view2).sum().backward()
        assert fired == ["view2 after"]


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence")
@pytest.mark.parametrize("index", [[slice(None), [2, 3]], [[2, 3], slice(None)], [[1, 2], [3, 0]],
                                   [[0, 1, 3]], [[1, 2], [0, 1], Ellipsis], [None, 1], [0], [2, 0, 1]])
def test_a_list_of_indices_indexes_as_a_tuple(index: list[Any]) -> None:
    results = []
    for lib in (mg, torch):
        x = lib.arange(1.0, 65.0).view(4, 4, 4).requires_grad_()
        weights = lib.arange(64.0).view(4, 4, 4)
        y = x * weights
        out = y[index]
        (out * out).sum().backward()
        z = lib.zeros(4, 4, 4)
        z[index] = 3.0
        results.append((_np(out), _np(x.grad), _np(z)))
    for m, t in zip(results[0], results[1], strict=True):
        np.testing.assert_allclose(m, t)


def test_a_list_index_warns_as_pytorch() -> None:
    with pytest.warns(UserWarning, match="non-tuple sequence for multidimensional indexing"):
        mg.zeros(3, 3)[[slice(None), [0, 1]]]


def _deep_reentrant(lib: Any) -> Any:
    class DeepReentrant(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            with lib.enable_grad():
                ctx.x = x.detach().requires_grad_(True) - 1
            return ctx.x.detach()

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            if ctx.x < 0:
                return g
            with lib.enable_grad():  # a backward inside this backward, 500 deep
                DeepReentrant.apply(ctx.x).sum().backward()
            return g * 2

    return DeepReentrant


def test_backward_nested_hundreds_deep_in_custom_backwards() -> None:
    for lib in (mg, torch):
        v = lib.tensor(500.0, requires_grad=True)
        _deep_reentrant(lib).apply(v).sum().backward()
        assert v.grad.item() == 2.0


def test_a_chain_of_twenty_thousand_ops_backpropagates() -> None:
    x = mg.tensor([0.5, -1.0], dtype=mg.float64, requires_grad=True)
    y = x
    for _ in range(20_000):
        y = y * 1.0001 + 0.001
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0001**20_000] * 2, rtol=1e-9)


def test_item_assignment_into_an_expanded_tensor_writes_its_memory() -> None:
    results = []
    for lib in (mg, torch):
        g = lib.tensor([2.0]).clone().expand(4)
        g[0] = 0
        g[0] /= 0  # every element shares the one memory location: all nan
        h = lib.zeros(3).expand(2, 3)[1]
        h.mul_(2)  # no element of h shares memory with another
        results.append((_np(g), _np(h)))
    for m, t in zip(results[0], results[1], strict=True):
        np.testing.assert_array_equal(m, t)


def test_an_inplace_op_over_an_expanded_tensor_raises_as_pytorch() -> None:
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
            lib.zeros(2, 1).expand(2, 3)[0].add_(1)


def _nan_backward(lib: Any) -> Any:
    class MakesNan(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            return x.sum(0, keepdim=True)

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            gi = g.clone().expand(5)
            gi[0] = 0
            gi[0] /= 0
            return gi

    return MakesNan


def test_anomaly_mode_names_a_custom_backward_that_returns_nan() -> None:
    for lib in (mg, torch):
        out = _nan_backward(lib).apply(lib.rand(5, requires_grad=True))
        nan = "Function 'MakesNanBackward' returned nan values in its 0th output"
        with pytest.raises(RuntimeError, match=nan), pytest.warns(UserWarning), lib.autograd.detect_anomaly():
            out.backward()


@pytest.mark.parametrize("layout", ["channels_last", "transposed", "strided"])
def test_a_leaf_gradient_is_laid_out_as_its_leaf(layout: str) -> None:
    strides = []
    for lib in (mg, torch):
        if layout == "channels_last":
            leaf = lib.rand((2, 3, 4, 5)).to(memory_format=lib.channels_last)
        elif layout == "transposed":
            leaf = lib.rand(3, 4).t()
        else:  # not dense: the gradient is row-major
            leaf = lib.empty_strided((2, 2), (4, 2)).copy_(lib.rand(2, 2))
        leaf.requires_grad_()
        leaf.sum().backward()
        first = leaf.grad.stride()
        leaf.grad = None
        (leaf * lib.rand(*leaf.shape)).sum().backward()
        strides.append((first, leaf.grad.stride(), leaf.stride() if layout != "strided" else None))
    assert strides[0] == strides[1]


def test_inplace_through_a_view_made_before_its_base_required_grad_raises() -> None:
    for lib in (mg, torch):
        a = lib.randn(2, 3)
        b = a[:]
        b.add_(5)  # fine while a needs no grad
        a.requires_grad = True
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            b.add_(5)
        with lib.no_grad():
            b.add_(1)
        a.detach()[1:].mul_(2)  # a view of a detached alias is free to change
        a.sum().backward()
        np.testing.assert_array_equal(_np(a.grad), np.ones((2, 3)))


def test_inplace_through_a_view_made_under_no_grad_raises() -> None:
    for lib in (mg, torch):
        inp = lib.rand(2, requires_grad=True)
        with lib.no_grad():
            view = inp[:]
        with pytest.raises(RuntimeError, match="A view was created in no_grad mode and is being modified"):
            view.zero_()


def test_a_hook_on_a_tensor_used_inside_and_outside_a_checkpoint_runs_once() -> None:
    results = []
    for lib in (mg, torch):
        calls: list[Any] = []
        w = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        w.register_hook(lambda g, calls=calls: calls.append(_np(g)) or g * 2)
        x = lib.tensor([[0.5, -1.0], [2.0, 1.5]], requires_grad=True)
        h = w * x
        out = lib.utils.checkpoint.checkpoint(lambda t, w=w: w * t, h, use_reentrant=False)
        out.sum().backward()
        results.append((calls, _np(w.grad), _np(x.grad)))
    (mcalls, mw, mx), (tcalls, tw, tx) = results
    assert len(mcalls) == len(tcalls) == 1
    np.testing.assert_allclose(mcalls[0], tcalls[0])
    np.testing.assert_allclose(mw, tw)
    np.testing.assert_allclose(mx, tx)


def test_checkpoint_of_a_function_of_an_input_computed_from_a_captured_tensor() -> None:
    results = []
    for lib in (mg, torch):
        w = lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64, requires_grad=True)
        x = lib.tensor([[0.5, -1.0], [2.0, 1.5]], dtype=lib.float64, requires_grad=True)
        h = (w * x).sin()  # w reaches the output both through h and directly
        out = lib.utils.checkpoint.checkpoint(lambda t, w=w: (w * t).exp() * t, h, use_reentrant=False)
        gw, gx = lib.autograd.grad(out.sum(), (w, x), create_graph=True)
        (gw.sum() + (gx * gx).sum()).backward()
        results.append((_np(gw), _np(gx), _np(w.grad), _np(x.grad)))
    for m, t in zip(results[0], results[1], strict=True):
        np.testing.assert_allclose(m, t, rtol=1e-12)


def test_anomaly_mode_warns_which_node_failed_before_raising() -> None:
    for lib in (mg, torch):
        with pytest.raises(RuntimeError, match="modified by an inplace operation"), \
                pytest.warns(UserWarning) as record, lib.autograd.detect_anomaly():
            a = lib.randn(5, requires_grad=True)
            d1 = a + 1
            d2 = d1**2
            d1 += 1
            lib.autograd.grad(d2.sum(), a)
        messages = [str(w.message) for w in record]
        assert any("Error detected in PowBackward0" in m for m in messages), messages


def test_output_nr_numbers_a_custom_functions_outputs() -> None:
    for lib in (mg, torch):
        cat = lib.cat

        class Halves(lib.autograd.Function):
            @staticmethod
            def forward(ctx: Any, x: Any) -> Any:
                return x[:2] * 1, x[2:] * 1

            @staticmethod
            def backward(ctx: Any, *grads: Any, cat: Any = cat) -> Any:
                return cat(grads)

        x = lib.randn(4, requires_grad=True)
        a, b = Halves.apply(x)
        assert (a.output_nr, b.output_nr, x.output_nr, (x * 2).output_nr) == (0, 1, 0, 0)
        edges = (lib.autograd.graph.GradientEdge(b.grad_fn, b.output_nr),)
        (gb,) = lib.autograd.grad((a.sum() + (b * 3).sum()), edges)
        np.testing.assert_array_equal(_np(gb), [3.0, 3.0])
