"""The import hook: ``torch`` and every ``torch.X.Y`` resolve to minigrad's module of the same path.

:func:`install` puts a finder first on ``sys.meta_path``. ``import torch.nn``
then returns the module object ``minigrad.nn`` itself (nothing is copied or
wrapped, so ``torch.nn is minigrad.nn``). A path minigrad lacks raises
``ModuleNotFoundError`` naming it; an attribute minigrad lacks raises
``AttributeError`` saying it is not in minigrad: while the hook is installed,
minigrad's modules (and ``Tensor``) get a ``__getattr__`` that only runs for
missing names. Nothing is ever stood in for a missing name.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from minigrad import _format, dtypes, random, version
from minigrad.tensor import Tensor, use_torch_constructor

__all__ = ["install", "installed", "torch_name", "uninstall"]

_ALIAS = "torch"
_TARGET = "minigrad"


def torch_name(minigrad_name: str) -> str:
    """``'minigrad.nn.functional'`` -> ``'torch.nn.functional'`` (a name already PyTorch's is kept)."""
    if minigrad_name == _ALIAS or minigrad_name.startswith(_ALIAS + "."):
        return minigrad_name  # (the schedulers' module is named as PyTorch's under the hook)
    return _ALIAS + minigrad_name[len(_TARGET):]


def _target_name(fullname: str) -> str:
    return _TARGET + fullname[len(_ALIAS):]


class _AliasLoader(importlib.abc.Loader):
    """Makes the import of ``torch.X`` produce the already-imported module ``minigrad.X``."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # a throwaway module; exec_module swaps in the real one

    def exec_module(self, module: types.ModuleType) -> None:
        # The import system returns whatever sys.modules holds for the name after
        # exec_module, so the alias is the minigrad module itself, with its own
        # __name__ and __spec__ untouched.
        sys.modules[module.__name__] = self.module


class _TorchFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch`` and ``torch.*`` in minigrad."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != _ALIAS and not fullname.startswith(_ALIAS + "."):
            return None
        name = _target_name(fullname)
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is not None and (name == e.name or name.startswith(e.name + ".")):
                raise ModuleNotFoundError(
                    f"{fullname} is not in minigrad (there is no module {e.name}); minigrad implements "
                    "the part of PyTorch a small CPU training script uses",
                    name=fullname,
                ) from None
            raise
        if name in (_TARGET, _TARGET + ".nn"):
            # PyTorch scripts reach torch.nn.modules.module.register_module_forward_hook... as attributes
            import minigrad.nn.modules  # noqa: F401
        _patch_loaded_modules()
        # The import system runs the spec of a name already in sys.modules (minigrad.X's own, which would
        # execute minigrad/X.py a second time): the alias loader puts the entry back instead.
        sys.modules.pop(fullname, None)
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module))


def _module_getattr(module: types.ModuleType) -> Callable[[str], Any]:
    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's name
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
        if name == _ALIAS and module.__name__ == _TARGET:
            return module  # PyTorch's package names itself: torch.torch is torch (kornia's annotations)
        raise AttributeError(
            f"{torch_name(module.__name__)}.{name} is not in minigrad "
            f"(module {module.__name__!r} has no attribute {name!r})",
            name=name, obj=module,
        )

    __getattr__.__qualname__ = f"{module.__name__}.__getattr__"
    return __getattr__


_SLOTS = frozenset(Tensor.__slots__)


def _tensor_getattr(self: Tensor, name: str) -> Any:
    if name in _SLOTS:  # minigrad's own getattr(t, "_viewbase", None) on a hot path: no message to format
        raise AttributeError(name)
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(f"'Tensor' object has no attribute {name!r}")
    raise AttributeError(
        f"torch.Tensor.{name} is not in minigrad ('Tensor' object has no attribute {name!r})",
        name=name, obj=self,
    )


_finder = _TorchFinder()
_patched: list[types.ModuleType] = []


def find_spec(fullname: str) -> importlib.machinery.ModuleSpec | None:
    """The hook's answer for ``import fullname`` (a ``torch.X`` path)."""
    return _finder.find_spec(fullname)


def _patch_loaded_modules() -> None:
    """Give every loaded minigrad module without one a ``__getattr__`` naming what is missing."""
    for name, module in list(sys.modules.items()):
        ours = name == _TARGET or name.startswith(_TARGET + ".")
        if not ours or not isinstance(module, types.ModuleType):
            continue
        if "__getattr__" not in vars(module):
            module.__getattr__ = _module_getattr(module)  # type: ignore[method-assign]
            _patched.append(module)
        # Registered under its torch name at once: importing torch.autograd.gradcheck later then finds
        # it in sys.modules, and the import system does not rebind the package attribute (the
        # gradcheck function) to the submodule, which it does after loading through a finder.
        sys.modules.setdefault(torch_name(name), module)


_masks_before: list[bool] = []  # the dropout-mask setting install() found, put back by uninstall()
_swapped: list[tuple[Any, str, Any]] = []  # (owner, name, minigrad's value) that uninstall() puts back


def _swap(owner: Any, name: str, value: Any) -> None:
    _swapped.append((owner, name, vars(owner)[name]))
    setattr(owner, name, value)


def _showing_torch_dtype(fn: Callable[..., Any]) -> Callable[..., Any]:
    def shown(*args: Any, **kwargs: Any) -> Any:
        return dtypes.torch_style(fn(*args, **kwargs))

    shown.__name__, shown.__qualname__, shown.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
    return shown


def _torch_homes() -> dict[type, str]:
    """class -> the module PyTorch defines it in, for the classes a script reaches: ``type(x)`` prints
    ``<class 'torch.Tensor'>``, ``type(layer)`` ``<class 'torch.nn.modules.linear.Linear'>``. Each home is
    a module path the hook resolves (or PyTorch's private one), so pickle finds the class by it."""
    from minigrad import distributions, grad_mode, optim, return_types
    from minigrad.nn import modules
    from minigrad.optim import lr_scheduler
    from minigrad.utils import data

    minigrad = sys.modules[_TARGET]
    homes: dict[type, str] = {}
    for namespace in (minigrad, optim, data, distributions, return_types):
        for value in vars(namespace).values():
            home = getattr(value, "__module__", "")
            if isinstance(value, type) and home.startswith(_TARGET + ".") and home != "minigrad.ops":
                homes[value] = torch_name(home)  # (torch.utils.data.dataset, torch.optim.sgd, ...)
    homes.update({cls: "torch.optim.lr_scheduler" for cls in vars(lr_scheduler).values()
                  if isinstance(cls, type) and cls.__module__.startswith(lr_scheduler.__name__)})
    for file in modules._LAYOUT:
        for value in vars(getattr(modules, file)).values():
            if isinstance(value, type):
                homes[value] = f"torch.nn.modules.{file}"
    top_level = (Tensor, minigrad.Size, minigrad.device, dtypes.dtype, dtypes.finfo, dtypes.iinfo)
    homes.update(dict.fromkeys(top_level, "torch"))
    modes = (grad_mode.no_grad, grad_mode.enable_grad, grad_mode.inference_mode, grad_mode.set_grad_enabled)
    homes.update(dict.fromkeys(modes, "torch.autograd.grad_mode"))
    homes.update({minigrad.nn.Parameter: "torch.nn.parameter", minigrad.Generator: "torch._C",
                  optim.AdamW: "torch.optim.adamw",
                  optim.Adafactor: "torch.optim._adafactor", optim.Muon: "torch.optim._muon"})
    return homes


def _show_torch_dtypes() -> None:
    """Scripts see PyTorch's dtype objects: ``torch.float32``, ``x.dtype``, ``torch.get_default_dtype()``
    print as ``torch.float32`` and have ``is_floating_point`` (:class:`minigrad.dtypes.dtype`). Only
    what a script reaches is swapped; minigrad's own modules keep the numpy dtypes they imported."""
    from minigrad.amp import autocast_mode  # (its float16: get_autocast_dtype('cuda')'s default)

    top = sys.modules[_TARGET]
    for module in (top, dtypes, autocast_mode):
        for name, value in list(vars(module).items()):
            if isinstance(value, np.dtype) and value in dtypes.DTYPES:
                _swap(module, name, dtypes.torch_style(value))
    for name in ("get_default_dtype", "promote_types", "result_type"):
        _swap(top, name, _showing_torch_dtype(getattr(top, name)))
    table = {dt: dtypes.torch_style(dt) for dt in dtypes.DTYPES}

    def tensor_dtype(self: Tensor) -> Any:
        try:
            return table[self._array.dtype]
        except KeyError:  # (a dtype minigrad has no torch name for: from_numpy of uint16/32/64 arrays)
            return self._array.dtype

    tensor_dtype.__doc__ = "The tensor's dtype, as PyTorch shows it (``torch.float32``)."
    _swap(Tensor, "dtype", property(tensor_dtype))
    dtypes._NAMESPACE[0] = _ALIAS
    for cls, home in _torch_homes().items():
        if cls.__module__ != home:
            _swap(cls, "__module__", home)
    # the schedulers' module is named as their classes' home, so a script telling PyTorch's schedulers from
    # its own by ``type(s).__module__ == lr_scheduler.__name__`` (d2l's training loop) finds them
    from minigrad.optim import lr_scheduler

    _swap(lr_scheduler, "__name__", "torch.optim.lr_scheduler")


def _spawn_command_line(original: Callable[..., list[str]]) -> Callable[..., list[str]]:
    """``multiprocessing.spawn.get_command_line`` whose child installs this hook before anything else, so a
    ``spawn`` child (which imports the script again) resolves ``torch`` to minigrad as its parent does."""
    home = os.path.dirname(os.path.dirname(os.path.abspath(_format.__file__)))

    def get_command_line(**kwds: Any) -> list[str]:
        line = original(**kwds)
        if "-c" in line[:-1]:
            at = line.index("-c") + 1
            line[at] = (f"import sys; sys.path.insert(0, {home!r}); import minigrad.compat.hook; "
                        f"minigrad.compat.hook.install(); {line[at]}")
        return line

    return get_command_line


def installed() -> bool:
    """True while the hook is on ``sys.meta_path``."""
    return _finder in sys.meta_path


def install() -> None:
    """Resolve ``import torch`` (and ``torch.X.Y``) to minigrad from now on; for notebooks and launchers.

    Idempotent. Call it before the first ``import torch``. Dropout then draws PyTorch's masks from the
    main stream (:func:`minigrad.random.use_pytorch_dropout_masks`), so a seeded script's masks and every
    later draw are PyTorch's; set ``MINIGRAD_FAST_DROPOUT_MASKS=1`` to keep the fast mask stream.

    Raises:
        RuntimeError: the real PyTorch is already imported in this process
            (its modules would shadow the hook; restart and install first).
    """
    if installed():
        return
    real = [n for n, m in sys.modules.items() if (n == _ALIAS or n.startswith(_ALIAS + "."))
            and not getattr(m, "__name__", "").startswith(_TARGET)]
    if real:
        raise RuntimeError(
            "minigrad.compat.install(): PyTorch itself is already imported in this process "
            f"({real[0]}); restart the interpreter and install the hook before the first `import torch`"
        )
    sys.meta_path.insert(0, _finder)
    # loaded now: _patch_loaded_modules registers torch as minigrad, so `import torch` never reaches the
    # finder's own import of it, and scripts reach torch.nn.modules.utils.* as attributes
    import minigrad.nn.modules  # noqa: F401
    _format.NAMESPACE = _ALIAS
    _masks_before[:] = [random.pytorch_dropout_masks()]
    if os.environ.get("MINIGRAD_FAST_DROPOUT_MASKS", "") in ("", "0"):
        random.use_pytorch_dropout_masks(True)
    _patch_loaded_modules()
    Tensor.__getattr__ = _tensor_getattr  # type: ignore[attr-defined]
    use_torch_constructor(True)  # torch.Tensor([0, 1]) is float32, torch.Tensor(3) has three elements
    _show_torch_dtypes()
    import multiprocessing.spawn as spawn

    _swap(spawn, "get_command_line", _spawn_command_line(spawn.get_command_line))
    # scripts pick their API by torch.__version__: the PyTorch release minigrad follows (see version.py)
    sys.modules[_TARGET].__version__ = version.__version__ = version.as_torch()  # type: ignore[attr-defined]


def uninstall() -> None:
    """Remove the hook, the ``torch`` aliases it created and the missing-name messages."""
    while _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    _format.NAMESPACE = _TARGET
    if _masks_before:
        random.use_pytorch_dropout_masks(_masks_before.pop())
    for name in [n for n in sys.modules if n == _ALIAS or n.startswith(_ALIAS + ".")]:
        if getattr(sys.modules[name], "__name__", "").startswith(_TARGET):
            del sys.modules[name]
    while _patched:
        module = _patched.pop()
        vars(module).pop("__getattr__", None)
    if "__getattr__" in vars(Tensor):
        delattr(Tensor, "__getattr__")
    use_torch_constructor(False)
    while _swapped:
        owner, name, value = _swapped.pop()
        setattr(owner, name, value)
    dtypes._NAMESPACE[0] = _TARGET
    sys.modules[_TARGET].__version__ = version.__version__ = version.Version(version.minigrad_release)  # type: ignore[attr-defined]
