"""PyTorch scripts run with ``sys.modules["torch"] = minigrad`` get what ``minigrad.compat.install()`` gives.

A harness that aliases ``torch`` by hand, instead of through the compat hook,
would otherwise get a second copy of every subpackage: ``import torch.nn``
finds ``nn/`` on minigrad's ``__path__`` and runs it again under the name
``torch.nn`` (its classes then are not minigrad's), and ``torch.distributions``
fails outright. :class:`Watch`, first on ``sys.meta_path`` from minigrad's
import on, notices such an alias at the first ``import torch.X`` and installs
the compat hook, which maps every ``torch.X`` to the module ``minigrad.X``.
Scripts that reach everything as attributes (``torch.nn.Linear``) import no
submodule: :func:`check`, called where such a script begins (a seed, a
Module, a ``torch.Tensor(...)``), installs it then, and takes it off once the
alias is gone. Without the alias each costs two dict lookups.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence
from typing import Any

__all__ = ["Watch", "check", "watch"]

_hook: Any = None  # minigrad.compat.hook, handed over by watch() (it imports minigrad: no import here)
_auto = False  # whether check() installed the hook


def _aliased() -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and torch is sys.modules.get("minigrad")


def check() -> None:
    """Install the compat hook if ``torch`` is minigrad itself in ``sys.modules`` and the hook is off;
    take a hook installed that way off again once the alias is gone (a harness that aliased torch for
    one script and then restored it leaves minigrad's own rules in place for what follows)."""
    global _auto
    if _hook is None:
        return
    if _aliased():
        if not _hook.installed():
            with contextlib.suppress(RuntimeError):  # real PyTorch modules are loaded too: leave the mix
                _hook.install()
                _auto = True
    elif _auto:
        _auto = False
        if _hook.installed():
            _hook.uninstall()


class Watch(importlib.abc.MetaPathFinder):
    """Resolves ``torch.X`` to ``minigrad.X`` once ``torch`` was aliased to minigrad by hand."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith("torch.") or not _aliased():
            return None
        check()
        return _hook.find_spec(fullname) if _hook is not None and _hook.installed() else None


def watch(hook: types.ModuleType) -> None:
    """Put a :class:`Watch` first on ``sys.meta_path`` (once); ``hook`` is minigrad.compat.hook."""
    global _hook
    _hook = hook
    if not any(isinstance(f, Watch) for f in sys.meta_path):
        sys.meta_path.insert(0, Watch())
