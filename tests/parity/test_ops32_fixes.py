"""Op-level differences from PyTorch 2.13 found by ops32's differential fuzzer (torch functions and Tensor
methods on random shapes, dtypes, layouts and arguments: values, dtypes, gradients and error classes)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch
from tests.helpers import same_as_torch as _same

torch = pytest.importorskip("torch")




# ---------------------------------------------------------------- einsum: a product that sums nothing is mul
_EQUATIONS = [("ij,ij->ij", [(2, 3), (2, 3)]), ("i,j->ij", [(2,), (3,)]), ("bi,bj->bij", [(2, 3), (2, 4)]),
              ("ij,jk->ik", [(2, 3), (3, 2)])]


@pytest.mark.parametrize(("eq", "shapes"), _EQUATIONS)
@pytest.mark.parametrize(("da", "db"), [("float16", "float64"), ("bool", "bool"), ("int32", "int64"),
                                        ("float32", "float32"), ("bool", "float32")])
def test_einsum_without_contraction_promotes_as_mul(eq: str, shapes: list[tuple[int, ...]], da: str,
                                                    db: str) -> None:
    # PyTorch's einsum multiplies two operands when no label is summed (dtypes promote, bools work);
    # minigrad sent every pair through matmul, which refuses mixed dtypes and bools
    a = np.random.RandomState(0).standard_normal(shapes[0])
    b = np.random.RandomState(1).standard_normal(shapes[1])
    _same(lambda t: t.einsum(eq, t.tensor(a > 0 if da == "bool" else a * 3, dtype=getattr(t, da)),
                             t.tensor(b > 0 if db == "bool" else b * 3, dtype=getattr(t, db))))


def test_einsum_without_contraction_gradients() -> None:
    require_torch()
    grads = []
    for lib in (torch, mg):
        a = lib.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        b = lib.tensor(np.arange(8.0).reshape(2, 4) - 3, requires_grad=True)
        out = lib.einsum("bi,bj->bij", a, b)
        assert out.grad_fn.name() == "MulBackward0"
        grads.append([g.numpy() for g in lib.autograd.grad(out, (a, b), lib.ones_like(out))])
    for ours, theirs in zip(grads[1], grads[0]):
        np.testing.assert_allclose(ours, theirs)


# ---------------------------------------------------------------- integer results keep their dtype
@pytest.mark.parametrize("dt", ["int32", "int16", "int64", "float32"])
def test_addbmm_and_bilinear_keep_integer_dtype(dt: str) -> None:
    # the batch sum of addbmm and bilinear's inner sum promoted int32 to int64 (numpy's sum)
    _same(lambda t: t.addbmm(t.ones(2, 4, dtype=getattr(t, dt)), t.ones(2, 2, 3, dtype=getattr(t, dt)),
                             t.ones(2, 3, 4, dtype=getattr(t, dt))))
    _same(lambda t: t.nn.functional.bilinear(t.ones(2, 3, dtype=getattr(t, dt)),
                                             t.ones(2, 4, dtype=getattr(t, dt)),
                                             t.ones(5, 3, 4, dtype=getattr(t, dt))))


@pytest.mark.parametrize("margin", [1.0, 0.5, 2, 2.7])
@pytest.mark.parametrize(("dx", "dy"), [("int64", "int64"), ("int32", "float32"), ("float32", "float32"),
                                        ("bool", "int64"), ("float64", "int64")])
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_hinge_embedding_loss_of_integer_input(margin: float, dx: str, dy: str, reduction: str) -> None:
    # PyTorch fills the margin into a tensor like the input: an integer input gives an integer loss (the
    # margin truncated), 'mean' of it raises; minigrad gave float32
    x, y = [0, 1, 2, -3, 5], [1, -1, -1, 1, -1]
    _same(lambda t: t.nn.functional.hinge_embedding_loss(
        t.tensor(x, dtype=getattr(t, dx)), t.tensor(y, dtype=getattr(t, dy)), margin=margin,
        reduction=reduction))


@pytest.mark.parametrize("margin", [0, 1, 0.5])
def test_margin_ranking_loss_of_integer_input_is_float(margin: float) -> None:
    # the margin is PyTorch's double argument: int inputs give float32 (minigrad kept int64 for an int one)
    _same(lambda t: t.nn.functional.margin_ranking_loss(t.tensor([1, 2, 3]), t.tensor([3, 2, 1]),
                                                        t.tensor([1, -1, 1]), margin=margin,
                                                        reduction="none"))


@pytest.mark.parametrize("dt", ["int32", "bool", "float16", "float64"])
@pytest.mark.parametrize("which", ["dropout", "dropout1d", "alpha_dropout", "inplace"])
def test_dropout_p1_keeps_dtype(dt: str, which: str) -> None:
    # p = 1 is input * 0 in PyTorch, of the input's dtype; minigrad multiplied by a float zero
    def f(t: Any) -> Any:
        x = t.ones(1, 3, 2, dtype=getattr(t, dt))
        if which == "inplace":
            return t.nn.functional.dropout(x, 1.0, inplace=True)
        return getattr(t.nn.functional, which)(x, 1.0)
    _same(f)


# ---------------------------------------------------------------- dtype checks PyTorch makes
@pytest.mark.parametrize(("da", "db"), [("int64", "int32"), ("float32", "int64"), ("bool", "float32"),
                                        ("float32", "float32"), ("float64", "float32")])
@pytest.mark.parametrize("inplace", [False, True])
def test_masked_scatter_refuses_a_source_of_another_dtype(da: str, db: str, inplace: bool) -> None:
    def f(t: Any) -> Any:
        x = t.ones(3, dtype=getattr(t, da))
        mask, src = t.tensor([True, False, True]), t.arange(3).to(getattr(t, db))
        return x.masked_scatter_(mask, src) if inplace else x.masked_scatter(mask, src)
    _same(f)


def test_masked_scatter_shape_error_first() -> None:
    _same(lambda t: t.ones(3).masked_scatter(t.ones(2, dtype=t.bool), t.ones(3, dtype=t.int64)))
    _same(lambda t: t.ones(3).masked_scatter(t.ones(3, dtype=t.int64), t.ones(3, dtype=t.int64)))


@pytest.mark.parametrize(("da", "db"), [("float32", "float64"), ("int32", "float16"), ("bool", "bool"),
                                        ("bool", "float32"), ("float32", "bool"), ("int32", "int32")])
@pytest.mark.parametrize("fn", ["cross", "linalg.cross"])
def test_cross_refuses_mixed_dtypes_and_bool(da: str, db: str, fn: str) -> None:
    # PyTorch's cross kernel has no bool form and does not promote; minigrad computed in numpy's promotion
    def f(t: Any) -> Any:
        a = t.tensor([[1, 0, 2], [0, 1, 1]]).to(getattr(t, da))
        b = t.tensor([[0, 1, 1], [1, 1, 0]]).to(getattr(t, db))
        return t.cross(a, b, dim=1) if fn == "cross" else t.linalg.cross(a, b)
    _same(f)


@pytest.mark.parametrize(("dx", "dw"), [("int64", "int64"), ("bool", "bool"), ("int32", "int32"),
                                        ("int64", "float32"), ("float64", "float32")])
def test_prelu_integer_is_not_implemented(dx: str, dw: str) -> None:
    # one integer dtype is PyTorch's NotImplementedError ("prelu_cpu"); two dtypes a RuntimeError
    _same(lambda t: t.nn.functional.prelu(t.ones(3, 2, dtype=getattr(t, dx)),
                                          t.ones(2, dtype=getattr(t, dw))))


@pytest.mark.parametrize("fn", ["erfcx", "log_ndtr", "ndtri"])
@pytest.mark.parametrize("dt", ["float16", "float32", "int64"])
def test_special_functions_without_a_half_kernel(fn: str, dt: str) -> None:
    _same(lambda t: getattr(t.special, fn)(t.tensor([0.25, 0.5]).to(getattr(t, dt))))


@pytest.mark.parametrize(("da", "db"), [("float16", "float16"), ("float16", "float32"), ("float16", None)])
def test_zeta_without_a_half_kernel(da: str, db: str | None) -> None:
    _same(lambda t: t.special.zeta(t.tensor([2.0, 3.0], dtype=getattr(t, da)),
                                   2.0 if db is None else t.tensor([1.0, 2.0], dtype=getattr(t, db))))


# ---------------------------------------------------------------- result dtypes of several tensors
_INT_PAIRS = [((2,), "int32", (), "int64"), ((2,), "int8", (1,), "int16"), ((2,), "int64", (3,), "int64"),
              ((), "int16", (2,), "uint8")]


@pytest.mark.parametrize("fn", ["gcd", "lcm"])
@pytest.mark.parametrize(("sa", "da", "sb", "db"), _INT_PAIRS)
def test_gcd_lcm_dtype_and_broadcast_error(fn: str, sa: tuple[int, ...], da: str, sb: tuple[int, ...],
                                           db: str) -> None:
    # numpy's gcd widened int32 with a 0-d int64 to int64 and raised ValueError for shapes that do not
    # broadcast; PyTorch keeps int32 and raises RuntimeError
    _same(lambda t: getattr(t, fn)(t.full(sa, 6, dtype=getattr(t, da)), t.full(sb, 4, dtype=getattr(t, db))))


@pytest.mark.parametrize(("da", "db"), [("float32", "float64"), ("int64", "float64"), ("int32", "int64"),
                                        ("bool", "int32")])
def test_block_diag_dtype_counts_a_0d_block_as_pytorch(da: str, db: str) -> None:
    # the result type of the blocks as given: a 0-d block widens only across a category
    _same(lambda t: t.block_diag(t.ones(2, dtype=getattr(t, da)), t.tensor(1, dtype=getattr(t, db))))
    _same(lambda t: t.block_diag(t.ones(2, 2, dtype=getattr(t, da)), t.ones(1, dtype=getattr(t, db))))


@pytest.mark.parametrize("indexing", ["ij", "xy", "bad"])
def test_meshgrid_refuses_mixed_dtypes(indexing: str) -> None:
    _same(lambda t: t.meshgrid(t.ones(2), t.ones(3, dtype=t.int64), indexing=indexing)[0])
    _same(lambda t: t.meshgrid(t.ones(2, 2), t.ones(3, dtype=t.float64), indexing=indexing)[0])


# ---------------------------------------------------------------- refusals PyTorch makes
@pytest.mark.parametrize(("a", "b"), [("float32", "bool"), ("bool", "float32"), ("bool", "bool"),
                                      ("int64", "float32"), ("float32", True)])
def test_isin_refuses_bool(a: str, b: Any) -> None:
    _same(lambda t: t.isin(t.tensor([1, 0, 2]).to(getattr(t, a)),
                           b if isinstance(b, bool) else t.tensor([1, 0]).to(getattr(t, b))))


@pytest.mark.parametrize("dt", ["int64", "int32", "uint8", "bool", "float32"])
@pytest.mark.parametrize("decimals", [None, 0, 1])
def test_round_with_decimals_of_an_integer_tensor(dt: str, decimals: int | None) -> None:
    # round(x) of an int tensor is x; with decimals= (0 too) PyTorch has no integer kernel
    _same(lambda t: t.round(t.tensor([1, 2, 0]).to(getattr(t, dt)), decimals=decimals) if decimals is not None
          else t.round(t.tensor([1, 2, 0]).to(getattr(t, dt))))


@pytest.mark.parametrize("dtype", ["int64", "int32", "float64", None])
@pytest.mark.parametrize("requires_grad", [False, True])
def test_nansum_nanmean_integer_dtype(dtype: str | None, requires_grad: bool) -> None:
    # nanmean refuses an integer dtype=; nansum to an integer dtype of a tensor requiring grad is sum's
    # "Autograd not support dtype" error
    def f(t: Any, fn: str) -> Any:
        x = t.tensor([1.5, float("nan"), 2.0], requires_grad=requires_grad)
        kw = {} if dtype is None else {"dtype": getattr(t, dtype)}
        return getattr(t, fn)(x, **kw)
    _same(lambda t: f(t, "nansum"))
    _same(lambda t: f(t, "nanmean"))


@pytest.mark.parametrize("dim", [(0,), [1], True, 1.0, 1, -1])
def test_aminmax_dim_must_be_an_int(dim: Any) -> None:
    _same(lambda t: t.aminmax(t.arange(6.0).reshape(2, 3), dim=dim)[1])


@pytest.mark.parametrize("dt", ["int64", "int32", "bool"])
def test_gumbel_softmax_of_integer_logits(dt: str) -> None:
    _same(lambda t: t.nn.functional.gumbel_softmax(t.ones(2, 3, dtype=getattr(t, dt))))
    _same(lambda t: t.nn.functional.gumbel_softmax(t.ones(2, 3, dtype=getattr(t, dt)), tau="x"))


@pytest.mark.parametrize("dt", ["int64", "bool"])
def test_embedding_bag_of_an_integer_weight(dt: str) -> None:
    _same(lambda t: t.nn.functional.embedding_bag(t.tensor([[0, 1]]), t.ones(3, 2, dtype=getattr(t, dt))))
    _same(lambda t: t.nn.functional.embedding_bag(t.tensor([[0, 1]]), t.ones(3, dtype=getattr(t, dt))))
