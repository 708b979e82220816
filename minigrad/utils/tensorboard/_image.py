"""``add_image`` / ``add_images``: pictures for TensorBoard's Images tab, as encoded ``Summary`` messages.

As ``torch.utils.tensorboard.summary.image``: the array is brought to height x
width x channels (``dataformats`` names the input's axes; a batch is laid out
in a grid of 8 columns; one channel, or none, becomes three grey ones), scaled
by 255 unless it is uint8, clipped to [0, 255], and stored as a PNG (written
here with zlib: the same pixels as PyTorch's PIL-written file).
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import numpy as np

from minigrad.utils.tensorboard import _wire
from minigrad.utils.tensorboard._summary import to_numpy

__all__ = ["image"]


def _grid(batch: np.ndarray[Any, Any], ncols: int = 8) -> np.ndarray[Any, Any]:
    """(N, C, H, W) images with 1 or 3 channels as one (3, rows * H, ncols * W) canvas, row by row."""
    if batch.shape[1] == 1:
        batch = np.concatenate([batch] * 3, 1)
    if batch.ndim != 4 or batch.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    n, _, h, w = batch.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=batch.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = batch[i]
    return canvas


def _to_hwc(array: np.ndarray[Any, Any], dataformats: str) -> np.ndarray[Any, Any]:
    """``array`` (axes named by ``dataformats``: NCHW, CHW, HWC, HW, ...) as height x width x channels."""
    if len(set(dataformats)) != len(dataformats):
        raise AssertionError(
            f"You can not use the same dimension shorthand twice. input_format: {dataformats}")
    if array.ndim != len(dataformats):
        raise AssertionError(f"size of input tensor and input format are different. tensor shape: "
                             f"{array.shape}, input_format: {dataformats}")
    fmt = dataformats.upper()
    if len(fmt) == 4:
        return np.transpose(_grid(array.transpose([fmt.find(c) for c in "NCHW"])), (1, 2, 0))
    if len(fmt) == 3:
        hwc = array.transpose([fmt.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, 2) if hwc.shape[2] == 1 else hwc
    return np.stack([array.transpose([fmt.find(c) for c in "HW"])] * 3, 2)


def _png(pixels: np.ndarray[Any, Any]) -> bytes:
    """An 8-bit RGB (3 channels) or RGBA (4) PNG of a (H, W, C) uint8 array."""
    height, width, channels = pixels.shape
    if channels not in (3, 4):
        raise ValueError(f"an image needs 1, 3 or 4 channels, got {channels}")

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0)
    rows = np.concatenate([np.zeros((height, 1), np.uint8), pixels.reshape(height, -1)], 1)  # filter 0
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes()))
            + chunk(b"IEND", b""))


def image(tag: str, value: Any, dataformats: str) -> bytes:
    """The ``Summary`` of one image (or a batch laid out in a grid) under ``tag``.

    Raises:
        AssertionError: ``dataformats`` repeats an axis or does not match the array's dimensions (as
            PyTorch's).
    """
    hwc = _to_hwc(to_numpy(value), dataformats)
    scale = 1 if hwc.dtype == np.uint8 else 255
    pixels = (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    height, width, channels = pixels.shape
    proto = (_wire._int(1, height) + _wire._int(2, width) + _wire._int(3, channels)
             + _wire._bytes(4, _png(pixels)))
    return _wire.summary(_wire._bytes(1, tag.encode()) + _wire._bytes(4, proto, always=True))
