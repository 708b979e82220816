"""``torch._C``'s few Python-visible helpers that scripts and test suites call directly.

tinygrad's op tests (2025) ask ``torch._C._get_privateuse1_backend_name()`` at import time to see
whether a custom backend was registered under the PrivateUse1 key; torchdiffeq catches
``torch._C._LinAlgError``; torchmetrics' ``Metric.__init__`` calls ``torch._C._log_api_usage_once``.
"""

from __future__ import annotations

import sys

from minigrad._subclass import DisableTorchFunctionSubclass as DisableTorchFunctionSubclass
from minigrad._subclass import _disabled_torch_function_impl as _disabled_torch_function_impl

# torch._C._LinAlgError is torch.linalg.LinAlgError: torchdiffeq's implicit solvers catch it by this name
from minigrad.errors import LinAlgError as _LinAlgError  # noqa: F401
from minigrad.random import Generator as Generator  # (PyTorch's class lives in torch._C)

__all__: list[str] = []


def _get_privateuse1_backend_name() -> str:
    """The name of the PrivateUse1 dispatch key's backend: PyTorch's default ``"privateuseone"``,
    since minigrad registers no custom device backend."""
    return "privateuseone"


def _log_api_usage_once(event: str) -> None:
    """Records that the API ``event`` names was used. PyTorch's logs only to a handler an embedding
    application installs (none by default, and minigrad has none to install), so nothing happens."""
    if not isinstance(event, str):  # PyTorch's argument check
        raise TypeError("bad argument type for built-in operation")


# ``import torch._C`` finds this module under PyTorch's path (a file named _C.py breaks the naming rules)
sys.modules.setdefault("minigrad._C", sys.modules[__name__])
