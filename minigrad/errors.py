"""The exceptions minigrad raises, one family rooted at :class:`MinigradError`.

Each subclass also inherits the built-in exception a Python user would reach
for (``ValueError`` for bad values and shapes, ``AssertionError`` for failed
checks), so ``except ValueError`` keeps working in code that predates minigrad.
"""

from __future__ import annotations

__all__ = [
    "DeviceError", "DimensionError", "GradcheckError", "InvalidParameterError", "MinigradError", "ShapeError",
    "UnsupportedError",
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


class UnsupportedError(MinigradError, NotImplementedError):
    """A PyTorch feature minigrad deliberately does not have: GPUs, distributed training, ONNX export.

    Also a ``NotImplementedError`` (hence a ``RuntimeError``), so PyTorch code
    that guards such calls with ``except RuntimeError`` keeps working. The
    message names the feature and says that minigrad does not do it.
    """


class DeviceError(UnsupportedError, AssertionError):
    """A device other than the CPU was asked for; minigrad computes on the CPU only.

    Also an ``AssertionError``: PyTorch's CPU build raises that class
    ("Torch not compiled with CUDA enabled") for a CUDA request.
    """
