"""``torch.hub``'s local half: the cache directory and ``load_state_dict_from_url``.

Model files copied from torchvision import ``load_state_dict_from_url`` at the top whether or not they
ever load pretrained weights. As PyTorch's, it downloads ``url`` once into ``<hub dir>/checkpoints``
(``$TORCH_HOME/hub``, by default ``~/.cache/torch/hub``) and then reads the cached file with
:func:`minigrad.load`. ``hub.load`` / ``hub.list`` (code fetched from GitHub) are not here.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.request
from typing import Any
from urllib.parse import urlparse

from minigrad import serialization

__all__ = ["HASH_REGEX", "download_url_to_file", "get_dir", "load_state_dict_from_url", "set_dir", "tqdm"]



class _ByteProgress:
    """The stand-in for ``tqdm.tqdm`` when tqdm is not installed: ``update(n)`` prints the running count
    (a percentage of ``total`` when given) to stderr; other tqdm arguments are accepted and unused."""

    def __init__(self, total: float | None = None, disable: bool = False, *args: Any, **kwargs: Any) -> None:
        self.total, self.disable, self.n = total, disable, 0.0

    def update(self, n: float) -> None:
        if not self.disable:
            self.n += n
            done = f"{self.n:.1f} bytes" if self.total is None else f"{100 * self.n / float(self.total):.1f}%"
            sys.stderr.write("\r" + done)
            sys.stderr.flush()

    def set_description(self, *args: Any, **kwargs: Any) -> None:
        """Accepted for tqdm's interface; nothing is shown."""

    def write(self, s: str) -> None:
        sys.stderr.write(s + "\n")

    def close(self) -> None:
        self.disable = True

    def __enter__(self) -> _ByteProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.disable:
            sys.stderr.write("\n")


try:  # torch.hub.tqdm (and torch.utils.model_zoo.tqdm, which torchvision imports): tqdm's bar when installed
    from tqdm import tqdm  # type: ignore[import-untyped]
except ImportError:
    tqdm = _ByteProgress

_hub_dir: str | None = None
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")  # resnet18-5c106cde.pth: the sha256's first hex digits


def _get_torch_home() -> str:
    """PyTorch's cache root: ``$TORCH_HOME``, else ``$XDG_CACHE_HOME/torch`` (``~/.cache/torch``), ``~``
    expanded; torchvision keeps its datasets' and models' files under it."""
    home = os.getenv("TORCH_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"), "torch"))
    return os.path.expanduser(home)


def get_dir() -> str:
    """The hub cache directory: the one :func:`set_dir` chose, else ``$TORCH_HOME/hub`` (``TORCH_HOME``
    defaulting to ``$XDG_CACHE_HOME/torch``, ``~/.cache/torch``)."""
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d: str | os.PathLike[str]) -> None:
    """Use ``d`` (``~`` expanded) as the hub cache directory."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None, progress: bool = True) -> None:
    """Download ``url`` (any scheme urllib opens, ``file://`` included) to the path ``dst``, through a
    temporary file beside it, so ``dst`` never holds a partial download. ``progress`` is accepted (no bar
    is drawn).

    Raises:
        RuntimeError: the file's sha256 does not start with ``hash_prefix``.
    """
    del progress
    dst = os.path.expanduser(dst)
    request = urllib.request.Request(url, headers={"User-Agent": "torch.hub"})
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(dst) + ".", suffix=".partial",
                               dir=os.path.dirname(dst) or ".")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request) as response:
            while chunk := response.read(1 << 16):
                out.write(chunk)
                digest.update(chunk)
        if hash_prefix is not None and not digest.hexdigest().startswith(hash_prefix):
            raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest.hexdigest()}")')
        shutil.move(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location: Any = None,
                             progress: bool = True, check_hash: bool = False, file_name: str | None = None,
                             weights_only: bool = False) -> dict[str, Any]:
    """The object saved at ``url``: downloaded once into ``model_dir`` (default ``<get_dir()>/checkpoints``)
    under ``file_name`` or the URL's file name, announced on stdout as PyTorch does, then read with
    ``minigrad.load(map_location=..., weights_only=...)``. With ``check_hash`` the file name's
    ``-<hex>.`` part must begin its sha256.
    """
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached = os.path.join(model_dir, filename)
    if not os.path.exists(cached):
        sys.stdout.write(f'Downloading: "{url}" to {cached}\n')
        match = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached, match.group(1) if match else None, progress=progress)
    state: dict[str, Any] = serialization.load(cached, map_location=map_location, weights_only=weights_only)
    return state
