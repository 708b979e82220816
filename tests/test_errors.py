"""The error classes: minigrad's errors are also the built-in classes PyTorch raises."""

from __future__ import annotations

import pytest

import minigrad as mg


def test_the_hierarchy_follows_pytorch() -> None:
    assert issubclass(mg.MinigradError, RuntimeError)
    for cls, builtin in ((mg.InvalidParameterError, ValueError), (mg.ShapeError, ValueError),
                         (mg.DimensionError, IndexError), (mg.GradcheckError, AssertionError)):
        assert issubclass(cls, mg.MinigradError) and issubclass(cls, builtin)


def test_pytorch_style_except_runtime_error_catches_minigrad_errors() -> None:
    x = mg.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()
    with pytest.raises(RuntimeError):
        mg.zeros(2) + mg.zeros(3)
    with pytest.raises(IndexError):
        mg.zeros(2, 3).sum(5)
    with pytest.raises(RuntimeError):
        mg.zeros(2, 3).sum(5)


def test_wrong_argument_types_are_type_errors() -> None:
    t = mg.ones(4)
    for bad in (lambda: t.split(1.5), lambda: t.chunk(2.0), lambda: t + "a", lambda: t.sum("a"),
                lambda: mg.zeros(2.5), lambda: mg.tensor("abc")):
        with pytest.raises(TypeError):
            bad()
    with pytest.raises(mg.InvalidParameterError, match="split_size"):  # right type, bad value
        t.split(0)
