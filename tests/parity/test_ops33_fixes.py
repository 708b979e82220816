"""Op-level differences from PyTorch 2.13 found by ops33's extension of the differential op fuzzer (linalg,
index and scatter gradients, cumulative ops, pad/interpolate modes) and by PyTorch's OpInfo sample inputs run
through minigrad: values, dtypes, gradients and error classes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch
from tests.helpers import same_as_torch as _same

torch = pytest.importorskip("torch")




def _grads(fn: Any, arrays: list[np.ndarray], upstream: np.ndarray | None = None) -> None:
    """The float64 gradients of fn(lib, *leaves) with a random upstream gradient agree."""
    require_torch()
    out = {}
    for lib in (torch, mg):
        leaves = [lib.tensor(a, dtype=lib.float64, requires_grad=True) for a in arrays]
        y = fn(lib, *leaves)
        g = np.random.RandomState(7).standard_normal(tuple(y.shape)) if upstream is None else upstream
        out[lib] = [x.numpy() for x in lib.autograd.grad(y, leaves, lib.tensor(g, dtype=lib.float64))]
    for ours, theirs in zip(out[mg], out[torch]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------- index_fill: a repeated index fills once
@pytest.mark.parametrize("index", [[0, 2, 2], [1, 1, 1, 1], [3], [0, 1, 2, 3, 4, 0]])
def test_index_fill_value_gradient_counts_each_position_once(index: list[int]) -> None:
    # PyTorch's gradient of a tensor value sums the upstream gradient over the filled positions, each once;
    # minigrad summed it once per index entry (a repeat counted twice)
    x = np.random.RandomState(0).standard_normal((3, 5))
    _grads(lambda t, a, v: a.index_fill(1, t.tensor(index), v), [x, np.array(2.0)])


# ---------------------------------------------------------------- linalg: operands of two dtypes
_MIXED = {
    "solve": lambda t, a, b: t.linalg.solve(a, b),
    "solve_shape_too": lambda t, a, b: t.linalg.solve(a[:2], b),
    "solve_ex": lambda t, a, b: t.linalg.solve_ex(a, b).result,
    "lstsq": lambda t, a, b: t.linalg.lstsq(a, b).solution,
    "vecdot": lambda t, a, b: t.linalg.vecdot(a, b.mT),
    "lu_solve": lambda t, a, b: t.linalg.lu_solve(*t.linalg.lu_factor(a), b),
    "triangular_solve": lambda t, a, b: t.triangular_solve(b, a).solution,
    "cholesky_solve": lambda t, a, b: t.cholesky_solve(b, a.tril()),
    "householder_product": lambda t, a, b: t.linalg.householder_product(a, b[:, 0]),
    "solve_triangular": lambda t, a, b: t.linalg.solve_triangular(a, b, upper=True),
    "solve_triangular_right": lambda t, a, b: t.linalg.solve_triangular(a, b.mT, upper=False, left=False),
}


_PAIRS = [("float32", "float64"), ("float64", "float32"), ("float64", "float64")]


@pytest.mark.parametrize("name", sorted(_MIXED))
@pytest.mark.parametrize(("da", "db"), _PAIRS)
def test_linalg_operands_of_two_dtypes(name: str, da: str, db: str) -> None:
    # PyTorch refuses A and B of two dtypes ("Expected A and B to have the same dtype") in solve, lstsq,
    # vecdot, lu_solve, triangular_solve, cholesky_solve and householder_product, and solve_triangular solves
    # in A's dtype; minigrad promoted them (numpy's result type)
    a = np.random.RandomState(0).standard_normal((3, 3)) + 3 * np.eye(3)
    b = np.random.RandomState(1).standard_normal((3, 2))
    _same(lambda t: _MIXED[name](t, t.tensor(a, dtype=getattr(t, da)), t.tensor(b, dtype=getattr(t, db))))


def test_multivariate_normal_log_prob_of_a_value_of_another_dtype() -> None:
    # MultivariateNormal's Mahalanobis term is a triangular solve in the scale's dtype (minigrad's solve now
    # refuses two dtypes, as PyTorch's, so the distribution converts the value first)
    require_torch()
    out = []
    for lib in (torch, mg):
        f64 = lib.float64
        d = lib.distributions.MultivariateNormal(lib.zeros(2, dtype=f64), lib.eye(2, dtype=f64))
        out.append(d.log_prob(lib.tensor([0.5, -1.0], dtype=lib.float32)))
    assert str(out[0].dtype).split(".")[-1] == str(out[1].dtype).split(".")[-1]
    np.testing.assert_allclose(out[1].numpy(), out[0].numpy(), rtol=1e-12)



# ---------------------------------------------------------------- index writes: a source of another dtype
_WRITES = {
    "index_put": lambda t, x, v: x.index_put((t.tensor([0, 2]),), v),
    "index_put_accumulate": lambda t, x, v: x.index_put((t.tensor([0, 2]),), v, accumulate=True),
    "index_put_two_indices": lambda t, x, v: x.index_put((t.tensor([0, 2]), t.tensor([1, 1])), v),
    "index_put_mask_one_value": lambda t, x, v: x.index_put((t.tensor([True, False, True]),), v[:1, :1]),
    "index_put_mask_rows": lambda t, x, v: x.index_put((t.tensor([True, False, True]),), v),
    "index_put_mask_accumulate": lambda t, x, v: x.index_put((t.tensor([True, False, True]),), v[:1, :1],
                                                             accumulate=True),
    "index_copy": lambda t, x, v: x.index_copy(0, t.tensor([0, 2]), v),
    "put": lambda t, x, v: x.put(t.tensor([0, 5]), v[0]),
    "put_accumulate": lambda t, x, v: x.put(t.tensor([0, 5]), v[0], accumulate=True),
}


@pytest.mark.parametrize("name", sorted(_WRITES))
@pytest.mark.parametrize("dv", ["float32", "float64", "int64"])
def test_index_writes_refuse_a_source_of_another_dtype(name: str, dv: str) -> None:
    # PyTorch's index_put/index_copy/put refuse a source of another dtype ("Index put requires the source and
    # destination dtypes match"), but for one bool mask and a one-element value (its masked_fill path);
    # minigrad converted the source
    x = np.arange(6.0).reshape(3, 2)
    v = np.array([[7.0, 8.0], [9.0, 10.0]])
    _same(lambda t: _WRITES[name](t, t.tensor(x, dtype=t.float32), t.tensor(v, dtype=getattr(t, dv))))


# ---------------------------------------------------------------- incomplete gamma: shapes not broadcasting
@pytest.mark.parametrize("fn", ["igamma", "igammac", "special.gammainc", "special.gammaincc"])
def test_incomplete_gamma_of_shapes_that_do_not_broadcast_is_a_runtime_error(fn: str) -> None:
    # PyTorch's RuntimeError ("The size of tensor a (2) must match ..."); minigrad leaked numpy's ValueError
    def call(t: Any) -> Any:
        f = t
        for part in fn.split("."):
            f = getattr(f, part)
        return f(t.ones(2, 3), t.ones(4, 1, 2))

    _same(call)
    _same(lambda t: t.igamma(t.ones(2, 3) * 2, t.ones(4, 1, 3)))


# ---------------------------------------------------------------- matrix_exp of a batch holding inf
def test_matrix_exp_of_a_batch_holding_a_non_finite_matrix() -> None:
    # PyTorch gives that matrix's exponential as nan and the others as usual; minigrad's scaling step took
    # the log of an infinite norm (Python's OverflowError)
    a = np.array([[[0.8, 0.7, 1.6], [np.inf, 0.2, -1.1], [-0.2, 0.7, -0.1]],
                  [[0.1, 0.2, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]],
                  [[3.0, -2.0, 0.5], [1.0, 2.5, 0.0], [np.nan, 0.0, 1.0]]])
    _same(lambda t: t.linalg.matrix_exp(t.tensor(a)))
    _same(lambda t: t.matrix_exp(t.tensor(a[1:2] * 4)))


# ---------------------------------------------------------------- index_add: a float alpha on integers
_ALPHAS = [(2.5, "int64"), (-1.5, "int64"), (0.9, "int64"), (3, "int64"), (2.5, "int32"), (-1.5, "int32"),
           (2.5, "uint8"), (0.9, "uint8")]


@pytest.mark.parametrize(("alpha", "dtype"), _ALPHAS)
def test_index_add_of_integers_truncates_a_float_alpha(alpha: float, dtype: str) -> None:
    # PyTorch converts alpha to the integer dtype (2.5 -> 2) before it scales the source; minigrad scaled by
    # 2.5 and truncated the sums
    _same(lambda t: t.tensor([1, 2, 3, 4], dtype=getattr(t, dtype)).index_add(
        0, t.tensor([0, 0, 1]), t.tensor([1, 3, 5], dtype=getattr(t, dtype)), alpha=alpha))


# ---------------------------------------------------------------- cat of empty 1-D tensors only
def test_cat_of_empty_tensors_keeps_the_one_requiring_grad() -> None:
    # every tensor (0,): PyTorch joins them all, so the result requires grad when one does (CatBackward0);
    # minigrad kept only the first (here a bool tensor), dropping the graph
    require_torch()
    for lib in (torch, mg):
        a = lib.zeros(0, requires_grad=True)
        out = lib.cat([lib.zeros(0, dtype=lib.bool), a])
        assert out.requires_grad and out.grad_fn is not None and str(out.dtype).endswith("float32")
        assert type(out.grad_fn).__name__ == "CatBackward0"
        assert lib.autograd.grad(out.sum(), a)[0].shape == (0,)
    _same(lambda t: t.cat([t.zeros(0, dtype=t.bool), t.zeros(0, dtype=t.int32)]))


# ---------------------------------------------------------------- huber_loss of two dtypes, gradient wanted
@pytest.mark.parametrize(("dx", "dt"), [("float32", "float64"), ("float64", "float32"), ("float64", "int64")])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_huber_loss_of_two_dtypes_computes_its_value_and_refuses_at_backward(dx: str, dt: str,
                                                                              reduction: str) -> None:
    # PyTorch computes the loss of an input requiring grad against a target of another dtype (a validation
    # pass without no_grad) and raises only in backward; minigrad refused the forward
    require_torch()
    x = np.array([0.3, -1.2, 2.5, 0.25])
    t = np.array([0.1, 0.5, -3.0, 1.0])
    for lib in (torch, mg):
        xs = lib.tensor(x, dtype=getattr(lib, dx), requires_grad=True)
        loss = lib.nn.functional.huber_loss(xs, lib.tensor(t).to(getattr(lib, dt)), reduction=reduction,
                                            delta=0.5)
        assert loss.requires_grad and str(loss.dtype).endswith(dx)
        with pytest.raises(RuntimeError, match="Found dtype"):
            loss.sum().backward()
    _same(lambda t_: t_.nn.functional.huber_loss(t_.tensor(x, dtype=getattr(t_, dx), requires_grad=True),
                                                 t_.tensor(t).to(getattr(t_, dt)), reduction=reduction))


# ---------------------------------------------------------------- a dim out of range is checked first
_BAD_DIM = {
    "logcumsumexp_int": lambda t: t.ones(3, dtype=t.int32).logcumsumexp(-2),
    "median_bool": lambda t: t.ones(1, 1, 3).bool().median(-4),
    "nanmedian_bool": lambda t: t.ones(3, 3).bool().nanmedian(5, keepdim=True),
    "cumprod_int_dtype": lambda t: t.ones(2, 1, requires_grad=True).cumprod(4, dtype=t.int64),
    "cumsum_int_dtype": lambda t: t.ones(2, 1, requires_grad=True).cumsum(-3, dtype=t.int64),
    "prod_int_dtype": lambda t: t.ones(2, 1, requires_grad=True).prod(4, dtype=t.int64),
    "scatter_src_dtype": lambda t: t.ones(1, 3, 1, dtype=t.float64).scatter(
        3, t.zeros(2, 1, 1, dtype=t.int64), t.ones(2, 1, 1)),
    "scatter_reduce_dtype": lambda t: t.ones(3).bool().scatter_reduce(3, t.zeros(3, dtype=t.int64),
                                                                      t.ones(3, dtype=t.int64), "mean"),
}


@pytest.mark.parametrize("name", sorted(_BAD_DIM))
def test_a_dim_out_of_range_is_refused_before_the_dtype(name: str) -> None:
    # PyTorch wraps the dim before it looks at dtypes: its IndexError, where minigrad raised the dtype's
    # NotImplementedError/RuntimeError first (fuzzer cases with both wrong)
    _same(_BAD_DIM[name])


# ---------------------------------------------------------------- take_along_dim without dim: negative index
@pytest.mark.parametrize("index", [[-1, 2], [0, -6], [5, 0]])
def test_take_along_dim_without_dim_refuses_a_negative_index(index: list[int]) -> None:
    # without dim PyTorch gathers from the flattened input, where a negative index is out of bounds (its
    # RuntimeError); minigrad counted it from the end. With a dim a negative index still counts from the end
    _same(lambda t: t.take_along_dim(t.arange(6.0).reshape(2, 3), t.tensor(index)))
    _same(lambda t: t.take_along_dim(t.arange(6.0).reshape(2, 3), t.tensor([[-1], [0]]), 1))


# ---------------------------------------------------------------- gumbel_softmax(hard=True) over an empty dim
@pytest.mark.parametrize(("shape", "dim"), [((3, 4, 0), -1), ((3, 0, 2), 1)])
def test_hard_gumbel_softmax_over_an_empty_dim_is_an_index_error(shape: tuple[int, ...], dim: int) -> None:
    # PyTorch's max() over the empty dim raises its IndexError; numpy's ValueError leaked from minigrad
    _same(lambda t: t.nn.functional.gumbel_softmax(t.zeros(*shape), hard=True, dim=dim))


# ---------------------------------------------------------------- bce_with_logits: an integer input first
@pytest.mark.parametrize(("di", "dt"), [("int64", "int64"), ("bool", "bool"), ("int32", "int32"),
                                        ("int64", "float32"), ("float32", "int64"), ("float32", "bool")])
def test_bce_with_logits_refuses_an_integer_input_before_the_target(di: str, dt: str) -> None:
    # PyTorch's kernel starts with log_sigmoid of the input: its NotImplementedError for an integer or bool
    # input whatever the target; minigrad looked at an integer target first (a RuntimeError)
    _same(lambda t: t.nn.functional.binary_cross_entropy_with_logits(t.ones(2, 3, dtype=getattr(t, di)),
                                                                    t.ones(2, 3, dtype=getattr(t, dt))))


@pytest.mark.parametrize("target_shape", [(), (3,)])
def test_multilabel_soft_margin_loss_of_a_0d_input_is_an_index_error(target_shape: tuple[int, ...]) -> None:
    # PyTorch's IndexError ("Dimension specified as -1 but tensor has no dimensions"); minigrad's ShapeError
    _same(lambda t: t.nn.functional.multilabel_soft_margin_loss(t.ones(()), t.ones(target_shape)))
