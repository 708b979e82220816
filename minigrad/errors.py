"""The exceptions minigrad raises, one family rooted at :class:`MinigradError`.

Each subclass also inherits the built-in exception a Python user would reach
for (``ValueError`` for bad values and shapes, ``AssertionError`` for failed
checks), so ``except ValueError`` keeps working in code that predates minigrad.
"""

from __future__ import annotations

__all__ = [
    "DTypeError", "DimensionError", "DomainError", "GradcheckError", "InvalidParameterError",
    "MinigradError", "ShapeError",
]  # fmt: skip


class MinigradError(Exception):
    """Base class of every error minigrad raises on purpose."""


class InvalidParameterError(MinigradError, ValueError):
    """A constructor or function argument has a value it cannot take.

    The message names the argument and the offending value.
    """


class ShapeError(MinigradError, ValueError):
    """Tensor shapes do not fit the operation.

    The message names the operation and both shapes (or the expected and the
    actual shape).
    """


class GradcheckError(MinigradError, AssertionError):
    """Analytical and numerical gradients disagree in :func:`minigrad.gradcheck`."""


class DimensionError(MinigradError, IndexError):
    """A dim or an index is out of range for the tensor's shape."""


class DTypeError(MinigradError, RuntimeError):
    """A tensor's dtype does not fit the operation (PyTorch's RuntimeError in that case).

    The message names the dtype expected, the dtype given, and how to convert.
    """


class DomainError(MinigradError, RuntimeError):
    """A tensor holds values outside the range the operation accepts (PyTorch's RuntimeError in that case).

    For example probabilities outside [0, 1] given to ``binary_cross_entropy``.
    """
