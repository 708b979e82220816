"""Tensor ops against PyTorch 2.13: the disagreements fuzz56's differential fuzzer (random op programs on
random dtypes, shapes and views run under both libraries, values, dtypes, view-ness, gradients and error
classes compared) found."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import outcome, require_torch

torch = pytest.importorskip("torch")


def _grad_after(lib: Any, write: str, view: str) -> Any:
    """x's gradient through b = x * 1 changed in place by ``b.<write>`` (``b`` the written tensor's own
    operand, read through ``view``), or the error backward raises."""
    x = lib.tensor([3.0, -4.0, 0.5], dtype=lib.float64, requires_grad=True)
    b = x * 1
    v = eval(view, {"b": b})
    eval("v." + write, {"v": v, "lib": lib})
    y = (b * lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)).sum() + (v * 1.5).sum()
    return b.detach().numpy().copy(), lib.autograd.grad(y, x)[0].numpy()


@pytest.mark.parametrize("view", ["b", "b.view(3)", "b[:]", "b.unsqueeze(0)"])
@pytest.mark.parametrize("write", ["sub_(v)", "add_(v)", "sub_(v, alpha=2)", "add_(v, alpha=0.5)",
                                   "lerp_(v, 0.25)",
                                   "copy_(v)", "mul_(v)", "div_(v)", "addcmul_(v, v)", "atan2_(v)"])
def test_in_place_op_whose_operand_is_the_written_tensor(write: str, view: str) -> None:
    # b.add_(b) on a tensor in the graph: its op reads b's old history (PyTorch's edge); minigrad's node read
    # b itself, so backward looped for ever (add_, sub_) or gave b's gradient without the write (sub_ with
    # alpha, through a view); an op whose backward reads b raises PyTorch's version error
    require_torch()
    theirs, ours = outcome(lambda lib: _grad_after(lib, write, view), torch), outcome(
        lambda lib: _grad_after(lib, write, view), mg)
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
        return
    assert not isinstance(ours, Exception), ours
    for a, e in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-12)


@pytest.mark.parametrize("values", ["b.sort()[0]", "b.sort(descending=True)[0]", "b.msort()", "b.topk(2)[0]",
                                    "b.kthvalue(2)[0]", "b.median(0)[0]", "b.nanmedian(0)[0]", "b.mode(0)[0]",
                                    "b.max(0)[0]", "b.min(0, keepdim=True)[0]", "b.max(0)", "b.gather(0, i)",
                                    "b.cummax(0)[0]", "b.amax(0)", "b.max()", "b.median()"])
def test_values_along_a_dim_then_changing_the_input_in_place(values: str) -> None:
    # PyTorch's sort, topk, kthvalue, median, mode, max and min along a dim keep only the indices for
    # backward:
    # the input may change in place afterwards (vals, idx = x.max(1); x.relu_()); minigrad raised the version
    # error gather, cummax and amax give (they keep the input)
    require_torch()

    def run(lib: Any) -> Any:
        x = lib.tensor([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], dtype=lib.float64, requires_grad=True)
        b = x * 1
        out = eval(values, {"b": b, "i": lib.tensor([[1, 0, 1]])})
        b.relu_()
        return lib.autograd.grad((out[0] if isinstance(out, tuple) else out).sum() * 2, x)[0].numpy()

    theirs, ours = outcome(run, torch), outcome(run, mg)
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
        return
    assert not isinstance(ours, Exception), ours
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("write", [
    # read as a number first (PyTorch's masked_fill_: index_put_ of one element through one bool mask, its
    # canDispatchToMaskedFill), or not checked at all (masked_scatter_): no overlap error there
    "b[b > 3] = b[0]", "b[b > 3] = b[:1]", "b[..., b > 3] = b[1]", "b[L.tensor([True, False, True])] = b[1]",
    "b.index_put_((b > 3,), b[0])", "b.masked_fill_(b > 3, b[0])", "b.index_fill_(0, L.tensor([1]), b[0])",
    "b.masked_scatter_(b < 4, b[1:])", "b.nan_to_num_(b[0])",
    # any overlap of the source (PyTorch's assert_no_overlap), or a partial one of clamp_'s tensor bounds
    "b.index_add_(0, L.tensor([0, 1, 2]), b)", "b.index_copy_(0, L.tensor([1, 0, 2]), b)",
    "b.put_(L.tensor([1, 0, 2]), b)", "b.scatter_(0, L.tensor([1, 0, 2]), b)",
    "b.scatter_add_(0, L.tensor([1, 0]), b)",
    "b.index_put_((L.tensor([1, 0, 2]),), b)", "b.scatter_reduce_(0, L.tensor([1, 0, 2]), b, 'sum')",
    "b.index_add_(0, L.tensor([0, 1, 2]), b.view(3))", "b.index_add_(0, L.tensor([0, 1, 2]), b.detach())",
    "b.clamp_(b[0])", "b.clamp_(max=b[1:2])", "b.clamp_(b[0], b[2])",
    # still refused / still allowed
    "b[L.tensor([1])] = b[0]", "b.index_put_((b > 3,), b[0], accumulate=True)", "b[b > 0] = b", "b.clamp_(b)",
])
def test_in_place_write_of_a_value_in_the_written_tensors_memory(write: str) -> None:
    require_torch()

    def run(lib: Any) -> Any:
        b = lib.tensor([3.0, 4.0, 5.0])
        exec(write, {"b": b, "L": lib})
        return b.tolist()

    theirs, ours = outcome(run, torch), outcome(run, mg)
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
        return
    assert ours == theirs


@pytest.mark.parametrize("make", ["L.tensor([[1.0, 2.0]], requires_grad=True)",
                                  "L.tensor([[1.0, 2.0]], requires_grad=True) * 1", "L.tensor([[1.0, 2.0]])"])
@pytest.mark.parametrize("view", ["b[:]", "b.view(1, 2)", "b[0:1, :]", "b.detach()", "b.t()", "b"])
@pytest.mark.parametrize("write", ["squeeze_()", "unsqueeze_(0)", "t_()", "transpose_(0, 1)",
                                   "swapdims_(0, 1)",
                                   "detach_()"])
def test_metadata_in_place_ops_on_views(make: str, view: str, write: str) -> None:
    # PyTorch refuses squeeze_/t_/... on a view of a leaf that requires grad, as any in-place op there, and
    # detach_() of any view (b[:1] of a tensor that needs no grad too; detach()'s result is no view)
    require_torch()

    def run(lib: Any) -> Any:
        b = eval(make, {"L": lib})
        v = eval(view, {"b": b})
        eval("v." + write, {"v": v})
        return tuple(v.shape), v.requires_grad, b.requires_grad, v.detach().numpy().tolist()

    theirs, ours = outcome(run, torch), outcome(run, mg)
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
        return
    assert ours == theirs


@pytest.mark.parametrize("out_dtype", ["float16", "float32", "float64", "int64"])
@pytest.mark.parametrize("dtype", ["int32", "float32", "float64"])
def test_float_power_out_must_be_float64(dtype: str, out_dtype: str) -> None:
    # float_power's result is float64: PyTorch refuses an out= of any other dtype (minigrad cast into it)
    require_torch()

    def run(lib: Any) -> Any:
        o = lib.zeros(3, dtype=getattr(lib, out_dtype))
        lib.float_power(lib.tensor([1, 2, 3], dtype=getattr(lib, dtype)), 2.5, out=o)
        return o.numpy()

    theirs, ours = outcome(run, torch), outcome(run, mg)
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
        return
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("view", ["b.unsqueeze(0)", "b.view(1)", "b.reshape(1, 1)", "b[None]", "b[...]",
                                  "b.t()",
                                  "b.expand(1)", "b.unsqueeze(0).squeeze(0)"])
@pytest.mark.parametrize("write", ["mul_(2)", "exp_()", "zero_()", "copy_(L.ones_like(v))", "add_(v)"])
@pytest.mark.parametrize("grad", [False, True])
def test_in_place_write_through_a_view_of_a_0d_result(view: str, write: str, grad: bool) -> None:
    # a 0-d op result (x * 1, mean()) was a numpy scalar in minigrad: its views shared no memory with it, so
    # b.unsqueeze(0).mul_(2) left b (and its gradient) unchanged, where PyTorch writes b
    require_torch()

    def run(lib: Any) -> Any:
        x = lib.tensor(-1.5, dtype=lib.float64, requires_grad=grad)
        b = x * 1
        v = eval(view, {"b": b})
        eval("v." + write, {"v": v, "L": lib})
        got = [b.item(), *np.ravel(v.tolist()), b._version]
        if grad:
            got.append(lib.autograd.grad(b * 3 + v.sum(), x)[0].item())
        return got

    theirs, ours = outcome(run, torch), outcome(run, mg)
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
        return
    assert not isinstance(ours, Exception), ours
    assert ours == pytest.approx(theirs, rel=1e-12)
