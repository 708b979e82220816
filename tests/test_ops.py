"""Every op of the table in ``tests/op_table.py``: gradcheck, gradgradcheck, float32, invariants.

The invariants every backward must keep: inputs and upstream gradients are not
mutated, no two gradients (nor a gradient and an input) share memory, and the
graph is freed once backward has run without ``retain_graph``. Values and
gradients against PyTorch live in ``tests/parity/test_ops_parity.py``; these
tests need no oracle beyond finite differences, so they run without torch.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
from tests.op_table import API_OPS, MODULE_NOT_OPS, NOT_OPS, OP_TABLE, OPERATORS, OpSpec, Sample
from tests.surface_table import CASES, SURFACE_NOT_OPS

DIFFERENTIABLE = [s for s in OP_TABLE if s.differentiable]
TWICE = [s for s in DIFFERENTIABLE if s.twice_differentiable]
_OBJECT_DUNDERS = {
    "__annotations__", "__array_priority__", "__doc__", "__init__", "__module__", "__slots__", "__weakref__",
    "__dict__", "__firstlineno__", "__static_attributes__", "__qualname__",
}  # fmt: skip


def _ids(specs: list[OpSpec]) -> list[str]:
    return [s.name for s in specs]


def _draw_inputs(data: st.DataObject, spec: OpSpec, dtype: Any) -> tuple[Sample, list[mg.Tensor]]:
    sample = data.draw(spec.sample, label="sample")
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    arrays = spec.domain(np.random.default_rng(seed), sample.shapes)
    tensors = [mg.tensor(np.asarray(a, dtype=dtype), requires_grad=spec.differentiable) for a in arrays]
    return sample, tensors


def _outputs(out: Any) -> list[mg.Tensor]:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def test_table_names_are_unique() -> None:
    names = _ids(OP_TABLE)
    assert len(names) == len(set(names))


def _covered() -> set[str]:
    """Names exercised by a row of the op table or of the PyTorch-surface table."""
    return {name for spec in OP_TABLE for name in spec.covers} | {n for c in CASES for n in c.covers}


def test_table_covers_every_public_tensor_op() -> None:
    """A public Tensor method or operator without a table row (or a NOT_OPS entry) fails here.

    Rows of tests/surface_table.py count too: it runs every form of an op
    (function, method, in-place) against PyTorch on fixed data.
    """
    covered = _covered()
    public = {n for n in dir(mg.Tensor) if not n.startswith("_")}
    # copyreg caches __slotnames__ on the class once any test copies a Tensor
    dunders = ({n for cls in mg.Tensor.__mro__[:-1] for n in vars(cls) if n.startswith("__")}
               - _OBJECT_DUNDERS - {"__slotnames__"})
    missing = sorted((public | dunders) - covered - NOT_OPS - SURFACE_NOT_OPS)
    assert missing == [], f"Tensor ops without an entry in tests/op_table.py: {missing}"
    api_missing = sorted(set(API_OPS + OPERATORS) - covered)
    assert api_missing == [], f"API.md ops without an entry in tests/op_table.py: {api_missing}"
    stale = sorted(n for n in NOT_OPS | SURFACE_NOT_OPS if n not in public | dunders)
    assert stale == [], f"NOT_OPS names that Tensor does not have: {stale}"


def test_tables_cover_every_public_function() -> None:
    """Every public function of ``minigrad`` is a covered op (``mg.name``) or listed in MODULE_NOT_OPS."""
    covered = _covered()
    functions = {n for n, v in vars(mg).items() if not n.startswith("_") and callable(v)
                 and not isinstance(v, type) and getattr(v, "__module__", "").startswith("minigrad")}
    missing = sorted(n for n in functions if f"mg.{n}" not in covered and n not in MODULE_NOT_OPS)
    assert missing == [], f"minigrad functions without a row in op_table.py or surface_table.py: {missing}"
    stale = sorted(n for n in MODULE_NOT_OPS if n not in vars(mg))
    assert stale == [], f"MODULE_NOT_OPS names that minigrad does not have: {stale}"


@pytest.mark.parametrize("spec", DIFFERENTIABLE, ids=_ids(DIFFERENTIABLE))
@settings(max_examples=20)
@given(data=st.data())
def test_gradcheck(spec: OpSpec, data: st.DataObject) -> None:
    sample, inputs = _draw_inputs(data, spec, np.float64)
    assert mg.gradcheck(lambda *xs: spec.mg(*xs, **sample.kwargs), inputs)


@pytest.mark.parametrize("spec", TWICE, ids=_ids(TWICE))
@settings(max_examples=8)
@given(data=st.data())
def test_gradgradcheck(spec: OpSpec, data: st.DataObject) -> None:
    sample, inputs = _draw_inputs(data, spec, np.float64)
    assert mg.gradgradcheck(lambda *xs: spec.mg(*xs, **sample.kwargs), inputs)


@pytest.mark.parametrize("spec", OP_TABLE, ids=_ids(OP_TABLE))
@settings(max_examples=8)
@given(data=st.data())
def test_float32_stays_float32(spec: OpSpec, data: st.DataObject) -> None:
    """float32 in gives float32 out and float32 gradients, close to the float64 result."""
    sample, inputs = _draw_inputs(data, spec, np.float32)
    outs = _outputs(spec.mg(*inputs, **sample.kwargs))
    ref = _outputs(spec.mg(*[mg.tensor(t.detach().numpy().astype(np.float64)) for t in inputs],
                           **sample.kwargs))
    for o, r in zip(outs, ref, strict=True):
        if spec.differentiable and r.dtype.kind == "f":  # (indices of max(dim) stay int64)
            assert o.dtype == np.float32, f"{spec.name} gave {o.dtype} for float32 inputs"
        else:
            assert o.dtype == r.dtype
        np.testing.assert_allclose(o.detach().numpy(),
                                   r.detach().numpy(), rtol=spec.float32_rtol, atol=spec.float32_atol)
    if not spec.differentiable:
        return
    diff_outs = [o for o in outs if o.requires_grad]
    mg.autograd.backward(diff_outs, [mg.ones_like(o) for o in diff_outs])
    for t in inputs:
        if t.grad is not None:
            assert t.grad.dtype == np.float32, f"{spec.name}: gradient is {t.grad.dtype}"


def _graph(outs: list[mg.Tensor]) -> tuple[list[Any], list[mg.Tensor]]:
    """The nodes reachable from ``outs`` and the tensors between them (inputs and outputs included)."""
    nodes: dict[int, Any] = {}
    tensors: dict[int, mg.Tensor] = {}
    stack = list(outs)
    while stack:
        t = stack.pop()
        if id(t) in tensors:
            continue
        tensors[id(t)] = t
        fn = t.grad_fn
        if fn is not None and id(fn) not in nodes:
            nodes[id(fn)] = fn
            stack.extend(fn.parents)
    return list(nodes.values()), list(tensors.values())


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("spec", DIFFERENTIABLE, ids=_ids(DIFFERENTIABLE))
@settings(max_examples=6)  # a backward that mutates or aliases does so on almost every draw
@given(data=st.data())
def test_backward_keeps_the_invariants(spec: OpSpec, dtype: type, data: st.DataObject) -> None:
    """Backward with a random upstream gradient mutates nothing, aliases nothing, frees the graph.

    A random upstream (not ``.sum()``) makes a backward that writes into its
    incoming gradient visible; the graph must drop its intermediates so that
    training does not hold every step's activations.
    """
    sample, xs = _draw_inputs(data, spec, dtype)
    before = [x.detach().numpy().copy() for x in xs]
    outs = [o for o in _outputs(spec.mg(*xs, **sample.kwargs)) if o.requires_grad]
    nodes, tensors = _graph(outs)
    keep = {id(t) for t in (*xs, *outs)}
    intermediates = [weakref.ref(t) for t in tensors if id(t) not in keep]
    del tensors
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="upstream seed"))
    upstream = [rng.standard_normal(o.shape).astype(dtype) for o in outs]
    up_before = [u.copy() for u in upstream]
    mg.autograd.backward(outs, [mg.tensor(u) for u in upstream])

    for i, (x, b) in enumerate(zip(xs, before, strict=True)):
        np.testing.assert_array_equal(x.detach().numpy(), b, err_msg=f"{spec.name} mutated input {i}")
    for k, (u, b) in enumerate(zip(upstream, up_before, strict=True)):
        np.testing.assert_array_equal(u, b, err_msg=f"{spec.name} mutated the upstream gradient {k}")
    grads = [x.grad.numpy() for x in xs if x.grad is not None]
    for g1, g2 in itertools.combinations(grads, 2):
        assert not np.shares_memory(g1, g2), f"{spec.name}: two inputs' gradients share memory"
    for g in grads:
        for x in xs:
            assert not np.shares_memory(g, x.detach().numpy()), \
                f"{spec.name}: a gradient shares memory with an input"
    for u in upstream:
        for g in grads:
            assert not np.shares_memory(g, u), f"{spec.name}: a gradient is the upstream gradient's memory"

    # Nodes that read no values keep inputs that are leaves or views of them, as PyTorch keeps its
    # edges (a view of a parameter made once backpropagates every step); every other node drops them.
    kept = [fn for fn in nodes if not fn.released]
    assert all(fn.keeps_inputs() for fn in kept), f"{spec.name}: a node kept its inputs after backward"
    alive = [t for t in (r() for r in intermediates) if t is not None]
    held = [t for t in alive if t.requires_grad  # (a constant operand, a + 2's 2, may stay with its node)
            and not any(np.shares_memory(t.detach().numpy(), x.detach().numpy()) for x in xs)]
    assert held == [], f"{spec.name}: {len(held)} intermediates with memory of their own outlive backward"
    del alive, held
    # A freed node that saved values makes a second backward raise; one that saved nothing runs again, as
    # PyTorch's (its edges outlive the saved tensors: see engine._revive)
    saved = [fn for fn in nodes if fn.released and type(getattr(fn, "edges", None)) is not tuple]
    if saved:  # (+x returns x itself, as in PyTorch: there is no graph)
        with pytest.raises(mg.MinigradError, match="retain_graph"):
            mg.autograd.backward(outs, [mg.tensor(u) for u in upstream])
    elif nodes:  # nothing was freed, or only nodes that saved nothing: a second backward runs, and
        # accumulates the same gradients again
        first = [g.copy() for g in grads]  # (.grad accumulates in place)
        mg.autograd.backward(outs, [mg.tensor(u) for u in upstream])
        for x, g in zip([x for x in xs if x.grad is not None], first, strict=True):
            np.testing.assert_allclose(x.grad.numpy(), 2 * g, rtol=1e-6)



def test_tensor_power_gradients_at_a_zero_base() -> None:
    """Regression: d(a**b)/da was 0 * 0**-1 = nan at a == b == 0; PyTorch gives 0."""
    a = mg.tensor([0.0, 0.0, 2.0], dtype=mg.float64, requires_grad=True)
    b = mg.tensor([2.0, 0.0, 0.5], dtype=mg.float64, requires_grad=True)
    (a**b).backward(mg.ones(3, dtype=mg.float64))
    assert a.grad is not None and b.grad is not None
    np.testing.assert_allclose(a.grad.numpy(), [0.0, 0.0, 0.5 * 2**-0.5], rtol=1e-15)
    np.testing.assert_allclose(b.grad.numpy(), [0.0, 0.0, 2**0.5 * np.log(2.0)], rtol=1e-15)
