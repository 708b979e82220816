"""Tensor-level autograd bookkeeping against PyTorch: assigning ``.grad`` (checked as PyTorch checks it),
``requires_grad`` on integer and bool tensors, and the small behaviours scripts rely on (``is_leaf``,
``grad_fn``, ``retain_grad``, grad modes, ``.data``, ``autograd.grad``'s ``allow_unused`` and
``materialize_grads``, ``backward(inputs=...)``). Errors must be instances of PyTorch's class with its text.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = require_torch()
torch.set_num_threads(1)

LIBS = pytest.mark.parametrize("lib", [mg, torch], ids=["minigrad", "torch"])


def _error(fn: Callable[[Any], Any], lib: Any) -> BaseException:
    try:
        fn(lib)
    except Exception as e:  # (compared with PyTorch's below)
        return e
    raise AssertionError(f"{lib.__name__}: no error raised")


def _same_error(fn: Callable[[Any], Any], prefix: bool = False, upto: str | None = None) -> None:
    """``fn(mg)`` raises an instance of the class ``fn(torch)`` raises, with its message (or one that starts
    with it, for ``prefix``: minigrad adds a hint after PyTorch's sentence; or the same text up to ``upto``,
    where minigrad words its own hint)."""
    theirs, ours = _error(fn, torch), _error(fn, mg)
    assert isinstance(ours, type(theirs)), (type(ours), type(theirs))
    if upto is not None:
        assert upto in str(theirs)
        assert str(ours).split(upto)[0] == str(theirs).split(upto)[0], (str(ours), str(theirs))
    elif prefix:
        assert str(ours).startswith(str(theirs)), (str(ours), str(theirs))
    else:
        assert str(ours) == str(theirs)


# ------------------------------------------------------------------ assigning .grad


def _assign(value: Callable[[Any], Any], shape: tuple[int, ...] = (2, 3),
            dtype: str = "float32") -> Callable[[Any], Any]:
    def run(lib: Any) -> Any:
        p = lib.zeros(shape, dtype=getattr(lib, dtype), requires_grad=dtype.startswith("float"))
        p.grad = value(lib)
        return p
    return run


@pytest.mark.parametrize("value", [
    lambda lib: lib.zeros(3, 2),
    lambda lib: lib.zeros(()),
    lambda lib: lib.zeros(0),
    lambda lib: lib.zeros(1, 3).expand(2, 3)[0],
    lambda lib: lib.zeros(2, 3, dtype=lib.float64),
    lambda lib: lib.zeros(2, 3, dtype=lib.int64),
    lambda lib: lib.zeros(3, dtype=lib.float64),  # dtype and shape: PyTorch names the dtype
    lambda lib: 1.0,
    lambda lib: [[0.0] * 3] * 2,
    lambda lib: np.zeros((2, 3), np.float32),
    lambda lib: np.float32(0.0),
], ids=["shape", "0-d", "empty", "expanded-row", "float64", "int64", "dtype-and-shape", "float", "list",
        "ndarray", "numpy-scalar"])
def test_a_wrong_grad_is_refused_as_pytorch_refuses_it(value: Callable[[Any], Any]) -> None:
    _same_error(_assign(value))


def test_grad_of_other_tensors_is_refused_too() -> None:
    _same_error(_assign(lambda lib: lib.ones(3), shape=(), dtype="float32"))  # a 0-d tensor, a (3,) grad
    _same_error(_assign(lambda lib: lib.ones(1), shape=()))
    _same_error(_assign(lambda lib: lib.ones(3), dtype="int64"))
    _same_error(_assign(lambda lib: lib.ones(2, 3), dtype="int64"))  # float grad of an int tensor

    def nonleaf(lib: Any) -> None:
        y = lib.ones(2, 3, requires_grad=True) * 2
        y.grad = lib.ones(3)
    _same_error(nonleaf)

    def param(lib: Any) -> None:
        p = lib.nn.Parameter(lib.zeros(2, 3))
        p.grad = lib.zeros(3)
    _same_error(param)

    def itself(lib: Any) -> None:
        p = lib.zeros(2, requires_grad=True)
        p.grad = p
    _same_error(itself)


@LIBS
def test_grads_pytorch_accepts_are_kept(lib: Any) -> None:
    p = lib.zeros(2, 3, requires_grad=True)
    for g in (lib.zeros_like(p), lib.arange(3.0).expand(2, 3), lib.zeros(3, 2).t(),
              lib.nn.Parameter(lib.ones(2, 3)), lib.ones(2, 3, requires_grad=True), None):
        p.grad = g
        assert p.grad is g
    i = lib.zeros(3, dtype=lib.int64)
    i.grad = lib.ones(3, dtype=lib.int64)  # an int tensor may hold an int grad
    y = lib.ones(2, requires_grad=True) * 2
    y.grad = lib.ones(2)  # a non-leaf too
    assert y.grad.tolist() == [1.0, 1.0]
    with lib.no_grad():
        p.grad = lib.ones(2, 3)
    del p.grad
    assert p.grad is None


def test_backward_accumulates_into_an_assigned_grad_as_pytorch() -> None:
    out = []
    for lib in (mg, torch):
        p = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        buf = lib.full((3,), 0.5)
        p.grad = buf
        (p * p).sum().backward()
        out.append((p.grad.tolist(), p.grad is buf, buf.tolist()))
        q = lib.ones(3, requires_grad=True)
        q.grad = lib.ones(3, requires_grad=True)  # a grad that requires grad: accumulated out of place
        (q * 2).sum().backward()
        out.append((q.grad.tolist(), q.grad.requires_grad))
    assert out[:2] == out[2:]


def test_optimizers_train_after_grads_set_with_zeros_like() -> None:
    """``p.grad = torch.zeros_like(p)`` before the first step (a common warm-up idiom), then Adam."""
    rng = np.random.default_rng(0)
    w, b = rng.standard_normal((3, 4)), rng.standard_normal(3)
    x, y = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    results = []
    for lib in (mg, torch):
        m = lib.nn.Linear(4, 3).double()
        with lib.no_grad():
            m.weight.copy_(lib.tensor(w))
            m.bias.copy_(lib.tensor(b))
        for p in m.parameters():
            p.grad = lib.zeros_like(p)
        opt = lib.optim.Adam(m.parameters(), lr=0.05)
        for _ in range(3):
            opt.zero_grad()
            ((m(lib.tensor(x)) - lib.tensor(y)) ** 2).mean().backward()
            opt.step()
        results.append([p.detach().numpy().copy() for p in m.parameters()])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_a_grad_left_from_before_data_changed_shape() -> None:
    def run(lib: Any) -> None:
        p = lib.ones(3, requires_grad=True)
        (p * 2).sum().backward()
        p.data = lib.zeros(5)  # PyTorch allows it; the old grad stays
        assert p.grad.shape == (3,) and p.shape == (5,)
        (p * 2).sum().backward()
    _same_error(run)

    def assign_old(lib: Any) -> None:
        p = lib.ones(3, requires_grad=True)
        p.data = lib.zeros(5)
        p.grad = lib.zeros(3)
    _same_error(assign_old)


# ------------------------------------------------------------------ requires_grad on integer tensors


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1, 2], requires_grad=True),
    lambda lib: lib.tensor(True, requires_grad=True),
    lambda lib: lib.tensor([1.0], dtype=lib.int32, requires_grad=True),
    lambda lib: lib.zeros(2, dtype=lib.int64, requires_grad=True),
    lambda lib: lib.ones(2, dtype=lib.bool, requires_grad=True),
    lambda lib: lib.arange(3, requires_grad=True),
    lambda lib: lib.full((2,), 3, requires_grad=True),
    lambda lib: lib.empty(2, dtype=lib.long, requires_grad=True),
    lambda lib: lib.eye(2, dtype=lib.int64, requires_grad=True),
    lambda lib: lib.randint(0, 3, (2,), requires_grad=True),
    lambda lib: lib.randperm(3, requires_grad=True),
    lambda lib: lib.zeros_like(lib.tensor([1, 2]), requires_grad=True),
    lambda lib: lib.full_like(lib.tensor([1, 2]), 3, requires_grad=True),
    lambda lib: lib.tensor([1, 2]).new_zeros(2, requires_grad=True),
    lambda lib: lib.asarray([1, 2], requires_grad=True),
    lambda lib: lib.nn.Parameter(lib.tensor([1, 2])),
    lambda lib: lib.nn.Parameter(lib.tensor([True])),
    lambda lib: lib.autograd.Variable(lib.tensor([1, 2]), requires_grad=True),
    lambda lib: lib.tensor([1, 2]).requires_grad_(),
    lambda lib: lib.tensor([True]).requires_grad_(True),
    lambda lib: lib.from_numpy(np.arange(3)).requires_grad_(),
    lambda lib: lib.tensor([1, 2]).detach().requires_grad_(),
    lambda lib: lib.testing.make_tensor(3, dtype=lib.int64, device="cpu", requires_grad=True),
], ids=["tensor", "tensor-bool", "tensor-int32", "zeros", "ones-bool", "arange", "full", "empty", "eye",
        "randint", "randperm", "zeros_like", "full_like", "new_zeros", "asarray", "Parameter",
        "Parameter-bool", "Variable", "requires_grad_", "requires_grad_-bool", "from_numpy", "detach",
        "make_tensor"])
def test_integer_tensors_cannot_require_grad(make: Callable[[Any], Any]) -> None:
    _same_error(make)


@LIBS
def test_integer_tensors_that_do_not_require_grad_are_fine(lib: Any) -> None:
    assert not lib.tensor([1, 2], requires_grad=False).requires_grad
    assert not lib.tensor([1, 2]).requires_grad_(False).requires_grad
    assert not lib.nn.Parameter(lib.tensor([1, 2]), requires_grad=False).requires_grad
    assert not lib.nn.Buffer(lib.tensor([1, 2])).requires_grad
    a = lib.ones(2, requires_grad=True)
    for out in (a > 0, a.argmax(), a.long(), a.round().long()):  # integer results of ops never require grad
        assert not out.requires_grad and out.is_leaf and out.grad_fn is None
    assert lib.tensor([1, 2], dtype=lib.float32, requires_grad=True).requires_grad


@pytest.mark.parametrize("flag", [1, 0, None, "yes", np.True_], ids=["1", "0", "None", "str", "np.bool"])
def test_requires_grad_takes_a_bool(flag: Any) -> None:
    _same_error(lambda lib: lib.ones(2).requires_grad_(flag))


def test_requires_grad_false_on_a_non_leaf() -> None:
    _same_error(lambda lib: (lib.ones(2, requires_grad=True) * 2).requires_grad_(False))
    for lib in (mg, torch):  # True on a non-leaf is allowed (nothing changes)
        y = lib.ones(2, requires_grad=True) * 2
        assert y.requires_grad_(True) is y and y.requires_grad


def _set_flag(make: Callable[[Any], Any], flag: Any) -> Callable[[Any], Any]:
    """``t.requires_grad = flag`` on the tensor ``make(lib)`` builds."""
    def run(lib: Any) -> Any:
        t = make(lib)
        t.requires_grad = flag
        return t
    return run


NON_LEAVES: dict[str, Callable[[Any], Any]] = {
    "result": lambda lib: lib.ones(2, requires_grad=True) * 2,
    "view": lambda lib: lib.ones(3, requires_grad=True)[:2],
    "parameter-result": lambda lib: lib.nn.Linear(2, 2)(lib.ones(1, 2)),
}


@pytest.mark.parametrize("flag", [True, False])
@pytest.mark.parametrize("make", list(NON_LEAVES.values()), ids=list(NON_LEAVES))
def test_requires_grad_setter_refuses_non_leaves(make: Callable[[Any], Any], flag: bool) -> None:
    # PyTorch: "you can only change requires_grad flags of leaf variables." (False adds the detach() hint),
    # also under no_grad
    _same_error(_set_flag(make, flag))

    def under_no_grad(lib: Any) -> Any:
        t = make(lib)
        with lib.no_grad():
            t.requires_grad = flag

    _same_error(under_no_grad)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_requires_grad_setter_refuses_non_float_tensors(dtype: str) -> None:
    _same_error(_set_flag(lambda lib: lib.zeros(2, dtype=getattr(lib, dtype)), True))
    for lib in (mg, torch):  # False is fine
        assert not _set_flag(lambda lib: lib.zeros(2, dtype=getattr(lib, dtype)), False)(lib).requires_grad


@pytest.mark.parametrize("flag", [1, 0, None, "yes", np.True_], ids=["1", "0", "None", "str", "np.bool"])
def test_requires_grad_setter_takes_a_bool(flag: Any) -> None:
    _same_error(_set_flag(lambda lib: lib.ones(2), flag), prefix=True)  # (minigrad adds the value given)


def test_requires_grad_setter_refuses_an_inference_tensor_outside_inference_mode() -> None:
    def run(lib: Any) -> Any:
        with lib.inference_mode():
            t = lib.ones(2)
        t.requires_grad = True

    _same_error(run, prefix=True)


@LIBS
def test_requires_grad_setter_on_leaves(lib: Any) -> None:
    p = lib.nn.Parameter(lib.ones(2))
    p.requires_grad = False
    assert not p.requires_grad
    p.requires_grad = True
    assert p.requires_grad and p.is_leaf
    x = lib.ones(3, requires_grad=True)
    with lib.no_grad():
        c = x * 2  # a leaf: made under no_grad
        inside = x * 3
        inside.requires_grad = True  # (allowed inside no_grad too)
    c.requires_grad = True
    assert c.is_leaf and c.requires_grad and inside.requires_grad
    (c * c).sum().backward()
    assert x.grad is None
    assert c.grad.tolist() == [4.0, 4.0, 4.0]
    d = x.detach()
    d.requires_grad = True
    assert d.is_leaf and d.requires_grad and not x.detach().requires_grad
    v = lib.ones(3)[:2]  # a view of a tensor without grad is a leaf
    v.requires_grad = True
    assert v.requires_grad and v.is_leaf
    x.requires_grad = False
    assert not x.requires_grad and not (x * 2).requires_grad


@LIBS
def test_a_copy_of_a_non_leaf_is_a_leaf_that_requires_grad(lib: Any) -> None:
    import copy
    import pickle

    x = lib.ones(3, requires_grad=True)
    y = x * 2
    for c in (copy.copy(y), pickle.loads(pickle.dumps(y))):  # (restoring it sets requires_grad on a leaf)
        assert c.requires_grad and c.is_leaf and c.grad_fn is None
        c.sum().backward()
        assert c.grad.tolist() == [1.0, 1.0, 1.0] and x.grad is None


# ------------------------------------------------------------------ bookkeeping


@LIBS
def test_is_leaf_and_grad_fn(lib: Any) -> None:
    x = lib.ones(3, requires_grad=True)
    assert x.is_leaf and x.grad_fn is None and not x.retains_grad
    y = x * 2
    assert not y.is_leaf and y.grad_fn.name() == "MulBackward0" and not y.retains_grad
    assert lib.ones(2).is_leaf and (lib.ones(2) * 2).is_leaf
    assert y.detach().is_leaf and not y.detach().requires_grad
    v = x.view(3)
    assert not v.is_leaf and v._base is x and v.requires_grad
    w = lib.ones(3).view(3)
    w.requires_grad_()
    assert w.is_leaf and w.requires_grad
    assert not x.clone().is_leaf and x.clone().detach().requires_grad_().is_leaf
    m = lib.nn.Linear(2, 2)
    assert m.weight.is_leaf and m.weight.grad is None and not m(lib.ones(1, 2)).is_leaf
    d = y.detach()
    assert d.is_leaf
    y.detach_()
    assert y.is_leaf and not y.requires_grad and y.grad_fn is None
    z = x.to(lib.float64)
    assert z.requires_grad and not z.is_leaf and x.to(lib.float32) is x


@LIBS
def test_requires_grad_under_nested_grad_modes(lib: Any) -> None:
    x = lib.ones(3, requires_grad=True)
    with lib.no_grad():
        a = x * 2
        with lib.enable_grad():
            b = x * 2
        p = lib.nn.Parameter(lib.ones(2))
        c = lib.ones(2, requires_grad=True)
    assert (a.requires_grad, a.is_leaf, a.grad_fn) == (False, True, None)
    assert b.requires_grad and not b.is_leaf
    assert p.requires_grad and c.requires_grad and c.is_leaf
    with lib.set_grad_enabled(False):
        d = x * 2
        with lib.set_grad_enabled(True):
            e = x * 2
    lib.set_grad_enabled(False)
    f = x * 2
    lib.set_grad_enabled(True)
    assert (d.requires_grad, e.requires_grad, f.requires_grad) == (False, True, False)
    assert lib.is_grad_enabled()
    with lib.inference_mode():
        g = x * 2
        with lib.enable_grad():
            h = x * 2
        with lib.inference_mode(False):
            i = x * 2
    assert not g.requires_grad and g.is_inference() and not h.requires_grad
    assert i.requires_grad and not i.is_inference()
    with lib.no_grad():
        with lib.inference_mode():
            j = x * 2
        with lib.enable_grad(), lib.inference_mode(False):
            k = x * 2
    assert not j.requires_grad and k.requires_grad

    @lib.no_grad()
    def decorated() -> Any:
        return x * 2

    @lib.enable_grad()
    def enabled() -> Any:
        return x * 2

    assert not decorated().requires_grad
    with lib.no_grad():
        assert enabled().requires_grad
    y = x * 2
    with lib.no_grad():
        z = y * 2
    assert (z.requires_grad, z.is_leaf, z.grad_fn) == (False, True, None)


def test_retain_grad() -> None:
    _same_error(lambda lib: lib.ones(2).retain_grad())

    def under_no_grad(lib: Any) -> None:
        x = lib.ones(2, requires_grad=True)
        with lib.no_grad():
            y = x * 2
        y.retain_grad()
    _same_error(under_no_grad)
    out = []
    for lib in (mg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        x.retain_grad()  # a leaf: nothing changes
        y = x * x
        y.retain_grad()
        y.retain_grad()
        y.sum().backward(retain_graph=True)
        y.sum().backward()
        out.append((x.retains_grad, y.retains_grad, y.grad.tolist(), x.grad.tolist()))
    assert out[0] == out[1]


def test_reading_grad_of_a_non_leaf_warns_as_pytorch() -> None:
    texts = []
    for lib in (mg, torch):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert y.grad is None and y.grad is None
            z = x * 2
            z.retain_grad()
            assert z.grad is None
            assert x.grad is None
        texts.append([(w.category, str(w.message)) for w in caught])
    assert len(texts[0]) == 2 and len(texts[1]) == 2
    for (ours_cls, ours), (theirs_cls, theirs) in zip(*texts):  # (PyTorch adds where in C++ it warned)
        assert ours_cls is theirs_cls and theirs.startswith(ours) and ours.endswith("more information.")


def test_detach_shares_memory_and_version_counter() -> None:
    out = []
    for lib in (mg, torch):
        x = lib.ones(3, requires_grad=True)
        d = x.detach()
        d.zero_()
        out.append((x._version, d._version, x.tolist()))
        q = x.detach().requires_grad_()
        q.data[0] = 5.0
        out.append((x.tolist(), q.is_leaf))
    assert out[:2] == out[2:]

    def saved(lib: Any) -> None:
        a = lib.ones(3, requires_grad=True)
        b = a.sigmoid()
        b.detach().add_(1)
        b.sum().backward()
    _same_error(saved, upto="Hint:")


def test_data_assignment() -> None:
    out = []
    for lib in (mg, torch):
        p = lib.ones(3, requires_grad=True)
        p.data = lib.zeros(5)  # another shape: allowed
        q = lib.ones(3, requires_grad=True)
        q.data = lib.zeros(3, dtype=lib.float64)
        i = lib.ones(3, dtype=lib.long)
        i.data = lib.zeros(2)
        n = lib.ones(3, requires_grad=True) * 2
        n.data = lib.zeros(3)
        out.append((tuple(p.shape), p.requires_grad, p.is_leaf, str(q.dtype)[-7:], str(i.dtype)[-7:],
                    n.grad_fn is not None, n.tolist()))
    assert out[0] == out[1]
    _same_error(lambda lib: setattr(lib.ones(3, requires_grad=True), "data", lib.tensor([1, 2])))
    _same_error(lambda lib: setattr(lib.ones(3, requires_grad=True), "data", [1.0, 2.0]))
    _same_error(lambda lib: setattr(lib.ones(3), "data", None))


def test_manual_sgd_under_no_grad() -> None:
    out = []
    for lib in (mg, torch):
        p = lib.tensor([1.0, -2.0, 3.0], dtype=lib.float64, requires_grad=True)
        for _ in range(3):
            (p * p).sum().backward()
            with lib.no_grad():
                p -= 0.1 * p.grad
            p.grad.zero_()
        out.append((p.tolist(), p.is_leaf, p.requires_grad, p.grad_fn, p._version))
    assert out[0] == out[1]
    _same_error(lambda lib: lib.ones(3, requires_grad=True).sub_(1), prefix=True)

    def stale(lib: Any) -> None:
        p = lib.ones(3, requires_grad=True)
        y = (p * p).sum()
        with lib.no_grad():
            p.mul_(2)
        y.backward()
    _same_error(stale, upto="Hint:")


# PyTorch warns once per process about backward(create_graph=True); minigrad with set_warn_always only
@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True:UserWarning")
def test_backward_twice() -> None:
    out = []
    for lib in (mg, torch):
        p = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = (p * p).sum()
        y.backward(retain_graph=True)
        first = p.grad.clone()
        y.backward(retain_graph=True)
        q = lib.tensor([1.0, 2.0], requires_grad=True)
        z = (q**3).sum()
        z.backward(create_graph=True)  # retains the graph
        z.backward()
        out.append((first.tolist(), p.grad.tolist(), q.grad.tolist(), q.grad.requires_grad))
    assert out[0] == out[1]

    def again(lib: Any) -> None:
        p = lib.ones(3, requires_grad=True)
        y = (p * p).sum()
        y.backward()
        y.backward()
    _same_error(again, prefix=True)
    _same_error(lambda lib: (lib.ones(3) * 2).sum().backward(), prefix=True)
    _same_error(lambda lib: (lib.ones(3, requires_grad=True) * 2).backward(), prefix=True)
    _same_error(lambda lib: (lib.ones(3, requires_grad=True) * 2).backward(lib.ones(2)), prefix=True)


def test_autograd_grad_allow_unused_and_materialize_grads() -> None:
    out = []
    for lib in (mg, torch):
        p, q = lib.ones(3, requires_grad=True), lib.ones(3, requires_grad=True)
        gp, gq = lib.autograd.grad((p * 2).sum(), [p, q], allow_unused=True)
        mp, mq = lib.autograd.grad((p * 2).sum(), [p, q], materialize_grads=True)
        ap, aq = lib.autograd.grad((p * 2).sum(), [p, q], allow_unused=True, materialize_grads=True)
        (only,) = lib.autograd.grad((p * 2).sum(), p, only_inputs=True)
        (scaled,) = lib.autograd.grad((p * 2).sum(), p, grad_outputs=lib.tensor(2.0))
        y = p * 2
        (wrt_y,) = lib.autograd.grad(y.sum(), y)
        out.append((gp.tolist(), gq, mp.tolist(), mq.tolist(), ap.tolist(), aq.tolist(), only.tolist(),
                    scaled.tolist(), wrt_y.tolist(), p.grad, q.grad))
    assert out[0] == out[1]

    def unused(lib: Any) -> None:
        p, q = lib.ones(3, requires_grad=True), lib.ones(3, requires_grad=True)
        lib.autograd.grad((p * 2).sum(), [p, q])
    _same_error(unused, prefix=True)

    def contradiction(lib: Any) -> None:
        p, q = lib.ones(3, requires_grad=True), lib.ones(3, requires_grad=True)
        lib.autograd.grad((p * 2).sum(), [p, q], allow_unused=False, materialize_grads=True)
    _same_error(contradiction)
    _same_error(lambda lib: lib.autograd.grad((lib.ones(3, requires_grad=True) * 2).sum(), lib.ones(3)),
                prefix=True)
    _same_error(lambda lib: lib.autograd.grad(lib.ones(3).sum(), lib.ones(3, requires_grad=True)),
                prefix=True)


def test_backward_inputs() -> None:
    out = []
    for lib in (mg, torch):
        p, q = lib.ones(3, requires_grad=True), lib.full((3,), 2.0, requires_grad=True)
        (p * q).sum().backward(inputs=[p])
        r = lib.ones(3, requires_grad=True)
        (r * 2).sum().backward(inputs=r)
        s, t = lib.ones(3, requires_grad=True), lib.ones(3, requires_grad=True)
        y = s * 2
        (y * t).sum().backward(inputs=[y])
        u, w = lib.ones(3, requires_grad=True), lib.ones(3, requires_grad=True)
        (u * 2).sum().backward(inputs=[w])
        out.append((p.grad.tolist(), q.grad, r.grad.tolist(), y.grad.tolist(), s.grad, t.grad, w.grad))
    assert out[0] == out[1]
    _same_error(lambda lib: (lib.ones(3, requires_grad=True) * 2).sum().backward(inputs=[]), prefix=True)


def test_hooks_and_grad_resets() -> None:
    out = []
    for lib in (mg, torch):
        p = lib.ones(3, requires_grad=True)
        h = p.register_hook(lambda g: g * 10)
        (p * 2).sum().backward()
        h.remove()
        (p * 2).sum().backward()
        first = p.grad.tolist()
        g = p.grad
        (p * 2).sum().backward()
        same = g is p.grad
        p.grad.data.zero_()
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: g * 10)
        y.sum().backward()
        m = lib.nn.Linear(2, 2)
        opt = lib.optim.SGD(m.parameters(), 0.1)
        m(lib.ones(1, 2)).sum().backward()
        opt.zero_grad(set_to_none=False)
        zeros = m.weight.grad.tolist()
        opt.zero_grad()
        out.append((first, same, p.grad.tolist(), x.grad.tolist(), zeros, m.weight.grad))
    assert out[0] == out[1]


def test_inference_tensors_cannot_require_grad_outside() -> None:
    def outside(lib: Any) -> None:
        with lib.inference_mode():
            a = lib.ones(3)
        a.requires_grad_()
    _same_error(outside, prefix=True)
    for lib in (mg, torch):
        with lib.inference_mode():
            a = lib.ones(3)
        assert a.clone().requires_grad_().is_leaf


def test_assigned_grad_values_match_after_training_steps() -> None:
    """Gradients set by hand (a script's own accumulation) are what SGD uses, as in PyTorch."""
    rng = np.random.default_rng(3)
    w = rng.standard_normal((2, 3))
    g = rng.standard_normal((2, 3))
    results = []
    for lib in (mg, torch):
        p = lib.nn.Parameter(lib.tensor(w))
        opt = lib.optim.SGD([p], lr=0.1, momentum=0.9)
        for k in range(3):
            p.grad = lib.tensor(g * (k + 1))
            opt.step()
        results.append(p)
    assert_close(results[0], results[1])


def test_copies_and_pickles_carry_grad_as_pytorch() -> None:
    """copy.copy and pickle leave .grad out; deepcopy keeps a tensor's. (PyTorch's deepcopy of a Parameter
    drops its grad and attributes; minigrad keeps both, as test_compat_course_fixes.py pins.)"""
    import copy
    import pickle

    out = []
    for lib in (mg, torch):
        x = lib.ones(2, requires_grad=True)
        x.grad = lib.full((2,), 2.0)
        m = lib.nn.Linear(2, 2)
        m(lib.ones(1, 2)).sum().backward()
        deep = copy.deepcopy(x)
        pickled = pickle.loads(pickle.dumps(m)).weight.grad
        out.append((copy.copy(x).grad, pickle.loads(pickle.dumps(x)).grad, deep.grad.tolist(),
                    deep.grad is x.grad, pickled, copy.copy(x).requires_grad))
    assert out[0] == out[1]


def test_is_set_to_as_pytorch() -> None:
    # (progs15) Tensor.is_set_to was missing: the same storage, offset, dtype, shape and strides
    torch = require_torch()
    for lib in (mg, torch):
        x = lib.arange(6.0).reshape(2, 3)
        got = [x.is_set_to(x), x.is_set_to(x.detach()), x.is_set_to(x.view(2, 3)), x.is_set_to(x.clone()),
               x[0].is_set_to(x), x.t().is_set_to(x), x[1].is_set_to(x[1]), x.view(6).is_set_to(x)]
        assert got == [True, True, True, False, False, False, True, False], lib


def test_broadcast_to_takes_ints_and_adaptive_pool_returns_a_new_tensor_as_pytorch() -> None:
    # (progs15) x.broadcast_to(2, 3) raised TypeError; adaptive_avg_pool2d keeping every size returned x
    # itself
    torch = require_torch()
    for lib in (mg, torch):
        v = lib.arange(3.0, requires_grad=True)
        forms = (v.broadcast_to(2, 3), v.broadcast_to((2, 3)), v.broadcast_to(size=[2, 3]),
                 v.broadcast_to(2, -1))
        for out in forms:
            assert tuple(out.shape) == (2, 3) and out.grad_fn.name() == "ExpandBackward0"
        x = lib.ones(1, 2, 3, 4)
        pooled = lib.nn.functional.adaptive_avg_pool2d(x, (3, 4))
        assert pooled is not x and pooled.data_ptr() != x.data_ptr() and lib.equal(pooled, x)
