"""Run PyTorch code on minigrad: ``python -m minigrad.compat SCRIPT [ARGS...]``, or ``install()``.

``import torch`` (and ``torch.nn``, ``torch.utils.data``, ...) then resolves to
minigrad's module of the same path. What minigrad lacks fails with a message
naming it (``torch.fft is not in minigrad``); nothing is faked.

    >>> import minigrad.compat
    >>> minigrad.compat.install()
    >>> import torch  # this is minigrad
"""

from minigrad.compat.hook import install, installed, uninstall
from minigrad.compat.launcher import main, run_module, run_script

__all__ = ["install", "installed", "main", "run_module", "run_script", "uninstall"]
