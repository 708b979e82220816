"""``torch.nn.utils.parametrize``: a parameter computed from other tensors on every access.

``register_parametrization(m, "weight", P())`` moves ``m.weight`` to
``m.parametrizations.weight.original`` (or ``original0``, ``original1``, ...
when ``P.right_inverse`` returns several tensors) and makes ``m.weight`` a
property that returns ``P(original)``, so gradients reach the originals through
ordinary Tensor ops. As in PyTorch, the module's class is swapped for a
subclass ``Parametrized<Name>`` that carries the property, and restored when
the last parametrization is removed.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Sequence
from typing import Any

from minigrad.grad_mode import no_grad
from minigrad.nn.container import ModuleDict, ModuleList
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import Tensor

__all__ = [
    "ParametrizationList", "cached", "is_parametrized", "register_parametrization", "remove_parametrizations",
    "transfer_parametrizations_and_params", "type_before_parametrizations",
]  # fmt: skip

_cache: dict[tuple[int, str], Tensor] = {}
_cache_depth = 0


def _set_values(dest: Tensor, src: Tensor) -> None:
    """Give ``dest`` the values (and shape) of ``src`` in place, as PyTorch's ``set_``."""
    dest.data = src.detach()


def _register(module: Module, name: str, value: Tensor) -> None:
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module.register_buffer(name, value)


def _check_result(z: Any, original: Tensor, what: str) -> None:
    if not isinstance(z, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(z).__name__}.")
    if z.dtype != original.dtype:
        raise ValueError(f"Registering a parametrization may not change the dtype of the tensor, unless the "
                         f"`unsafe` flag is enabled.\n{what} dtype: {original.dtype}\n"
                         f"parametrized dtype: {z.dtype}")
    if z.shape != original.shape:
        raise ValueError(f"Registering a parametrization may not change the shape of the tensor, unless the "
                         f"`unsafe` flag is enabled.\n{what} shape: {original.shape}\n"
                         f"parametrized shape: {z.shape}")


def _check_inverse(parametrization: Module, x: Tensor, y: Tensor, tensor_name: str) -> None:
    if not hasattr(parametrization, "right_inverse"):
        return
    try:
        z = parametrization.right_inverse(x)
    except NotImplementedError:
        return
    if not isinstance(z, Tensor):
        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(z).__name__}")
    for what, got, want in (("dtype", z.dtype, y.dtype), ("shape", z.shape, y.shape)):
        if got != want:
            raise ValueError("The tensor returned by parametrization.right_inverse must have the same "
                             f"{what} as module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                             f"module.{tensor_name}.{what}: {want}\nreturned {what}: {got}")


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order to its originals (``original`` or
    ``original0``, ``original1``, ...). Made by :func:`register_parametrization`, not by users.

    Raises:
        ValueError: no modules; ``right_inverse`` returns something else than tensors or changes the
            dtype; or (unless ``unsafe``) the parametrization changes the dtype or shape.
    """

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False) -> None:
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        with no_grad():
            new: Any = original
            for m in reversed(list(self)):
                if hasattr(m, "right_inverse"):
                    with contextlib.suppress(NotImplementedError):
                        new = m.right_inverse(new)
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, "
                             f"tuple...). Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if isinstance(new, Tensor):
            if new.dtype != original.dtype:
                raise ValueError("When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                                 f"original.dtype: {original.dtype}\n"
                                 f"right_inverse(original).dtype: {new.dtype}")
            with no_grad():
                _set_values(original, new)
            _register(self, "original", original)
        else:
            for i, part in enumerate(new):
                if not isinstance(part, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, "
                                     f"tuple...). Got element {i} of the sequence with type "
                                     f"{type(part).__name__}.")
                part = part.detach()
                value = Parameter(part, original.requires_grad) if isinstance(original, Parameter) else part
                _register(self, f"original{i}", value)
        if not unsafe:
            _check_result(self(), original, "unparametrized")

    def originals(self) -> list[Tensor]:
        """The tensors the first parametrization takes."""
        if self.is_tensor:
            return [self.original]
        return [getattr(self, f"original{i}") for i in range(self.ntensors)]

    def right_inverse(self, value: Tensor) -> None:
        """Set the originals so the parametrized tensor becomes ``value``: each parametrization's
        ``right_inverse``, last first, then the result is stored in the originals.

        Raises:
            RuntimeError: a parametrization has no ``right_inverse``.
            ValueError: the result's kind, number or dtype does not fit the originals.
        """
        with no_grad():
            result: Any = value
            for m in reversed(list(self)):
                if not hasattr(m, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(m).__name__} does not implement "
                                       "right_inverse.")
                result = m.right_inverse(result)
            parts = [result] if self.is_tensor else list(result)
            if len(parts) != self.ntensors or not all(isinstance(p, Tensor) for p in parts):
                raise ValueError(f"'right_inverse' must return {self.ntensors} tensor(s), got {result!r}")
            for dest, src in zip(self.originals(), parts):
                if dest.dtype != src.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype {src.dtype} while "
                                     f"the original has dtype {dest.dtype}")
                _set_values(dest, src)

    def forward(self) -> Tensor:
        """The parametrized tensor: the first parametrization on the originals, then the others."""
        mods = list(self)
        x: Tensor = mods[0](*self.originals())
        for m in mods[1:]:
            x = m(x)
        return x


def _parametrized(name: str) -> property:
    def get(self: Module) -> Tensor:
        plist = self.parametrizations[name]
        if not _cache_depth:
            return plist()  # type: ignore[no-any-return]
        key = (id(self), name)
        if key not in _cache:
            _cache[key] = plist()
        return _cache[key]

    def set_(self: Module, value: Tensor) -> None:
        self.parametrizations[name].right_inverse(value)

    return property(get, set_, doc=f"``{name}`` computed by its parametrizations")


def _deepcopy(self: Module, memo: dict[int, Any]) -> Module:
    replica = self.__class__.__new__(self.__class__)
    memo[id(self)] = replica
    replica.__dict__ = copy.deepcopy(self.__dict__, memo)
    return replica


def _getstate(self: Module) -> Any:
    raise RuntimeError("Serialization of parametrized modules is only supported through state_dict(). See:\n"
                       "https://pytorch.org/tutorials/beginner/saving_loading_models.html"
                       "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training")


def _swap_class(module: Module) -> None:
    cls = type(module)
    extra: dict[str, Any] = {"__getstate__": _getstate}  # the class is made here: pickle could not find it
    if not hasattr(cls, "__deepcopy__"):
        extra["__deepcopy__"] = _deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), extra)


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """True if ``module`` has a parametrization on ``tensor_name`` (any, when None)."""
    plists = module._modules.get("parametrizations")
    if not isinstance(plists, ModuleDict):
        return False
    return len(plists) > 0 if tensor_name is None else tensor_name in plists


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *,
                             unsafe: bool = False) -> Module:
    """Make ``module.<tensor_name>`` the output of ``parametrization`` on the stored originals; a second
    registration on the same name chains after the first. Returns ``module``.

    ``parametrization.right_inverse`` (optional) computes the originals from the current tensor, and
    makes assigning to ``module.<tensor_name>`` possible. Unless ``unsafe``, the parametrization may
    not change the tensor's dtype or shape.

    Raises:
        ValueError: ``module`` has no parameter, buffer or parametrized tensor named ``tensor_name``,
            or a check above fails.
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        plist = module.parametrizations[tensor_name]
        if not unsafe:
            y = getattr(module, tensor_name)
            x = parametrization(y)
            _check_result(x, y, f"module.{tensor_name}")
            _check_inverse(parametrization, x, y, tensor_name)
        plist.append(parametrization)
        plist.unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        plist = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _swap_class(module)
            module.parametrizations = ModuleDict()
        setattr(type(module), tensor_name, _parametrized(tensor_name))
        module.parametrizations[tensor_name] = plist
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element "
                         f"with name '{tensor_name}'")
    return module


def remove_parametrizations(module: Module, tensor_name: str, leave_parametrized: bool = True) -> Module:
    """Undo the parametrizations of ``tensor_name``: it becomes a plain parameter (or buffer) again,
    holding the parametrized value (``leave_parametrized=True``) or the original. Returns ``module``.

    Raises:
        ValueError: no parametrization on ``tensor_name``, or ``leave_parametrized=False`` for a
            tensor parametrized by several originals.
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    if plist.is_tensor:
        original = plist.original
        if leave_parametrized:
            with no_grad():
                _set_values(original, getattr(module, tensor_name))
    elif leave_parametrized:
        with no_grad():
            t = getattr(module, tensor_name)
        original = Parameter(t) if plist.originals()[0].requires_grad else t
    else:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is "
                         "parametrized in terms of a sequence of tensors.")
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    _register(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = type(module).__bases__[0]
    return module


def transfer_parametrizations_and_params(from_module: Module, to_module: Module,
                                         tensor_name: str | None = None) -> Module:
    """Give ``to_module`` the parametrizations of ``from_module`` (of ``tensor_name``, or all), the same
    parametrization objects, with originals holding ``from_module``'s values. A name ``to_module`` lacks
    is created first as a Parameter. Returns ``to_module``."""
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]
    for name in names:
        source = from_module.parametrizations[name]
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        for p in source:
            register_parametrization(to_module, name, p)
        with no_grad():
            for mine, theirs in zip(to_module.parametrizations[name].originals(), source.originals()):
                mine.data = theirs.data
    return to_module


def type_before_parametrizations(module: Module) -> type:
    """The module's class before any parametrization was registered (its class, if none was)."""
    return type(module).__bases__[0] if is_parametrized(module) else type(module)


@contextlib.contextmanager
def cached() -> Iterator[None]:
    """Within the block, each parametrized tensor is computed once and reused (the cache is dropped
    when the outermost block exits)."""
    global _cache_depth
    _cache_depth += 1
    try:
        yield
    finally:
        _cache_depth -= 1
        if not _cache_depth:
            _cache.clear()
