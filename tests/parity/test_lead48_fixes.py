"""Lead session 48: fixes found running pytorch/examples scripts with torch aliased to minigrad."""

from __future__ import annotations

import io
import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from minigrad.nn.modules import linear as modules_linear
from tests.helpers import require_torch


def test_non_dynamically_quantizable_linear_under_pytorch_module_path() -> None:
    """pytorch/examples' word_language_model names ``torch.nn.modules.linear.NonDynamicallyQuantizableLinear``
    (MultiheadAttention's out_proj class) in ``torch.serialization.safe_globals`` to load its Transformer."""
    torch = require_torch()
    theirs = torch.nn.modules.linear.NonDynamicallyQuantizableLinear
    assert type(torch.nn.MultiheadAttention(4, 2).out_proj) is theirs
    ours = modules_linear.NonDynamicallyQuantizableLinear
    assert type(mg.nn.MultiheadAttention(4, 2).out_proj) is ours
    assert issubclass(ours, mg.nn.Linear)
    assert "NonDynamicallyQuantizableLinear" not in modules_linear.__all__  # (not in PyTorch's either)
    assert "NonDynamicallyQuantizableLinear" not in torch.nn.modules.linear.__all__


def test_pickled_attention_loads_with_its_classes_allowed() -> None:
    """The example's round trip: the whole module saved, loaded with weights_only under safe_globals."""
    mg.manual_seed(0)
    layer = mg.nn.MultiheadAttention(4, 2)
    buf = io.BytesIO()
    mg.save(layer, buf)
    buf.seek(0)
    allowed = [mg.nn.MultiheadAttention, modules_linear.NonDynamicallyQuantizableLinear]
    with mg.serialization.safe_globals(allowed):
        back = mg.load(buf)
    assert type(back.out_proj) is modules_linear.NonDynamicallyQuantizableLinear
    x = mg.randn(3, 1, 4)
    assert mg.equal(back(x, x, x)[0], layer(x, x, x)[0])


# ---- COO sparse tensors (pygcn builds its adjacency with torch.sparse.FloatTensor and multiplies by spmm)

_IDX = [[0, 1, 1, 0], [2, 0, 2, 2]]  # (0, 2) twice: uncoalesced
_VAL = [3.0, 4.0, 5.0, 1.0]


def _coo(lib: Any, **kwargs: Any) -> Any:
    return lib.sparse_coo_tensor(lib.tensor(_IDX), lib.tensor(_VAL), (2, 3), **kwargs)


def _same(ours: Any, theirs: Any) -> None:
    if getattr(theirs, "is_sparse", False):
        assert ours.is_sparse
        theirs, ours = theirs.to_dense(), ours.to_dense()
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize("make", [
    "s",
    "s.coalesce()",
    "lib.sparse_coo_tensor(lib.tensor(_IDX), lib.tensor(_VAL, dtype=lib.float64), (2, 3), "
    "requires_grad=True)",
    "lib.sparse_coo_tensor(lib.zeros(2, 0, dtype=lib.long), lib.zeros(0), (2, 3))",
    "lib.sparse_coo_tensor(lib.tensor(_IDX), lib.ones(4, 2), (2, 3, 2))",
    "lib.tensor([[0., 1.], [2., 0.]]).to_sparse()",
    "lib.tensor([[0., 0.], [1., 2.], [0., 3.]]).to_sparse(1)",
    "lib.sparse_coo_tensor(lib.tensor(_IDX), lib.tensor([1, 2, 3, 4]))",
    "lib.sparse_coo_tensor(lib.tensor(_IDX), lib.tensor(_VAL, requires_grad=True), (2, 3))",
    "s * 2",
    "s.t()",
])
def test_sparse_repr_and_dense_values(make: str) -> None:
    """PyTorch's print of a COO tensor (indices, values, size, nnz, dtype, layout, grad); its dense form."""
    torch = require_torch()
    made = {}
    for lib in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (PyTorch's note on sparse invariant checks)
            made[lib] = eval(make, {"lib": lib, "s": _coo(lib), "_IDX": _IDX, "_VAL": _VAL})
    theirs, ours = made[torch], made[mg]
    assert repr(ours) == repr(theirs).replace("torch.float64", "minigrad.float64").replace(
        "torch.sparse_coo", "minigrad.sparse_coo")
    assert (ours._nnz(), ours.is_coalesced(), ours.sparse_dim(), ours.dense_dim(), tuple(ours.shape)) == \
        (theirs._nnz(), theirs.is_coalesced(), theirs.sparse_dim(), theirs.dense_dim(), tuple(theirs.shape))
    _same(ours.to_dense(), theirs.to_dense())


def test_sparse_products_and_their_gradients() -> None:
    """spmm / sparse.mm / mm / @ / sparse.addmm of a COO matrix: values, and gradients to the dense operand,
    to the values the sparse tensor was made from, and to a sparse leaf (masked by sparse.mm, dense by mm)."""
    torch = require_torch()
    out: dict[Any, list[Any]] = {}
    for lib in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d = lib.tensor(np.arange(6.0, dtype=np.float32).reshape(3, 2) - 2, requires_grad=True)
            v = lib.tensor(_VAL, requires_grad=True)
            s = lib.sparse_coo_tensor(lib.tensor(_IDX), v, (2, 3))
            w = lib.tensor([[1.0, -2.0], [0.5, 3.0]])
            y = lib.spmm(s, d) + lib.sparse.mm(s, d) * 2 + (s @ d) * 3 + lib.mm(s, d) * 4
            y = y + lib.sparse.addmm(lib.ones(2, 2), s, d, beta=0.5, alpha=2.0)
            (y * w).sum().backward()
            leaf = _coo(lib, requires_grad=True)
            (lib.sparse.mm(leaf, d.detach()) * w).sum().backward()
            masked = leaf.grad.to_dense()
            leaf.grad = None
            (lib.mm(leaf, d.detach()) * w).sum().backward()
            out[lib] = [y, d.grad, v.grad, masked, leaf.grad.to_dense()]
    for ours, theirs in zip(out[mg], out[torch]):
        _same(ours, theirs)


def test_sparse_ops_that_stay_sparse() -> None:
    """coalesce / indices / values (with their gradient), t, * number, + sparse, to(float64), detach, clone,
    neg, sparse.sum over all and over one dim, as PyTorch's (sparse where PyTorch's are)."""
    torch = require_torch()
    out: dict[Any, list[Any]] = {}
    for lib in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            v = lib.tensor(_VAL, requires_grad=True)
            s = lib.sparse_coo_tensor(lib.tensor(_IDX), v, (2, 3))
            c = s.coalesce()
            made = [c, c.indices(), c.values(), s.t(), s * 2, 2 * s, s + s, s.to(lib.float64), s.detach(),
                    s.clone(), -s, lib.sparse.sum(s), lib.sparse.sum(s, dim=1), lib.sparse.sum(s, dim=0)]
            (c.values() * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
            out[lib] = [*made, v.grad]
    for ours, theirs in zip(out[mg], out[torch]):
        assert getattr(ours, "is_sparse", False) == getattr(theirs, "is_sparse", False)
        _same(ours, theirs)
    assert out[mg][7].dtype == mg.float64 and out[mg][3].shape == (3, 2)
    assert out[mg][7].type() == out[torch][7].type() == "torch.sparse.DoubleTensor"


def test_to_sparse_gradient_and_errors() -> None:
    """x.to_sparse() keeps x's gradient; PyTorch's errors (RuntimeError) for indices/values of an
    uncoalesced tensor, mismatched nnz, a size of the wrong length, and (checked always) an index outside
    the size."""
    torch = require_torch()
    grads = {}
    for lib in (torch, mg):
        x = lib.tensor([[0.0, 1.0], [2.0, 0.0]], requires_grad=True)
        (x.to_sparse().to_dense() * lib.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        grads[lib] = x.grad
    _same(grads[mg], grads[torch])
    bad = [lambda lib: _coo(lib).indices(), lambda lib: _coo(lib).values(),
           lambda lib: lib.sparse_coo_tensor(lib.tensor(_IDX), lib.ones(2), (2, 3)),
           lambda lib: lib.sparse_coo_tensor(lib.tensor(_IDX), lib.tensor(_VAL), (2, 3, 4))]
    for call in bad:
        with pytest.raises(RuntimeError) as theirs, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(torch)
        with pytest.raises(type(theirs.value)) as ours, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (the once-per-process invariants note, if no test gave it yet)
            call(mg)
        assert str(ours.value).startswith(str(theirs.value).split(" (")[0][:40])
    with pytest.raises(RuntimeError, match="size is inconsistent with indices: for dim 0, size is 1"):
        mg.sparse_coo_tensor(mg.tensor(_IDX), mg.tensor(_VAL), (1, 3))


def test_legacy_sparse_float_tensor() -> None:
    """pygcn's torch.sparse.FloatTensor(indices, values, shape): deprecated (a warning), values keep their
    dtype, and isinstance tests the sparse dtype, as PyTorch's."""
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.warns(UserWarning, match="deprecated"):
            s = lib.sparse.FloatTensor(lib.tensor([[0, 1], [1, 0]]), lib.tensor([1.0, 2.0]), (2, 2))
        assert s.is_sparse and isinstance(s, lib.sparse.FloatTensor)
        assert not isinstance(s, lib.sparse.DoubleTensor)
        assert not isinstance(lib.ones(2), lib.sparse.FloatTensor)
        assert s.to_dense().tolist() == [[0.0, 1.0], [2.0, 0.0]]


def _coalesced_coo(lib: Any) -> Any:
    idx, val = lib.tensor([[0, 1, 1], [2, 0, 2]]), lib.tensor([3.0, 4.0, 5.0])
    return lib.sparse_coo_tensor(idx, val, (2, 3)).coalesce()


@pytest.mark.parametrize("op", ["s.mul_(2)", "s.div_(4)", "s.mul_(2); s.div_(4)", "s.add_(t)", "s.sub_(t)",
                                "s.neg_()", "s.zero_()", "s.mul_(t)"])
def test_sparse_in_place_writes_keep_the_description(op: str) -> None:
    """An in-place op on a coalesced COO tensor changes the values it prints and returns and keeps its
    pattern and coalesced state (``zero_`` empties it; ``mul_`` by a number leaves it marked uncoalesced,
    PyTorch's quirk), as PyTorch's."""
    torch = require_torch()
    out = {}
    for lib in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s, t = _coalesced_coo(lib), _coalesced_coo(lib)
            exec(op, {"s": s, "t": t})
            out[lib] = (repr(s), s.is_coalesced(), s._nnz(), s.coalesce().values().tolist(),
                        s.to_dense().tolist())
    assert out[mg] == (out[torch][0].replace("torch.sparse_coo", "minigrad.sparse_coo"), *out[torch][1:])


@pytest.mark.parametrize(("fn", "dim", "dense"), [
    ("softmax", 1, False), ("softmax", 0, False), ("log_softmax", 1, False), ("log_softmax", -2, False),
    ("softmax", -1, True), ("softmax", 0, True), ("log_softmax", 1, True),
])
def test_sparse_softmax(fn: str, dim: int, dense: bool) -> None:
    """torch.sparse.softmax / log_softmax (pyGAT-style sparse attention): over the stored entries only,
    coalesced, values and gradients to the values as PyTorch's; with a dense dim of the values too."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    values = rng.standard_normal((5, 2) if dense else 5).astype(np.float32)
    weights = rng.standard_normal((3, 3, 2) if dense else (3, 3)).astype(np.float32)
    out = {}
    for lib in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            v = lib.tensor(values, requires_grad=True)
            size = (3, 3, 2) if dense else (3, 3)
            s = lib.sparse_coo_tensor(lib.tensor([[0, 1, 1, 0, 2], [2, 0, 2, 0, 1]]), v, size)
            # (PyTorch's gradient is wrong for a negative dim, which finite differences show: its
            # reference takes the same dim counted from the front)
            y = getattr(lib.sparse, fn)(s, dim if lib is mg else dim % len(size))
            (y.to_dense() * lib.tensor(weights)).sum().backward()
            out[lib] = (y, v.grad, y.grad_fn.name())
    _same(out[mg][0], out[torch][0])
    np.testing.assert_allclose(out[mg][1].numpy(), out[torch][1].numpy(), rtol=1e-5, atol=1e-7)
    assert out[mg][0].is_coalesced() and out[mg][2] == out[torch][2]


def test_sparse_tensor_sum_and_device() -> None:
    """A COO tensor's ``sum(dim)`` is sparse (SumBackward1), its ``sum()`` dense, as PyTorch's; and
    ``sparse_coo_tensor(device='cuda')`` is the device error every minigrad factory gives."""
    torch = require_torch()
    out = {}
    for lib in (torch, mg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = _coo(lib)
            out[lib] = (s.sum(), s.sum(1), s.sum(dim=0), s.sum(1).grad_fn)
    for ours, theirs in zip(out[mg][:3], out[torch][:3]):
        assert ours.is_sparse == theirs.is_sparse
        _same(ours, theirs)
    with pytest.raises(mg.errors.DeviceError):
        mg.sparse_coo_tensor(mg.tensor(_IDX), mg.tensor(_VAL), (2, 3), device="cuda")
    leaf = _coo(mg, requires_grad=True)
    assert leaf.sum(1).grad_fn.name() == "SumBackward1"


def test_warnings_through_public_forms_name_the_callers_line() -> None:
    """A warning raised inside an ``F.*`` function (made with ``user_stacklevel``) names the line that called
    it, not the generated public-form wrapper (``<string>:5`` before)."""
    a = mg.ones(2, 3)
    with pytest.warns(UserWarning, match="elementwise_mean") as record:
        mg.nn.functional.mse_loss(a, a, reduction="elementwise_mean")
    assert record[0].filename == __file__
    with pytest.warns(UserWarning, match="dropout2d") as record:
        mg.nn.functional.dropout2d(a, 0.5)
    assert record[0].filename == __file__


def test_anomaly_mode_names_the_callers_line_through_public_forms() -> None:
    """detect_anomaly's "The op was created at" names the user's line for an op made inside an ``F.*``
    function, not the generated public-form wrapper (``<string>:5, in linear`` before)."""
    x = mg.tensor([[float("inf")]])
    w = mg.tensor([[0.5]], requires_grad=True)
    with pytest.warns(UserWarning), mg.autograd.detect_anomaly():  # (its "enabled" warning)
        y = mg.nn.functional.linear(x, w)
        with pytest.raises(RuntimeError) as err:
            y.sum().backward()
    assert f"created at {__file__}:" in str(err.value)
