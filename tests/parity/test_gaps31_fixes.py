"""gaps31: small differences from PyTorch left by earlier sweeps (padding layers' short tuples, Embedding's
and Unfold's error classes, GroupNorm, attention masks, Upsample reprs), each compared with real torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import minigrad as mg
from tests.helpers import require_torch

_PAD_LAYERS = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
               "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d",
               "CircularPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d"]


def _pad_layer(lib: Any, name: str, padding: Any) -> Any:
    cls = getattr(lib.nn, name)
    return cls(padding, 0.5) if name.startswith("Constant") else cls(padding)


@pytest.mark.parametrize("name", _PAD_LAYERS)
@pytest.mark.parametrize("padding", [(1, 2), (1,), (1, 2, 1, 0), (1, 1, 1), [2, 0]])
def test_padding_layer_keeps_a_tuple_of_any_length_as_pytorch(name: str, padding: Any) -> None:
    """PyTorch's padding layers keep a tuple as given (ZeroPad2d((1, 2)) pads the last dim only) and F.pad
    judges its length at call time; minigrad refused a tuple of another length than 2 * dims when built
    (and stretched a 1-tuple to every side)."""
    torch = require_torch()
    nd = int(name[-2])
    x = np.arange(float(3 * 4 * 5 * 6)).reshape(1, 3, 4, 5, 6)[(0,) * (3 - nd)]
    theirs, ours = _pad_layer(torch, name, padding), _pad_layer(mg, name, padding)
    assert repr(ours) == repr(theirs)
    try:
        want = theirs(torch.tensor(x)).numpy()
    except (RuntimeError, NotImplementedError) as e:
        with pytest.raises(type(e)) as got:
            ours(mg.tensor(x))
        assert isinstance(got.value, mg.MinigradError)
        assert str(got.value).startswith(str(e).split("\n")[0])
        return
    np.testing.assert_array_equal(ours(mg.tensor(x)).numpy(), want)
