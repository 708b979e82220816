"""cov's degrees-of-freedom warning and the errors of cov, heaviside and isin, as torch's."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import DTypeError, ShapeError
from tests.helpers import require_torch

torch = require_torch()


def test_cov_with_too_few_observations_warns_and_gives_nan_as_torch() -> None:
    for lib in (mg, torch):
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            out = lib.cov(lib.ones(3, 1))
        assert np.isnan(out.numpy()).all() and tuple(out.shape) == (3, 3)


def test_errors_as_torch() -> None:
    with pytest.raises(ShapeError, match="two or fewer dimensions"):
        mg.cov(mg.ones(2, 2, 2))
    with pytest.raises(RuntimeError, match="two or fewer dimensions"):
        torch.cov(torch.ones(2, 2, 2))
    with pytest.raises(ShapeError, match="fweights"):
        mg.cov(mg.ones(2, 3), fweights=mg.tensor([1, 2]))
    with pytest.raises(DTypeError, match="different dtypes"):
        mg.heaviside(mg.tensor([1.0]), mg.tensor(1))
    with pytest.raises(RuntimeError, match="different dtypes"):
        torch.heaviside(torch.tensor([1.0]), torch.tensor(1))
    with pytest.raises(TypeError):
        mg.isin(1, 2)
