"""``torch.onnx``, present so scripts can import it: minigrad does not export ONNX graphs."""

from __future__ import annotations

from typing import Any, NoReturn

from minigrad.errors import UnsupportedError

__all__ = ["export", "is_in_onnx_export"]


def export(*args: Any, **kwargs: Any) -> NoReturn:
    """Raises :class:`~minigrad.errors.UnsupportedError`: minigrad does not export ONNX.

    To deploy a model trained on minigrad, load its ``state_dict()`` into the
    same model written for PyTorch and export from there.
    """
    raise UnsupportedError(
        "torch.onnx.export(): minigrad does not export ONNX graphs; load the model's state_dict() "
        "into the same model under PyTorch and export it there"
    )


def is_in_onnx_export() -> bool:
    """False: no ONNX export is ever running."""
    return False
