"""``out=`` as PyTorch treats it, compared with PyTorch itself.

Each case runs on both libraries (a function taking the library): the forms PyTorch has no ``out=`` for
(median without dim, isclose, relu, where with a number, ...) raise its TypeError with its words, the out
dtypes it refuses (heaviside's, searchsorted's, histc's, signbit's, addbmm's, ...) its error with its words,
and the forms it takes compute the same values.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()

Case = Callable[[Any], Any]


def _x(lib: Any) -> Any:
    return lib.tensor([[1.0, -2.0], [3.0, 0.0]])


def _spd(lib: Any) -> Any:
    return lib.tensor([[4.0, 1.0], [1.0, 3.0]])


def _empty(lib: Any, *shape: int, dtype: str = "float32") -> Any:
    return lib.empty(*shape, dtype=getattr(lib, dtype))


# forms PyTorch has no out= for
_REFUSED: dict[str, Case] = {
    "median": lambda lib: lib.median(_x(lib), out=_empty(lib, 0)),
    "nanmedian": lambda lib: lib.nanmedian(_x(lib), out=_empty(lib, 0)),
    "median_keepdim": lambda lib: lib.median(_x(lib), keepdim=True, out=(_empty(lib, 0), _empty(lib, 0))),
    "median_none": lambda lib: lib.median(_x(lib), None, out=(_empty(lib, 0), _empty(lib, 0))),
    "sum": lambda lib: lib.sum(_x(lib), out=_empty(lib, 0)),
    "sum_dtype": lambda lib: lib.sum(_x(lib), dtype=lib.float32, out=_empty(lib, 0)),
    "prod": lambda lib: lib.prod(_x(lib), out=_empty(lib, 0)),
    "isclose": lambda lib: lib.isclose(_x(lib), _x(lib), out=_empty(lib, 0, dtype="bool")),
    "allclose": lambda lib: lib.allclose(_x(lib), _x(lib), out=_empty(lib, 0)),
    "isnan": lambda lib: lib.isnan(_x(lib), out=_empty(lib, 0, dtype="bool")),
    "isinf": lambda lib: lib.isinf(_x(lib), out=_empty(lib, 0, dtype="bool")),
    "isfinite": lambda lib: lib.isfinite(_x(lib), out=_empty(lib, 0, dtype="bool")),
    "relu": lambda lib: lib.relu(_x(lib), out=_empty(lib, 0)),
    "argwhere": lambda lib: lib.argwhere(_x(lib), out=_empty(lib, 0, dtype="int64")),
    "cdist": lambda lib: lib.cdist(_x(lib), _x(lib), out=_empty(lib, 0)),
    "diagonal": lambda lib: lib.diagonal(_x(lib), out=_empty(lib, 0)),
    "diagflat": lambda lib: lib.diagflat(_x(lib), out=_empty(lib, 0)),
    "diag_embed": lambda lib: lib.diag_embed(_x(lib), out=_empty(lib, 0)),
    "einsum": lambda lib: lib.einsum("ij->i", _x(lib), out=_empty(lib, 0)),
    "equal": lambda lib: lib.equal(_x(lib), _x(lib), out=_empty(lib, 0)),
    "trace": lambda lib: lib.trace(_x(lib), out=_empty(lib, 0)),
    "dist": lambda lib: lib.dist(_x(lib), _x(lib), out=_empty(lib, 0)),
    "vander": lambda lib: lib.vander(_x(lib)[0], out=_empty(lib, 0)),
    "bincount": lambda lib: lib.bincount(lib.tensor([1, 2]), out=_empty(lib, 0, dtype="int64")),
    "unique": lambda lib: lib.unique(_x(lib), out=_empty(lib, 0)),
    "unique_consecutive": lambda lib: lib.unique_consecutive(_x(lib), out=_empty(lib, 0)),
    "masked_scatter": lambda lib: lib.masked_scatter(_x(lib), _x(lib) > 0, _x(lib), out=_empty(lib, 0)),
    "unsafe_chunk": lambda lib: lib.unsafe_chunk(_x(lib), 2, out=_empty(lib, 0)),
    "tril_indices": lambda lib: lib.tril_indices(2, 2, out=_empty(lib, 0, dtype="int64")),
    "triu_indices": lambda lib: lib.triu_indices(2, 2, out=_empty(lib, 0, dtype="int64")),
    "trapz": lambda lib: lib.trapz(_x(lib), dim=1, out=_empty(lib, 0)),
    "trapezoid": lambda lib: lib.trapezoid(_x(lib), out=_empty(lib, 0)),
    "cumulative_trapezoid": lambda lib: lib.cumulative_trapezoid(_x(lib), out=_empty(lib, 0)),
    "count_nonzero": lambda lib: lib.count_nonzero(_x(lib), out=_empty(lib, 0, dtype="int64")),
    "masked_fill": lambda lib: lib.masked_fill(_x(lib), _x(lib) > 0, 1, out=_empty(lib, 0)),
    "index_fill": lambda lib: lib.index_fill(_x(lib), 0, lib.tensor([0]), 0.0, out=_empty(lib, 0)),
    "rsub": lambda lib: lib.rsub(_x(lib), 2, alpha=2, out=_empty(lib, 0)),
    "gradient": lambda lib: lib.gradient(_x(lib), out=(_empty(lib, 0),)),
    "argsort": lambda lib: lib.argsort(_x(lib), out=_empty(lib, 0, dtype="int64")),
    "std_mean": lambda lib: lib.std_mean(_x(lib), out=(_empty(lib, 0), _empty(lib, 0))),
    "var_mean": lambda lib: lib.var_mean(_x(lib), 0, out=(_empty(lib, 0), _empty(lib, 0))),
    "repeat_interleave": lambda lib: lib.repeat_interleave(_x(lib), 2, out=_empty(lib, 0)),
    "fill": lambda lib: lib.fill(_x(lib), 1.0, out=_empty(lib, 0)),
    "where_other": lambda lib: lib.where(_x(lib) > 0, _x(lib), 0.0, out=_empty(lib, 2, 2)),
    "where_input": lambda lib: lib.where(_x(lib) > 0, 1, _x(lib), out=_empty(lib, 2, 2)),
    "where_both": lambda lib: lib.where(_x(lib) > 0, 1.0, 0.0, out=_empty(lib, 2, 2)),
}

# out dtypes PyTorch refuses
_BAD_DTYPE: dict[str, Case] = {
    "heaviside": lambda lib: lib.heaviside(_x(lib), _x(lib), out=_empty(lib, 2, 2, dtype="float64")),
    "searchsorted": lambda lib: lib.searchsorted(lib.tensor([0.0, 1.0]), _x(lib), out=_empty(lib, 2, 2)),
    "searchsorted_int32": lambda lib: lib.searchsorted(lib.tensor([0.0, 1.0]), _x(lib), out_int32=True,
                                                       out=_empty(lib, 2, 2, dtype="int64")),
    "searchsorted_int64": lambda lib: lib.searchsorted(lib.tensor([0.0, 1.0]), _x(lib),
                                                       out=_empty(lib, 2, 2, dtype="int32")),
    "bucketize": lambda lib: lib.bucketize(_x(lib), lib.tensor([0.0, 1.0]), out=_empty(lib, 2, 2)),
    "histc": lambda lib: lib.histc(_x(lib), out=_empty(lib, 3, dtype="float64")),
    "histc_long": lambda lib: lib.histc(_x(lib), out=_empty(lib, 3, dtype="int64")),
    "signbit": lambda lib: lib.signbit(_x(lib), out=_empty(lib, 2, 2)),
    "signbit_long": lambda lib: lib.signbit(_x(lib), out=_empty(lib, 2, 2, dtype="int64")),
    "addbmm": lambda lib: lib.addbmm(_x(lib), _x(lib)[None], _x(lib)[None],
                                     out=_empty(lib, 2, 2, dtype="float64")),
    "addbmm_long": lambda lib: lib.addbmm(_x(lib), _x(lib)[None], _x(lib)[None],
                                          out=_empty(lib, 2, 2, dtype="int64")),
    "logsumexp": lambda lib: lib.logsumexp(_x(lib), 0, out=_empty(lib, 2, dtype="int64")),
    "isin": lambda lib: lib.isin(_x(lib), _x(lib), out=_empty(lib, 2, 2)),
    "index_add": lambda lib: lib.index_add(_x(lib), 0, lib.tensor([0]), _x(lib)[:1],
                                           out=_empty(lib, 2, 2, dtype="float64")),
    "scatter": lambda lib: lib.scatter(_x(lib), 0, lib.tensor([[0, 1]]), 1.0,
                                       out=_empty(lib, 2, 2, dtype="float64")),
    "scatter_add": lambda lib: lib.scatter_add(_x(lib), 0, lib.tensor([[0, 1]]), _x(lib),
                                               out=_empty(lib, 2, 2, dtype="float64")),
    "index_copy": lambda lib: lib.index_copy(_x(lib), 0, lib.tensor([0]), _x(lib)[:1],
                                             out=_empty(lib, 2, 2, dtype="float64")),
    "take_along_dim": lambda lib: lib.take_along_dim(_x(lib), lib.tensor([[0, 1]]), 0,
                                                     out=_empty(lib, 2, 2, dtype="float64")),
    "argsort_stable": lambda lib: lib.argsort(_x(lib), stable=True, out=_empty(lib, 2, 2)),
    "stack": lambda lib: lib.stack([_x(lib), _x(lib)], out=_empty(lib, 2, 2, 2, dtype="int64")),
    "cat": lambda lib: lib.cat([_x(lib), _x(lib)], out=_empty(lib, 4, 2, dtype="int64")),
    "nonzero": lambda lib: lib.nonzero(_x(lib), out=_empty(lib, 2, 2, dtype="int32")),
    "nuclear_norm": lambda lib: lib.nuclear_norm(_spd(lib), out=_empty(lib, 0, dtype="float64")),
    "chain_matmul": lambda lib: lib.chain_matmul(_spd(lib), _spd(lib), out=_empty(lib, 0, dtype="float64")),
    "slogdet": lambda lib: lib.slogdet(_spd(lib), out=(_empty(lib, 0), _empty(lib, 0, dtype="float64"))),
    "lu_solve": lambda lib: lib.lu_solve(_spd(lib), *lib.linalg.lu_factor(_spd(lib)),
                                         out=_empty(lib, 0, dtype="float64")),
    "cholesky_long": lambda lib: lib.cholesky(_spd(lib), out=_empty(lib, 0, dtype="int64")),
    "linalg_cholesky_long": lambda lib: lib.linalg.cholesky(_spd(lib), out=_empty(lib, 0, dtype="int64")),
    "matrix_power_long": lambda lib: lib.matrix_power(_spd(lib), 2, out=_empty(lib, 0, dtype="int64")),
    "geqrf_long": lambda lib: lib.geqrf(_spd(lib), out=(_empty(lib, 0, dtype="int64"), _empty(lib, 0))),
    "ormqr": lambda lib: lib.ormqr(*lib.geqrf(_spd(lib)), _spd(lib), out=_empty(lib, 0, dtype="float64")),
    "conj_physical": lambda lib: lib.conj_physical(_spd(lib), out=_empty(lib, 0, dtype="float64")),
    "qr": lambda lib: lib.qr(_spd(lib), out=(_empty(lib, 0, dtype="float64"), _empty(lib, 0))),
    "slice_scatter": lambda lib: lib.slice_scatter(_spd(lib), _spd(lib), out=_empty(lib, 0, dtype="float64")),
    "index_reduce": lambda lib: lib.index_reduce(_spd(lib), 0, lib.tensor([0]), _spd(lib)[:1], "prod",
                                                 out=_empty(lib, 0, dtype="float64")),
}

# forms PyTorch takes (the checks above must not refuse them)
_TAKEN: dict[str, Case] = {
    "median_dim": lambda lib: lib.median(_x(lib), 0, out=(_empty(lib, 2), _empty(lib, 2, dtype="int64"))),
    "nanmedian_dim": lambda lib: lib.nanmedian(_x(lib), dim=1,
                                               out=(_empty(lib, 2), _empty(lib, 2, dtype="int64"))),
    "sum_dim": lambda lib: lib.sum(_x(lib), 0, out=_empty(lib, 2)),
    "prod_dim": lambda lib: lib.prod(_x(lib), dim=1, out=_empty(lib, 2)),
    "where": lambda lib: lib.where(_x(lib) > 0, _x(lib), _x(lib) * 2, out=_empty(lib, 2, 2)),
    "argsort_stable": lambda lib: lib.argsort(_x(lib), stable=True, out=_empty(lib, 2, 2, dtype="int64")),
    "heaviside": lambda lib: lib.heaviside(_x(lib), _x(lib), out=_empty(lib, 2, 2)),
    "searchsorted": lambda lib: lib.searchsorted(lib.tensor([0.0, 1.0]), _x(lib), out_int32=True,
                                                 out=_empty(lib, 2, 2, dtype="int32")),
    "bucketize": lambda lib: lib.bucketize(_x(lib), lib.tensor([0.0, 1.0]),
                                           out=_empty(lib, 2, 2, dtype="int64")),
    "histc": lambda lib: lib.histc(_x(lib), bins=3, out=_empty(lib, 3)),
    "signbit": lambda lib: lib.signbit(_x(lib), out=_empty(lib, 2, 2, dtype="bool")),
    "addbmm": lambda lib: lib.addbmm(_x(lib), _x(lib)[None], _x(lib)[None], out=_empty(lib, 2, 2)),
    "logsumexp": lambda lib: lib.logsumexp(_x(lib), 0, out=_empty(lib, 2, dtype="float64")),
    "isin": lambda lib: lib.isin(_x(lib), _x(lib)[0], out=_empty(lib, 2, 2, dtype="bool")),
    "stack": lambda lib: lib.stack([_x(lib), _x(lib)], out=_empty(lib, 2, 2, 2, dtype="float64")),
    # (out= PyTorch takes that minigrad refused)
    "cholesky_inverse": lambda lib: lib.cholesky_inverse(lib.linalg.cholesky(_spd(lib)),
                                                         out=_empty(lib, 0, dtype="float64")),
    "cholesky_solve": lambda lib: lib.cholesky_solve(_spd(lib), lib.linalg.cholesky(_spd(lib)),
                                                     out=_empty(lib, 0)),
    "nuclear_norm": lambda lib: lib.nuclear_norm(_spd(lib), out=_empty(lib, 0)),
    "mvlgamma": lambda lib: lib.mvlgamma(_spd(lib), 2, out=_empty(lib, 0, dtype="float64")),
    "chain_matmul": lambda lib: lib.chain_matmul(_spd(lib), _spd(lib), out=_empty(lib, 0)),
    "slogdet": lambda lib: lib.slogdet(_spd(lib), out=(_empty(lib, 0), _empty(lib, 0))),
    "lu_solve": lambda lib: lib.lu_solve(_spd(lib), *lib.linalg.lu_factor(_spd(lib)), out=_empty(lib, 0)),
    "cholesky": lambda lib: lib.cholesky(_spd(lib), out=_empty(lib, 0, dtype="float64")),
    "angle": lambda lib: lib.angle(_x(lib), out=_empty(lib, 0, dtype="float64")),
    "i0": lambda lib: lib.i0(_x(lib), out=_empty(lib, 0)),
    "igamma": lambda lib: lib.igamma(_spd(lib), _spd(lib), out=_empty(lib, 0, dtype="float64")),
    "igammac": lambda lib: lib.igammac(_spd(lib), _spd(lib), out=_empty(lib, 0)),
    "matrix_power": lambda lib: lib.matrix_power(_spd(lib), 2, out=_empty(lib, 0)),
    "triangular_solve": lambda lib: lib.triangular_solve(_spd(lib), _spd(lib),
                                                         out=(_empty(lib, 0), _empty(lib, 0))),
    "row_stack": lambda lib: lib.row_stack([_spd(lib), _spd(lib)], out=_empty(lib, 0)),
    "frobenius_norm": lambda lib: lib.frobenius_norm(_spd(lib), (0, 1), out=_empty(lib, 0)),
    "slice_scatter": lambda lib: lib.slice_scatter(_spd(lib), _spd(lib), out=_empty(lib, 0)),
    "index_reduce": lambda lib: lib.index_reduce(_spd(lib), 0, lib.tensor([0]), _spd(lib)[:1], "prod",
                                                 out=_empty(lib, 0)),
}


def _outcome(case: Case, lib: Any) -> tuple[type[BaseException] | None, Any]:
    try:
        with warnings.catch_warnings():  # (chain_matmul's and nuclear_norm's deprecation, once in PyTorch)
            warnings.simplefilter("ignore", UserWarning)
            result = case(lib)
    except Exception as e:  # (the error is what is compared)
        return type(e), str(e).splitlines()[0]
    parts = result if isinstance(result, tuple) else (result,)
    return None, [np.asarray(p.numpy()) for p in parts]


@pytest.mark.parametrize("name", [*_REFUSED, *_BAD_DTYPE])
def test_out_refused_as_pytorch(name: str) -> None:
    case = _REFUSED.get(name) or _BAD_DTYPE[name]
    tcls, twords = _outcome(case, torch)
    mcls, mwords = _outcome(case, mg)
    assert tcls is not None and mcls is not None, (name, tcls, mcls)
    assert issubclass(mcls, tcls), (mcls, tcls)
    assert mwords == twords


@pytest.mark.parametrize("name", _TAKEN)
def test_out_taken_as_pytorch(name: str) -> None:
    tcls, tvalues = _outcome(_TAKEN[name], torch)
    mcls, mvalues = _outcome(_TAKEN[name], mg)
    assert tcls is None and mcls is None, (name, tvalues, mvalues)
    assert len(mvalues) == len(tvalues)
    for m, t in zip(mvalues, tvalues):
        assert m.dtype == t.dtype and m.shape == t.shape
        np.testing.assert_allclose(m, t, rtol=1e-6, atol=1e-6)
