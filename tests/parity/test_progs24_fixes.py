"""Differences found by the progs24 compat programs (tests/compat/programs), each checked against PyTorch."""

from __future__ import annotations

import pytest

import minigrad as mg
import minigrad.nn.functional as F
from tests.helpers import require_torch

torch = require_torch()


@pytest.mark.parametrize(("shape", "dim"), [((2, 3), -1), ((3, 4), 0), ((5,), 0), ((2, 3, 4), -2), ((), 0)])
def test_glu_odd_dimension_message_is_pytorchs(shape: tuple[int, ...], dim: int) -> None:
    # tft_grn_quantiles.py prints the error F.glu raises for an odd halving dimension
    with pytest.raises(RuntimeError) as want:
        torch.nn.functional.glu(torch.zeros(shape), dim)
    with pytest.raises(RuntimeError) as got:
        F.glu(mg.zeros(shape), dim)
    assert str(got.value) == str(want.value)


def _message(fn: object, lib: object) -> str:
    with pytest.raises(RuntimeError) as caught:
        fn(lib)  # type: ignore[operator]
    return str(caught.value)


@pytest.mark.parametrize("call", [
    lambda t: t.zeros(3).scatter_reduce(0, t.tensor([0, 1]), t.ones(2), reduce="median"),
    lambda t: t.scatter_reduce(t.zeros(3), 0, t.tensor([0, 1]), t.ones(2), "foo"),
    lambda t: t.zeros(3).index_reduce(0, t.tensor([0, 1]), t.ones(2), "sum"),
    lambda t: t.zeros(3).scatter(0, t.tensor([0, 1]), t.ones(2), reduce="foo"),
])
def test_unknown_reduce_messages_are_pytorchs(call: object) -> None:
    # deep_sets_pooling.py prints the error of scatter_reduce with an unknown reduction
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (index_reduce is beta, scatter's reduce deprecated: PyTorch warns)
        assert _message(call, mg) == _message(call, torch)


_NOT_PD = [[1.0, 2.0], [2.0, 1.0]]


@pytest.mark.parametrize("make", [
    lambda t: t.tensor(_NOT_PD),
    lambda t: t.stack([t.eye(2), t.tensor(_NOT_PD)]),
    lambda t: t.stack([t.eye(2), t.tensor(_NOT_PD)]).reshape(1, 2, 2, 2),
    lambda t: t.diag(t.tensor([1.0, -1.0, 2.0])),
    lambda t: t.tensor([[1.0, float("nan")], [float("nan"), 1.0]]),
])
@pytest.mark.parametrize("call", [
    lambda t, a: t.linalg.cholesky(a),
    lambda t, a: t.linalg.cholesky(a, upper=True),
    lambda t, a: t.cholesky(a),
    lambda t, a: t.linalg.cholesky_ex(a, check_errors=True),
])
def test_cholesky_not_positive_definite_message_is_pytorchs(make: object, call: object) -> None:
    # svgp_inducing_points.py prints the LinAlgError of linalg.cholesky on an indefinite matrix
    import warnings

    def message(lib: object) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (torch.cholesky is deprecated: both warn)
            with pytest.raises(lib.linalg.LinAlgError) as caught:  # type: ignore[attr-defined]
                call(lib, make(lib))  # type: ignore[operator]
        return str(caught.value)

    assert message(mg) == message(torch)
