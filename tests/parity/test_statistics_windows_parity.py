"""cov, corrcoef, trapezoid and the window functions against PyTorch where the surface table cannot look:
the errors they raise, the warning of cov, and long windows. Values and gradients: tests/surface_table.py."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import assert_close, require_torch

torch = require_torch()


def _error(fn: Callable[[], Any]) -> set[type]:
    with pytest.raises(Exception) as info:
        fn()
    builtin = {c for c in type(info.value).__mro__ if c.__module__ == "builtins"}
    return builtin - {BaseException, Exception, object}


BAD: dict[str, Callable[[ModuleType], Any]] = {
    "cov 3-D": lambda m: m.cov(m.zeros(2, 2, 2)),
    "cov float fweights": lambda m: m.cov(m.ones(2, 3), fweights=m.tensor([1.0, 2.0, 3.0])),
    "cov negative fweights": lambda m: m.cov(m.ones(2, 3), fweights=m.tensor([1, -2, 3])),
    "cov 2-D fweights": lambda m: m.cov(m.ones(2, 3), fweights=m.ones(1, 3, dtype=m.int64)),
    "cov fweights length": lambda m: m.cov(m.ones(2, 3), fweights=m.tensor([1, 2])),
    "cov int aweights": lambda m: m.cov(m.ones(2, 3), aweights=m.tensor([1, 2, 3])),
    "cov negative aweights": lambda m: m.cov(m.ones(2, 3), aweights=m.tensor([1.0, -2.0, 3.0])),
    "corrcoef 3-D": lambda m: m.corrcoef(m.zeros(2, 2, 2)),
    "trapezoid x and dx": lambda m: m.trapezoid(m.ones(3), m.ones(3), dx=2),
    "trapezoid x length": lambda m: m.trapezoid(m.ones(3), m.ones(2)),
    "trapezoid bool": lambda m: m.trapezoid(m.ones(3, dtype=m.bool)),
    "trapezoid dim": lambda m: m.trapezoid(m.ones(3), dim=1),
    "trapezoid x shape": lambda m: m.trapezoid(m.ones(4, 3), m.ones(2, 3)),
    "cumulative_trapezoid x length": lambda m: m.cumulative_trapezoid(m.ones(3), m.ones(4)),
    "window negative": lambda m: m.hann_window(-1),
    "window int dtype": lambda m: m.kaiser_window(3, dtype=m.int64),
    "window float length": lambda m: m.blackman_window(2.5),
    "window bool length": lambda m: m.bartlett_window(True),
}


@pytest.mark.parametrize("name", list(BAD))
def test_errors_as_pytorch(name: str) -> None:
    want = _error(lambda: BAD[name](torch))
    assert want <= _error(lambda: BAD[name](mg))


@pytest.mark.parametrize("correction", [3, 4])
def test_cov_warns_and_divides_by_zero_as_pytorch(correction: int) -> None:
    x = np.random.default_rng(0).standard_normal((2, 3))
    results = []
    for lib in (torch, mg):
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            results.append(lib.cov(lib.tensor(x), correction=correction))
    np.testing.assert_array_equal(results[1].numpy(), results[0].numpy())


@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("n", [2, 3, 64, 257])
@pytest.mark.parametrize("name", ["hann", "hamming", "bartlett", "blackman", "kaiser"])
def test_windows_as_pytorch(name: str, n: int, periodic: bool) -> None:
    fn = f"{name}_window"
    got = getattr(mg, fn)(n, periodic, dtype=mg.float64)
    assert_close(got, getattr(torch, fn)(n, periodic, dtype=torch.float64), rtol=1e-12, atol=1e-13)
    assert getattr(mg, fn)(n, periodic=periodic).dtype == mg.float32


def test_windows_follow_the_default_dtype() -> None:
    mg.set_default_dtype(mg.float64)
    try:
        assert mg.hann_window(4).dtype == mg.float64
    finally:
        mg.set_default_dtype(mg.float32)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_windows_computed_in_their_dtype_as_pytorch(dtype: str) -> None:
    # (progs15) PyTorch computes the cosine windows op by op in the window's dtype: its float32 Blackman
    # window starts and ends at -2.98e-08 (printed -0.0000), not 0; the Bartlett window matches bit for bit
    torch = require_torch()
    ours, theirs = getattr(mg, dtype), getattr(torch, dtype)
    for n in (5, 6, 7, 12):
        for periodic in (True, False):
            want = torch.blackman_window(n, periodic=periodic, dtype=theirs).numpy()
            got = mg.blackman_window(n, periodic=periodic, dtype=ours).numpy()
            assert got[0] == want[0], (n, periodic)
            np.testing.assert_allclose(got, want, rtol=2e-7 if dtype == "float32" else 1e-3, atol=1e-7)
            exact = ("bartlett_window",) + (("hann_window", "hamming_window") if dtype == "float16" else ())
            for name in exact:
                w = getattr(torch, name)(n, periodic=periodic, dtype=theirs).numpy()
                g = getattr(mg, name)(n, periodic=periodic, dtype=ours).numpy()
                assert g.tobytes() == w.tobytes(), name
