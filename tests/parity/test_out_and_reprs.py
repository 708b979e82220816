"""``out=`` on the function forms, and the named tuples' repr, against PyTorch."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch


def _both(fn: Any) -> tuple[Any, Any]:
    torch = require_torch()
    return fn(torch), fn(mg)


def test_out_receives_the_result_and_is_returned() -> None:
    for fn in (
        lambda lib: lib.matmul(lib.ones(2, 3), lib.ones(3, 2) * 2, out=lib.zeros(2, 2)),
        lambda lib: lib.mul(lib.arange(4.0), 3, out=lib.empty(4)),
        lambda lib: lib.add(lib.arange(3), lib.arange(3), out=lib.zeros(3, dtype=lib.float64)),
        lambda lib: lib.cat([lib.ones(2), lib.zeros(1)], out=lib.zeros(0)),
        lambda lib: lib.sum(lib.ones(2, 3), 1, out=lib.zeros(2)),
    ):
        t, m = _both(fn)
        assert m.dtype == np.dtype(str(t.dtype).removeprefix("torch."))
        np.testing.assert_array_equal(m.numpy(), t.numpy())
    out = mg.zeros(3)
    assert mg.exp(mg.zeros(3), out=out) is out and out.numpy().tolist() == [1.0, 1.0, 1.0]


def test_out_of_a_values_indices_reduction() -> None:
    t, m = _both(lambda lib: lib.max(lib.tensor([[1, 5], [7, 2]]), 1,
                                     out=(lib.zeros(2, dtype=lib.long), lib.zeros(2, dtype=lib.long))))
    np.testing.assert_array_equal(m.values.numpy(), t.values.numpy())
    np.testing.assert_array_equal(m.indices.numpy(), t.indices.numpy())


def test_out_rules_as_torch() -> None:
    torch = require_torch()
    for lib in (torch, mg):
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
            lib.add(lib.ones(2), lib.ones(2), out=lib.zeros(2, dtype=lib.long))
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
            lib.mul(x, 2, out=lib.zeros(2))
        with lib.no_grad():
            assert lib.mul(x, 2, out=lib.zeros(2)).tolist() == [2.0, 2.0]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = lib.add(lib.ones(2), lib.ones(2), out=lib.zeros(3))
        assert tuple(out.shape) == (2,) and "was resized" in str(caught[0].message)


def test_named_tuple_repr_as_torch() -> None:
    t, m = _both(lambda lib: lib.sort(lib.tensor([3.0, 1.0, 2.0]), descending=True))
    assert repr(m) == repr(t).replace("torch.", "minigrad.")
    assert repr(mg.tensor([[1, 5], [7, 2]]).max(1)).startswith("minigrad.return_types.max(\nvalues=")


def test_module_reprs_as_torch() -> None:
    """MultiheadAttention prints only its out_proj (BatchNorm's repr follows issue 3's text, without
    2.13's ``bias=True``: see tests/parity/test_nn_layers.py)."""
    for make in (
        lambda nn: nn.BatchNorm1d(3, bias=False),
        lambda nn: nn.MultiheadAttention(8, 2, batch_first=True), lambda nn: nn.GroupNorm(2, 4, bias=False),
    ):
        assert repr(make(mg.nn)) == repr(make(require_torch().nn))


def test_module_list_subclass_repr_names_the_subclass() -> None:
    """A ModuleList subclass prints its own name: the ParametrizationList of a registered parametrization,
    and an empty one."""
    def make(lib: Any) -> Any:
        class Half(lib.nn.Module):
            def forward(self, x: Any) -> Any:
                return x / 2

        class Stages(lib.nn.ModuleList):
            pass

        layer = lib.nn.Linear(2, 2)
        lib.nn.utils.parametrize.register_parametrization(layer, "weight", Half())
        stages = (Stages(), Stages([Half(), Half()]))
        return repr(layer), repr(layer.parametrizations.weight), [repr(m) for m in stages]

    assert make(mg) == make(require_torch())


def test_linspace_values_as_torch() -> None:
    """PyTorch computes the two halves from the two ends: linspace(-2, 2, 7)[3] is -2**-24, not 0."""
    torch = require_torch()
    rng = np.random.default_rng(0)
    cases = [(-2.0, 2.0, 7), (0.0, 1.0, 5), (3.0, -5.0, 33), (0.0, 1.0, 1), (5.0, 5.0, 4), (0.0, 1.0, 0)]
    cases += [(float(rng.normal() * 10), float(rng.normal() * 10), int(rng.integers(2, 3000)))
              for _ in range(50)]
    for a, b, n in cases:
        want = torch.linspace(a, b, n).numpy()
        np.testing.assert_array_equal(mg.linspace(a, b, n).numpy(), want)
        want64 = torch.linspace(a, b, n, dtype=torch.float64).numpy()
        got64 = mg.linspace(a, b, n, dtype=mg.float64).numpy()
        np.testing.assert_array_max_ulp(got64, want64, maxulp=1)
