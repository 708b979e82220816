"""Lead session 51: the paths a custom Dataset's samples take (``x[i]`` on data that needs no gradient,
``torch.stack`` of a batch, ``default_collate``) skip the op dispatch; each keeps PyTorch's semantics."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _sample_views(lib: Any) -> list[Any]:
    """What a script can observe of ``x[i]``: values, shape, base, shared memory, versions, errors."""
    x = lib.arange(12.0).reshape(3, 4)
    y = lib.tensor([3, 1, 2])
    row, last, item = x[1], x[-1], y[2]
    seen: list[Any] = [row.tolist(), last.tolist(), item.shape, item.item(), row._base is x, item._base is y,
                       row.requires_grad, row.grad_fn is None, row.is_contiguous(), row._version]
    x.add_(1)  # an in-place write of the base moves its views' versions and is seen through them
    seen += [row._version, row.tolist()]
    row.mul_(2)  # and one through a view moves the base's
    seen += [x._version, x.tolist()]
    for bad in (3, -4):
        with pytest.raises(IndexError) as e:
            x[bad]
        seen.append(str(e.value).split(" (")[0])
    return seen


def test_an_int_index_of_data_that_needs_no_gradient_is_a_view_as_pytorchs() -> None:
    torch = require_torch()
    assert _sample_views(mg) == _sample_views(torch)


def test_an_int_index_still_records_through_data_that_needs_a_gradient() -> None:
    w = mg.ones(3, 2, requires_grad=True)
    w[1].sum().backward()
    assert w.grad is not None and w.grad.tolist() == [[0, 0], [1, 1], [0, 0]]
    with mg.inference_mode():  # (the op's path: an inference tensor's view is one too)
        v = mg.ones(2, 2)[0]
    assert v.is_inference()


def _batches(lib: Any) -> list[Any]:
    rows = [lib.arange(6.0).reshape(2, 3)[i] for i in range(2)] + [lib.full((3,), 7.0)]
    cols = [lib.arange(6.0).reshape(2, 3).t()[i] for i in range(3)]  # (not contiguous)
    seen: list[Any] = []
    for ts in (rows, cols, [lib.tensor(1), lib.tensor(5)], [lib.ones(2, 2, dtype=lib.float64)] * 2):
        s = lib.stack(ts)
        seen += [s.tolist(), s.dtype == ts[0].dtype, s.shape, s.is_contiguous(), s.grad_fn is None]
        s[0].fill_(-1)  # a new array: the samples are not changed
        seen.append(ts[0].tolist())
    mixed = lib.stack([lib.ones(2), lib.ones(2, dtype=lib.float64)])  # promoted
    seen.append(str(mixed.dtype).split(".")[-1])
    with pytest.raises(RuntimeError) as e:
        lib.stack([lib.ones(3), lib.ones(2)])
    seen.append(str(e.value).split(" (")[0])
    collate = lib.utils.data.default_collate
    samples = [(lib.arange(4.0)[i:i + 2], lib.tensor(i), i) for i in range(3)]
    xb, yb, ib = collate(samples)
    names = [str(t.dtype).split(".")[-1] for t in (yb, ib)]
    seen += [xb.tolist(), yb.tolist(), ib.tolist(), names, xb.is_contiguous()]
    return seen


def test_stack_and_collate_of_a_batch_that_records_nothing_agree_with_pytorch() -> None:
    torch = require_torch()
    assert _batches(mg) == _batches(torch)


def test_stack_of_samples_that_need_a_gradient_still_records() -> None:
    w = mg.ones(3, requires_grad=True)
    s = mg.stack([w * 2, w * 3])
    s.sum().backward()
    assert s.grad_fn is not None and type(s.grad_fn).__name__ == "StackBackward0"
    assert w.grad is not None and np.array_equal(w.grad.numpy(), np.full(3, 5.0, np.float32))


def _saved_view_then_base_written(lib: Any, order: str) -> Any:
    """A view saved by an op, then its base (or the base's base) written in place: PyTorch's backward
    refuses."""
    w = lib.ones(4, requires_grad=True)
    if order == "temporary root":  # x is a view of a temporary: x's views must still share x's counter
        x = lib.arange(12.0).reshape(3, 4)
        row = x[1]
    else:  # the root is dropped after the views were made
        root = lib.arange(12.0)
        x = root.view(3, 4)
        row = x[1]
        del root
    loss = (w * row).sum()
    x.add_(1)
    try:
        loss.backward()
    except RuntimeError as e:
        return (row._version, x._version, str(e).split(":")[0])
    return (row._version, x._version, w.grad.tolist())


@pytest.mark.parametrize("order", ["temporary root", "root dropped later"])
def test_a_write_to_a_base_whose_own_base_is_gone_still_reaches_its_views(order: str) -> None:
    """minigrad's views held their base weakly: with the root gone, x[1] and x shared no version counter, so
    the backward read the new values (a wrong gradient) where PyTorch's refuses."""
    torch = require_torch()
    assert _saved_view_then_base_written(mg, order) == _saved_view_then_base_written(torch, order)


@pytest.mark.parametrize("data, dtype", [
    ([196, 1e30, 2**64], None), ([2**64, 1.5], None), ([[2**64, 1.5]], "float64"), ([True, 2**64], "bool"),
    ([2**64], "float32"), ([2**64], None), ([2**63], None), ([2**64], "int64"),
])
def test_ints_beyond_int64_among_floats_or_for_bools_are_converted_as_pytorchs(data: Any, dtype: Any) -> None:
    """PyTorch infers floats when a float is among the numbers (and takes any dtype= of floats or bools), so
    a huge int is converted; minigrad refused every list holding a float beside one."""
    torch = require_torch()

    def make(lib: Any) -> Any:
        try:
            t = lib.tensor(data, dtype=None if dtype is None else getattr(lib, dtype))
        except ValueError as e:
            return str(e).split(" (")[0]
        return str(t.dtype).split(".")[-1], t.tolist()

    assert make(mg) == make(torch)


@pytest.mark.parametrize("data", [[1] * 64, [0.5, 2] * 8, [[1.0, 2.0]] * 3, [True, False], (1, 2.5), [[]],
                                  []])
def test_tensor_of_python_numbers_is_a_new_array_with_pytorchs_dtype(data: Any) -> None:
    torch = require_torch()
    t, ref = mg.tensor(data), torch.tensor(data)
    assert (str(t.dtype).split(".")[-1], t.tolist()) == (str(ref.dtype).split(".")[-1], ref.tolist())
    assert t.numpy().flags.owndata and t.numpy().flags.writeable


def _conversions(lib: Any) -> list[Any]:
    x, i = lib.ones(2, 3), lib.ones(2, dtype=lib.int64)
    w = lib.ones(2, 3, requires_grad=True)
    u = w.t().unsqueeze(1)
    return [x.float() is x, x.to("cpu") is x, x.to(lib.device("cpu")) is x, i.long() is i, x.double() is x,
            i.bool() is i, x.to("cpu", lib.float64) is x, type(u.grad_fn).__name__, tuple(u.shape),
            u._base is w, u.is_contiguous(), x.unsqueeze(-1).shape == (2, 3, 1), x.unsqueeze(0)._base is x]


def test_conversions_with_nothing_to_do_return_self_and_unsqueeze_is_a_view_as_pytorchs() -> None:
    torch = require_torch()
    assert _conversions(mg) == _conversions(torch)


def _family_after_a_link_is_gone(lib: Any) -> list[Any]:
    """Views and detach()'s aliases share one version counter in PyTorch, whichever member is gone."""
    x = lib.arange(4.0)
    alias = x.detach()
    piece = alias.chunk(2)[0]  # a view of the alias
    flat = x.view(2, 2).select(0, 1)  # a view of a view that is gone
    del alias
    seen = []
    for member, write in ((piece, "mul_"), (x, "add_"), (flat, "zero_")):
        getattr(member, write)(*(() if write == "zero_" else (2,)))
        seen.append([x._version, piece._version, flat._version])
    w = lib.ones(2, requires_grad=True)
    loss = (w * piece).sum()
    x.add_(1)  # through the gone alias: backward must see piece changed
    try:
        loss.backward()
    except RuntimeError as e:
        seen.append(str(e).split(":")[0])
    return seen


def test_views_of_a_gone_detached_alias_share_its_base_version_counter() -> None:
    """Found by a differential fuzzer of view/alias families (1,500 random families, writes through random
    members): a view of a detach() alias lost its link to the base once the alias was gone."""
    torch = require_torch()
    assert _family_after_a_link_is_gone(mg) == _family_after_a_link_is_gone(torch)


def _write_through_a_view_of_a_gone_base(lib: Any) -> list[Any]:
    w = lib.ones(4, requires_grad=True)
    b = lib.zeros(4, 4)[:, 1:]  # a view of a temporary
    b[:, 0].add_(w * 2)
    seen: list[Any] = [type(b.grad_fn).__name__, type(b._base.grad_fn).__name__, b._base.grad_fn.name()]
    (b * lib.arange(12.0).reshape(4, 3)).sum().backward()
    assert w.grad is not None
    return [*seen, w.grad.tolist(), b.tolist()]


def test_an_in_place_write_through_a_view_of_a_gone_base_reaches_the_other_views() -> None:
    """minigrad found no base to give the write's history (the temporary was gone), so b kept none and
    backward raised "does not require grad" where PyTorch's gives w its gradient (suites51 saw it in kornia;
    a fuzzer of such writes: 849 of 1,000 random cases disagreed, now none but signed zeros). PyTorch's node
    class of torch::autograd::CopySlices is named CopySlices."""
    torch = require_torch()
    assert _write_through_a_view_of_a_gone_base(mg) == _write_through_a_view_of_a_gone_base(torch)


def test_a_bool_tensor_is_an_index_as_pytorchs() -> None:
    """operator.index(tensor(True)) is 1 in PyTorch (scripts51: a list indexed by a bool tensor); a bool
    tensor inside [] stays a mask."""
    torch = require_torch()
    for lib in (torch, mg):
        t = lib.tensor(True)
        assert (operator.index(t), [10, 20][t], range(5)[t], hex(t)) == (1, 20, 1, "0x1")
        assert lib.zeros(4)[t].shape == (1, 4) and lib.zeros(3)[lib.tensor(False)].shape == (0, 3)
    with pytest.raises(TypeError):
        operator.index(mg.tensor(2.0))


_SCHEDULER_MODULE = """
import torch
from torch.optim import lr_scheduler
opt = torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.5)
s = lr_scheduler.MultiStepLR(opt, milestones=[2])
mine = type("Mine", (), {})()
print(s.__module__ == lr_scheduler.__name__, lr_scheduler.__name__, mine.__module__ == lr_scheduler.__name__)
try:
    lr_scheduler.NoSuchScheduler
except AttributeError as e:
    print(str(e).split(" is not")[0])
"""


def test_a_script_tells_pytorchs_schedulers_by_their_module_name(tmp_path: Any) -> None:
    """d2l's training loop: ``if scheduler.__module__ == lr_scheduler.__name__: scheduler.step()`` (else it
    calls the scheduler as a function of the epoch). Under the alias the classes said torch.optim.lr_scheduler
    and the module minigrad.optim.lr_scheduler, so PyTorch's schedulers took the wrong branch (scripts51)."""
    import subprocess
    import sys

    script = tmp_path / "schedulers.py"
    script.write_text(_SCHEDULER_MODULE)
    out = subprocess.run([sys.executable, "-m", "minigrad.compat", str(script)], capture_output=True,
                         text=True, check=True, cwd=tmp_path).stdout.split("\n")
    assert out[:2] == ["True torch.optim.lr_scheduler False", "torch.optim.lr_scheduler.NoSuchScheduler"]
    assert mg.optim.lr_scheduler.__name__ == "minigrad.optim.lr_scheduler"  # (native minigrad: its own name)


def _to_indexed_device(lib: Any) -> list[Any]:
    x = lib.ones(2, requires_grad=True)
    forms = [lambda: x.to("cpu:0"), lambda: x.to(lib.device("cpu", 0)), lambda: x.to(device="cpu:0"),
             lambda: x.to("cpu:0", lib.float64), lambda: x.to("cpu"), lambda: x.to(lib.device("cpu"))]
    seen = []
    for form in forms:
        y = form()
        seen.append((y is x, None if y.grad_fn is None else type(y.grad_fn).__name__))
    return seen


def test_to_a_device_with_an_index_copies_as_pytorchs() -> None:
    """'cpu:0' is not the tensor's device 'cpu' to PyTorch, so to('cpu:0') returns a differentiable copy."""
    torch = require_torch()
    assert _to_indexed_device(mg) == _to_indexed_device(torch)
