"""Regressions found by running other projects' PyTorch-based test suites under minigrad (keras 3's op tests
with its torch backend, ...) and comparing with real torch: each test runs the same calls on both libraries
and compares values, or error classes (minigrad's error must be an instance of PyTorch's) and words."""

from __future__ import annotations

import math
from collections import OrderedDict, defaultdict, deque, namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _run(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as e:
        return e


def _same_outcome(theirs: Any, ours: Any, rtol: float = 1e-6) -> None:
    """Both raised (ours an instance of PyTorch's class, same words) or both gave the same numbers."""
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs)), (theirs, ours)
        assert str(ours) == str(theirs)
        return
    assert not isinstance(ours, Exception), (theirs, ours)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=rtol, atol=1e-12)


# ------------------------------------------------------------------ names keras's torch backend reads

def test_float8_dtype_names_answer_as_pytorchs() -> None:
    """keras/src/backend/torch/core.py lists torch.float8_e4m3fn and float8_e5m2 in its dtype table at
    import: minigrad had no such names, so keras could not be imported at all."""
    torch = require_torch()
    for name in ("float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu"):
        theirs, ours = getattr(torch, name), getattr(mg, name)
        assert (ours.is_floating_point, ours.is_complex, ours.is_signed, ours.itemsize) == (
            theirs.is_floating_point, theirs.is_complex, theirs.is_signed, theirs.itemsize)
        assert isinstance(ours, mg.dtype)
        with pytest.raises(TypeError, match="8-bit"):
            mg.zeros(2, dtype=ours)


def test_symbolic_size_classes_exist_and_hold_no_minigrad_value() -> None:
    """keras's convert_to_tensor tests isinstance(x, (torch.SymInt, torch.SymFloat)): AttributeError here."""
    torch = require_torch()
    for value in (3, 2.5, True, mg.ones(2).shape[0]):
        for name in ("SymInt", "SymFloat", "SymBool"):
            assert isinstance(value, getattr(mg, name)) == isinstance(value, getattr(torch, name))
    with pytest.raises(TypeError):
        mg.SymInt(3)


# ------------------------------------------------------------------ torch.utils._pytree, as keras's tree uses

Point = namedtuple("Point", "x y")


def _tree(lib: Any) -> dict[str, Any]:
    return {"a": [1, (2, 3)], "b": lib.max(lib.tensor([[1.0, 2.0], [4.0, 3.0]]), 0), "c": lib.Size([4, 5]),
            "d": Point(5, [6]), "e": defaultdict(int, {"k": 7}), "f": deque([8], maxlen=3),
            "g": OrderedDict(z=9)}


def test_pytree_key_paths_node_types_and_registered_kinds_as_pytorchs() -> None:
    """keras/src/tree/torchtree_impl.py reads _get_node_type, SUPPORTED_NODES, tree_flatten_with_path and the
    SequenceKey/MappingKey/GetAttrKey classes: missing here (every keras op failed), and torch.Size and the
    return types were leaves (PyTorch registers them as nodes)."""
    from torch.utils import _pytree as theirs

    from minigrad.utils import _pytree as ours

    def outline(mod: Any, lib: Any) -> list[Any]:
        tree = _tree(lib)
        pairs, spec = mod.tree_flatten_with_path(tree)
        rebuilt = mod.tree_unflatten(list(range(spec.num_leaves)), spec)
        return [[(mod.keystr(path), [type(k).__name__ for k in path]) for path, _ in pairs],
                [mod._get_node_type(v).__name__ for v in tree.values()],
                [mod._get_node_type(v) in mod.SUPPORTED_NODES for v in tree.values()],
                spec.num_nodes, spec.num_leaves, repr(spec),
                [(type(v).__name__, list(v) if not isinstance(v, dict) else sorted(v.items()))
                 for v in rebuilt.values()]]

    assert outline(ours, mg) == outline(theirs, require_torch())
    assert ours.SequenceKey(2).get([5, 6, 7]) == 7 and ours.MappingKey("a").get({"a": 1}) == 1
    assert ours.GetAttrKey("y").get(Point(1, 2)) == 2


def test_pytree_flatten_with_path_needs_a_keys_function() -> None:
    from torch.utils import _pytree as theirs

    from minigrad.utils import _pytree as ours

    class Pair:
        def __init__(self, a: Any, b: Any) -> None:
            self.a, self.b = a, b

    def outcome(mod: Any, with_keys: bool) -> Any:
        keys = {"flatten_with_keys_fn": lambda p: ([(mod.GetAttrKey("a"), p.a), (mod.GetAttrKey("b"), p.b)],
                                                   None)} if with_keys else {}
        mod.register_pytree_node(Pair, lambda p: ([p.a, p.b], None), lambda v, c: Pair(*v), **keys)
        try:
            return _run(lambda: [(mod.keystr(k), v) for k, v in mod.tree_flatten_with_path([Pair(1, 2)])[0]])
        finally:
            del mod.SUPPORTED_NODES[Pair]

    for with_keys in (True, False):
        theirs_result, ours_result = outcome(theirs, with_keys), outcome(ours, with_keys)
        if isinstance(theirs_result, Exception):
            assert isinstance(ours_result, type(theirs_result))
            ours_words = str(ours_result).replace("minigrad", "torch").split(":")[0]
            assert ours_words == str(theirs_result).split(":")[0]
        else:
            assert ours_result == theirs_result


# ------------------------------------------------------------------ Function.save_for_backward

def _saves(lib: Any, saved: Callable[[Any], tuple[Any, ...]], requires_grad: bool) -> Any:
    class F(lib.autograd.Function):
        @staticmethod
        def forward(ctx: Any, x: Any) -> Any:
            ctx.save_for_backward(*saved(x))
            return x * 2

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            return g * 3

    return _run(lambda: F.apply(lib.ones(2, requires_grad=requires_grad)).tolist())


@pytest.mark.parametrize("requires_grad", [False, True])
def test_save_for_backward_checks_what_is_saved_only_when_recorded(requires_grad: bool) -> None:
    """keras's custom_gradient saves its arguments, keras Variables (not tensors), in a Function whose inputs
    do not require grad: PyTorch checks what is saved only when the call is recorded; minigrad always did."""
    torch = require_torch()
    _same_outcome(_saves(torch, lambda x: (x, None, 3), requires_grad),
                  _saves(mg, lambda x: (x, None, 3), requires_grad))


# ------------------------------------------------------------------ linalg.norm / matrix_norm dispatch

NORM_CASES = [(shape, ord, dim) for shape in [(3,), (3, 4), (2, 3, 4)]
              for ord in [None, "fro", "nuc", 1, 2, -math.inf, 0, 3, 2.5]  # noqa: A001
              for dim in [None, 0, (0,), (0, 1), (-1, -2), (0, 1, 2), (0, 0)]]


@pytest.mark.parametrize(("shape", "ord", "dim"), NORM_CASES)
def test_linalg_norm_dispatches_and_raises_as_pytorch(shape: tuple[int, ...], ord: Any,  # noqa: A002
                                                      dim: Any) -> None:
    """keras's test_norm: linalg.norm(x1d, ord=None, dim=(0, 1)) is a vector norm in PyTorch (IndexError on
    a 1-D input), and a string ord with a 1-tuple dim is a matrix norm ("dim must be a 2-tuple"); minigrad
    took every 2-tuple as a matrix norm and had its own checks and words."""
    torch = require_torch()
    x = np.sin(np.arange(1.0, 1.0 + np.prod(shape)) / 7).reshape(shape)

    def run(lib: Any) -> Any:
        return _run(lambda: lib.linalg.norm(lib.tensor(x), ord=ord, dim=dim).numpy())

    _same_outcome(run(torch), run(mg), rtol=1e-10)


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, 0, 3, 2.5, "abc", math.inf])
@pytest.mark.parametrize("dim", [(0,), (0, 1, 2), (0, 0), (0, 5), (-1, 0)])
def test_matrix_norm_checks_order_first_as_pytorch(ord: Any, dim: Any) -> None:  # noqa: A002
    torch = require_torch()
    x = np.arange(12.0).reshape(3, 4)
    _same_outcome(_run(lambda: torch.linalg.matrix_norm(torch.tensor(x), ord=ord, dim=dim).numpy()),
                  _run(lambda: mg.linalg.matrix_norm(mg.tensor(x), ord=ord, dim=dim).numpy()), rtol=1e-10)


def test_size_and_stride_of_a_0d_tensor_raise_pytorchs_words() -> None:
    torch = require_torch()
    for dim in (0, -1, -2, 1):
        for method in ("size", "stride"):
            _same_outcome(_run(lambda m=method, d=dim: getattr(torch.tensor(1.0), m)(d)),
                          _run(lambda m=method, d=dim: getattr(mg.tensor(1.0), m)(d)))


# ------------------------------------------------------------------ sdpa: PyTorch's CPU kernel choice

def _sdpa_cases() -> dict[str, Callable[[Any, Callable[..., Any]], Any]]:
    def call(q: tuple[int, ...], k: tuple[int, ...], v: tuple[int, ...], mask: Any = None,
             **kw: Any) -> Callable[[Any, Callable[..., Any]], Any]:
        def run(lib: Any, t: Callable[..., Any]) -> Any:
            m = mask(lib, t) if callable(mask) else None
            return lib.nn.functional.scaled_dot_product_attention(t(*q), t(*k), t(*v), attn_mask=m, **kw)
        return run

    def f(*s: int) -> Callable[[Any, Callable[..., Any]], Any]:
        return lambda lib, t: t(*s)

    def b(*s: int) -> Callable[[Any, Callable[..., Any]], Any]:
        return lambda lib, t: t(*s) > 0

    q4, k4 = (2, 2, 3, 4), (2, 2, 5, 4)
    return {
        "4d causal+float mask": call(q4, k4, k4, f(2, 2, 3, 5), is_causal=True),
        "4d causal+bool mask": call(q4, k4, k4, b(3, 5), is_causal=True),
        "4d causal+mask (1,5)": call(q4, k4, k4, f(1, 5), is_causal=True),
        "4d causal+mask L>S": call((1, 1, 5, 4), (1, 1, 3, 4), (1, 1, 3, 4), f(5, 3), is_causal=True),
        "4d causal+mask gqa": call((2, 4, 3, 4), k4, k4, f(3, 5), is_causal=True, enable_gqa=True),
        "4d causal+mask 3d mask": call(q4, k4, k4, f(2, 3, 5), is_causal=True),
        "4d causal+mask 1d mask": call(q4, k4, k4, f(5), is_causal=True),
        "4d 1d mask": call(q4, k4, k4, f(5)),
        "3d 1d mask": call((2, 3, 4), (2, 5, 4), (2, 5, 4), f(5)),
        "3d causal+mask": call((2, 3, 4), (2, 5, 4), (2, 5, 4), f(3, 5), is_causal=True),
        "4d causal+mask dropout": call(q4, k4, k4, f(3, 5), is_causal=True, dropout_p=0.5),
        "4d causal+mask Ev differs": call(q4, k4, (2, 2, 5, 6), f(3, 5), is_causal=True),
        "4d causal+mask batch broadcast": call(q4, (1, 2, 5, 4), (1, 2, 5, 4), f(3, 5), is_causal=True),
        "4d causal+mask requiring grad": call(q4, k4, k4, lambda lib, t: t(3, 5).requires_grad_(),
                                              is_causal=True),
        "S=0 causal+bad mask": call((2, 3, 4), (2, 0, 4), (2, 0, 4), f(7, 7), is_causal=True),
        "L=0 causal+mask": call((2, 0, 4), (2, 5, 4), (2, 5, 4), f(0, 5), is_causal=True),
        "Ev=0": call((2, 1, 3, 4), (1, 5, 3, 4), (1, 5, 3, 0)),
        "S=0 no broadcast": call((2, 1, 3, 4), (1, 5, 0, 4), (1, 5, 0, 6)),
        "E=0 causal+mask": call((2, 3, 0), (2, 5, 0), (2, 5, 4), f(3, 5), is_causal=True),
    }


@pytest.mark.parametrize("name", list(_sdpa_cases()))
def test_sdpa_mask_with_is_causal_as_pytorchs_cpu_kernels(name: str) -> None:
    """keras's dot_product_attention passes a mask and is_causal=True: PyTorch's CPU build runs its fused
    (flash) kernel on 4-D inputs it can take, which applies both; its math kernel (any other input)
    refuses the pair. minigrad refused always. Empty queries or values give zeros, as PyTorch."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    arrays: list[np.ndarray] = []

    def maker(lib: Any) -> Callable[..., Any]:
        count = iter(range(100))

        def t(*shape: int) -> Any:
            i = next(count)
            if i == len(arrays):
                arrays.append(rng.standard_normal(shape))
            return lib.tensor(arrays[i])
        return t

    case = _sdpa_cases()[name]
    theirs = _run(lambda: case(torch, maker(torch)))
    ours = _run(lambda: case(mg, maker(mg)))
    if not isinstance(theirs, Exception) and "dropout" not in name:
        assert tuple(ours.shape) == tuple(theirs.shape)
        _same_outcome(theirs.numpy(), ours.numpy(), rtol=1e-10)
    elif isinstance(theirs, Exception):
        _same_outcome(theirs, ours)


def test_sdpa_empty_inputs_keep_the_graph_as_pytorch() -> None:
    """An empty value: zeros tied to the inputs through their sums times 0 (NaN in, NaN out; zero grads)."""
    torch = require_torch()
    rows = []
    for lib in (torch, mg):
        q = lib.ones(2, 3, 4)
        q[0, 0, 0] = math.inf
        q.requires_grad_()
        out = lib.nn.functional.scaled_dot_product_attention(q, lib.ones(2, 0, 4), lib.ones(2, 0, 4))
        names = [type(out.grad_fn).__name__, type(out.grad_fn.next_functions[0][0]).__name__]
        out.sum().backward()
        rows.append((names, bool(out.isnan().all()), q.grad.tolist()))
    assert rows[0] == rows[1]


# ------------------------------------------------------------------ keras numpy_test: einsum, swapaxes, ...

EINSUM_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "float16", "float32", "float64"]
EINSUM_CASES = [("ijk,lkj->il", (1, 1, 1), (1, 1, 1)), ("ij,jk->ik", (2, 3), (3, 2)), ("i,i->", (1,), (1,)),
                ("ij,j->i", (2, 3), (1,)), ("bij,bj->bi", (2, 3, 1), (2, 1)),
                ("ijk,lkj->il", (2, 3, 4), (1, 4, 1))]


@pytest.mark.parametrize(("sub", "s1", "s2"), EINSUM_CASES)
@pytest.mark.parametrize("dtypes", [("float16", "float32"), ("int8", "int8"), ("int16", "bool"),
                                    ("uint8", "float64"), ("float32", "float32")])
def test_einsum_contracting_only_size_one_labels_promotes_as_pytorch(sub: str, s1: tuple[int, ...],
                                                                    s2: tuple[int, ...],
                                                                    dtypes: tuple[str, str]) -> None:
    """keras's test_einsum ('ijk,lkj->il' on ones of shape (1, 1, 1) and two dtypes): PyTorch sums a
    contracted label of size 1 on one side out first, so with none wide on both sides the product is a
    promoting mul; minigrad refused mixed dtypes whatever the sizes."""
    torch = require_torch()

    def run(lib: Any) -> Any:
        a = lib.tensor((np.arange(np.prod(s1)) % 5).reshape(s1)).to(getattr(lib, dtypes[0]))
        b = lib.tensor((np.arange(np.prod(s2)) % 3 + 1).reshape(s2)).to(getattr(lib, dtypes[1]))
        return _run(lambda: lib.einsum(sub, a, b))

    theirs, ours = run(torch), run(mg)
    if isinstance(theirs, Exception):
        assert isinstance(ours, type(theirs))
    else:
        assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
        _same_outcome(theirs.double().numpy(), ours.double().numpy())


def test_swapaxes_scatter_reduce_trapezoid_and_windows_take_keras_arguments() -> None:
    """keras's torch backend calls torch.swapaxes(x, axis0=, axis1=), scatter_reduce_(reduce="min"),
    torch.trapz(y, dx=<0-d tensor>) and torch.signal.windows.*(<0-d tensor>): each failed or promoted
    differently here."""
    torch = require_torch()

    def calls(lib: Any) -> list[Any]:
        x = lib.arange(6.0).reshape(2, 3)
        inv, perm = lib.tensor([1, 0, 1, 2]), lib.arange(4)
        y16 = lib.ones(3, dtype=lib.float16)
        w = lib.signal.windows
        return [_run(f) for f in (
            lambda: lib.swapaxes(x, axis0=0, axis1=1).tolist(),
            lambda: inv.new_zeros(3).scatter_reduce_(0, inv, perm, reduce="min", include_self=False).tolist(),
            lambda: inv.new_zeros(3).scatter_reduce(0, inv, perm, reduce="max").tolist(),
            lambda: inv.new_zeros(3).scatter_reduce(0, inv, perm, reduce="maximum"),
            lambda: str(lib.trapz(y16, dx=lib.tensor(2.0, dtype=lib.float64)).dtype).removeprefix("torch."),
            lambda: str(lib.cumulative_trapezoid(y16, dx=lib.tensor(2.0)).dtype).removeprefix("torch."),
            lambda: lib.trapz(y16, dx=lib.ones(2)),
            lambda: w.kaiser(lib.tensor(5), beta=2.0).tolist(),
            lambda: w.hann(lib.tensor(1.0)).tolist(),
            lambda: w.bartlett(lib.tensor(5)).tolist(),
            lambda: w.hamming(lib.tensor(4.0)),
        )]

    for theirs, ours in zip(calls(torch), calls(mg)):
        if isinstance(theirs, Exception):
            assert isinstance(ours, type(theirs)), (theirs, ours)
        elif isinstance(theirs, list):
            np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6)
        else:
            assert ours == theirs


@pytest.mark.parametrize("target", [[1, 2, 0], [1, 0, 2, 0], [0, 1], [0], [2, 0, 0], [1, 2, 1]])
def test_ctc_loss_target_labels_equal_to_blank_as_pytorch(target: list[int]) -> None:
    """keras's CTC loss passes padded targets ([1, 2, 0, 2] with length 3): PyTorch's recursion allows the
    s-2 step wherever l'[s] differs from l'[s-2], a blank-valued label included; minigrad also required
    l'[s] != blank (2.45 became 4.40, keras's CTCTest.test_correctness, and [1, 0, 2, 0] gave inf).

    Where the last label equals blank, PyTorch's own backward is off at the last frame (its analytic
    gradient disagrees with its finite differences: both end states share the class); minigrad's gradient
    is the recursion's exact one, checked there against PyTorch's finite differences."""
    torch = require_torch()
    logits = (np.arange(30.0).reshape(5, 1, 6) - 12) / 17

    def loss_of(lib: Any, x: Any) -> Any:
        return lib.nn.functional.ctc_loss(x.log_softmax(-1), lib.tensor([target]), lib.tensor([5]),
                                          lib.tensor([len(target)]), reduction="sum")

    rows = []
    for lib in (torch, mg):
        x = lib.tensor(logits, requires_grad=True)
        loss = loss_of(lib, x)
        loss.backward()
        rows.append((loss.item(), x.grad.numpy()))
    np.testing.assert_allclose(rows[1][0], rows[0][0], rtol=1e-10)
    expected = rows[0][1]
    if target[-1] == 0:
        steps = np.eye(logits.size).reshape(-1, *logits.shape) * 1e-6
        ups = [loss_of(torch, torch.tensor(logits + e)).item() for e in steps]
        downs = [loss_of(torch, torch.tensor(logits - e)).item() for e in steps]
        expected = ((np.array(ups) - np.array(downs)) / 2e-6).reshape(logits.shape)
    np.testing.assert_allclose(rows[1][1], expected, rtol=1e-5, atol=1e-8)
