"""``add_embedding``: the files TensorBoard's Projector reads, written as ``torch.utils.tensorboard``'s.

Each embedding goes to ``<log_dir>/<step, 5 digits>/<tag>/``: ``tensors.tsv`` (one row per point,
each value as Python prints the float), ``metadata.tsv`` (labels, or rows under a header) and
``sprite.png`` (the label images in a square grid); ``<log_dir>/projector_config.pbtxt`` lists every
embedding logged so far (a ``ProjectorConfig`` in protobuf's text format, fields in number order).
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from minigrad.utils.tensorboard._image import _grid, _png
from minigrad.utils.tensorboard._summary import to_numpy

__all__ = ["embedding_info", "projector_config", "write_files"]


def _encode(tag: str) -> str:
    """The tag as a directory name: ``%``, ``/`` and ``\\`` escaped as ``%25``, ``%2f``, ``%5c``."""
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def write_files(log_dir: str, mat: Any, metadata: Any, label_img: Any, global_step: int | None, tag: str,
                metadata_header: Any) -> str:
    """Write one embedding's files; return its sub-directory (``00000/default``).

    Raises:
        AssertionError: the metadata, label images or header do not fit ``mat`` (as PyTorch's).
        NotADirectoryError: the embedding's path exists as a file.
    """
    array = to_numpy(mat)
    subdir = f"{str(0 if global_step is None else global_step).zfill(5)}/{_encode(tag)}"
    save_path = os.path.join(log_dir, subdir)
    if os.path.exists(save_path):
        if not os.path.isdir(save_path):
            raise NotADirectoryError(f"Path: `{save_path}` exists, but is a file. Cannot proceed.")
        print("warning: Embedding dir exists, did you set global_step for add_embedding()?")
    else:
        os.makedirs(save_path)
    if metadata is not None:
        if array.shape[0] != len(metadata):
            raise AssertionError("#labels should equal with #data points")
        if not metadata_header:
            rows = [str(x) for x in metadata]
        else:
            if len(metadata_header) != len(metadata[0]):
                raise AssertionError("len of header must be equal to the number of columns in metadata")
            rows = ["\t".join(str(e) for e in row) for row in [metadata_header, *metadata]]
        with open(os.path.join(save_path, "metadata.tsv"), "wb") as f:
            f.write(("\n".join(rows) + "\n").encode())
    if label_img is not None:
        images = to_numpy(label_img)
        if array.shape[0] != images.shape[0]:
            raise AssertionError("#images should equal with #data points")
        grid = _grid(images, ncols=math.ceil(images.shape[0] ** 0.5))
        square = np.zeros((grid.shape[2], grid.shape[2], 3))
        square[:grid.shape[1]] = grid.transpose(1, 2, 0)
        with open(os.path.join(save_path, "sprite.png"), "wb") as f:
            f.write(_png(np.uint8((square * 255).clip(0, 255))))
    if array.ndim != 2:
        raise AssertionError("mat should be 2D, where mat.size(0) is the number of data points")
    with open(os.path.join(save_path, "tensors.tsv"), "wb") as f:
        for row in array:
            f.write(("\t".join(str(v.item()) for v in row) + "\n").encode())
    return subdir


def embedding_info(subdir: str, global_step: int | None, tag: str, metadata: Any, label_img: Any) -> str:
    """One ``embeddings { ... }`` entry of the projector config, in text format."""
    lines = [f'  tensor_name: "{tag}:{str(global_step).zfill(5)}"']
    if metadata is not None:
        lines.append(f'  metadata_path: "{subdir}/metadata.tsv"')
    if label_img is not None:
        height, width = label_img.shape[2], label_img.shape[3]
        lines += ["  sprite {", f'    image_path: "{subdir}/sprite.png"', f"    single_image_dim: {width}",
                  f"    single_image_dim: {height}", "  }"]
    lines.append(f'  tensor_path: "{subdir}/tensors.tsv"')
    return "embeddings {\n" + "\n".join(lines) + "\n}\n"


def projector_config(log_dir: str, entries: list[str]) -> None:
    """(Re)write ``projector_config.pbtxt`` listing ``entries``."""
    with open(os.path.join(log_dir, "projector_config.pbtxt"), "wb") as f:
        f.write("".join(entries).encode())
