"""Module and Parameter: the containers that hold a network's state.

A :class:`Module` owns three ordered registries, filled by plain attribute
assignment: parameters (learnable leaves), buffers (state such as running
statistics, saved but not trained) and child modules. Everything else
(``parameters()``, ``state_dict()``, ``train()``, ``to()``) walks them, with
PyTorch's dotted names (``0.weight``, ``encoder.norm.running_mean``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar, overload

import numpy as np

from minigrad.autograd import no_grad
from minigrad.device import parse_to
from minigrad.errors import InvalidParameterError, MinigradError
from minigrad.tensor import Array, Tensor, TensorLike, _resolve_dtype, float32, float64, from_numpy

__all__ = ["IncompatibleKeys", "Module", "ModuleDict", "ModuleList", "Parameter", "Sequential"]

M = TypeVar("M", bound="Module")


class Parameter(Tensor):
    """A leaf Tensor that a Module registers as learnable.

    Args:
        data: a Tensor (its array is shared, as in PyTorch), a numpy array or
            nested lists (converted with the usual dtype rules). None gives an
            empty float32 tensor.
        requires_grad: True by default.

    Raises:
        InvalidParameterError: requires_grad on a non-float array.
    """

    __slots__ = ()

    def __init__(self, data: TensorLike | None = None, requires_grad: bool = True) -> None:
        if data is None:
            arr: Array = np.empty(0, dtype=float32)
        elif isinstance(data, Tensor):
            arr = data.numpy()
        else:
            arr = Tensor(data).numpy()
        super().__init__(np.empty(0, dtype=arr.dtype))
        self.data = from_numpy(arr)
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class IncompatibleKeys(NamedTuple):
    """What :meth:`Module.load_state_dict` did not match (only non-empty with strict=False)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _addindent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _quoted(keys: list[str]) -> str:
    return ", ".join(f'"{k}"' for k in keys)


def _check_name(kind: str, name: Any) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
    if name == "" or "." in name:
        raise KeyError(f'{kind} name can\'t be empty or contain ".", got {name!r}')


class Module:
    """Base class of every layer and model.

    Subclasses call ``super().__init__()`` first, assign their Parameters,
    buffers and sub-modules as attributes, and define :meth:`forward`.
    Calling the module runs ``forward``.
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent_buffers: set[str]
    _modules: dict[str, Module | None]

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())

    # ------------------------------------------------------------ forward

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------ registration

    def _registries(self) -> tuple[dict[str, Any], ...]:
        d = self.__dict__
        if "_parameters" not in d:
            raise AttributeError("cannot assign to a Module before Module.__init__() has run")
        return d["_parameters"], d["_buffers"], d["_modules"]

    def __setattr__(self, name: str, value: Any) -> None:
        params, buffers, modules = self._registries()
        if isinstance(value, Parameter):
            self._forget(name, keep=params)
            params[name] = value
        elif isinstance(value, Module):
            self._forget(name, keep=modules)
            modules[name] = value
        elif name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} (Parameter or None expected)"
                )
            params[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as child module {name!r} (Module or None expected)"
                )
            modules[name] = None
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign {type(value).__name__} as buffer {name!r} (Tensor or None expected)"
                )
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict[str, Any]) -> None:
        # the receiving registry keeps its entry, so a replacement keeps its position (as in PyTorch)
        for registry in self._registries():
            if registry is not keep:
                registry.pop(name, None)
        self._non_persistent_buffers.discard(name)
        self.__dict__.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            registry = d.get(key)
            if registry is not None and name in registry:
                return registry[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in self._registries():
            if name in registry:
                del registry[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list[str]:
        keys = set(super().__dir__())
        for registry in self._registries():
            keys.update(registry)
        return sorted(keys)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or None, a declared but absent parameter) under ``name``.

        Raises:
            TypeError: ``param`` is neither a Parameter nor None.
            KeyError: ``name`` is empty, contains '.', or is a non-parameter attribute.
        """
        _check_name("parameter", name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign {type(param).__name__} as parameter {name!r} (Parameter or None expected)"
            )
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute {name!r} already exists")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register ``tensor`` as a buffer: saved by ``state_dict`` (if persistent), not trained.

        None declares a buffer that is absent (it is then left out of ``state_dict``).

        Raises:
            TypeError: ``tensor`` is neither a Tensor nor None.
            KeyError: ``name`` is empty, contains '.', or is a non-buffer attribute.
        """
        _check_name("buffer", name)
        if tensor is not None and (not isinstance(tensor, Tensor) or isinstance(tensor, Parameter)):
            raise TypeError(
                f"cannot assign {type(tensor).__name__} as buffer {name!r} (Tensor or None expected)"
            )
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute {name!r} already exists")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def register_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` (or None) as a child under ``name``."""
        _check_name("module", name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute {name!r} already exists")
        self._modules[name] = module

    add_module = register_module

    def get_submodule(self, target: str) -> Module:
        """The sub-module at a dotted path (``''`` is self).

        Raises:
            AttributeError: no sub-module has that path.
        """
        mod: Module = self
        if target == "":
            return mod
        for item in target.split("."):
            child = mod._modules.get(item)
            if child is None:
                raise AttributeError(f"{type(mod).__name__} has no sub-module {item!r} (path {target!r})")
            mod = child
        return mod

    # ------------------------------------------------------------ traversal

    def named_modules(self, memo: set[int] | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for self and every descendant, each module once."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, mod in self._modules.items():
            if mod is None:
                continue
            yield from mod.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """Self and every descendant module, each once."""
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for the direct children, each once."""
        seen: set[int] = set()
        for name, mod in self._modules.items():
            if mod is not None and id(mod) not in seen:
                seen.add(id(mod))
                yield name, mod

    def children(self) -> Iterator[Module]:
        """The direct child modules."""
        for _, m in self.named_children():
            yield m

    def _named_members(self, attr: str, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Any]]:
        mods: Iterable[tuple[str, Module]] = [(prefix, self)]
        if recurse:
            mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        seen: set[int] = set()
        for mod_prefix, mod in mods:
            for name, value in getattr(mod, attr).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield mod_prefix + ("." if mod_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter) pairs; a parameter shared by two modules appears once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, each once, in registration order."""
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs; None buffers are skipped."""
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every (non-None) buffer, each once."""
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ------------------------------------------------------------ modes and grads

    def train(self: M, mode: bool = True) -> M:
        """Set training mode on self and every descendant; returns self.

        Raises:
            InvalidParameterError: ``mode`` is not a bool.
        """
        if not isinstance(mode, bool):
            raise InvalidParameterError(f"train(mode=...) expects a bool, got {mode!r}")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self: M) -> M:
        """Evaluation mode: same as ``train(False)``."""
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        """Switch gradient tracking of every parameter; returns self."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset parameter gradients: to None (default, as PyTorch) or to zeros."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad = Tensor._wrap(np.zeros_like(p.grad.numpy()))

    def apply(self: M, fn: Callable[[Module], Any]) -> M:
        """Call ``fn`` on every child (recursively, children first) and then on self; returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------ dtype

    def to(self: M, *args: Any, **kwargs: Any) -> M:
        """Convert parameters and floating buffers to a float dtype in place; returns self.

        PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
        ``to(device=None, dtype=None, non_blocking=False)``, ``to(tensor)``.
        The device must be the CPU (nothing moves). The Parameter objects stay
        the same (optimizers keep working); their ``.data`` (and ``.grad``) are
        replaced. Integer buffers such as ``num_batches_tracked`` keep their dtype.

        Raises:
            InvalidParameterError: ``dtype`` is not a floating dtype.
            DeviceError: a device other than the CPU.
        """
        dtype, _ = parse_to(args, kwargs, "Module.to")
        if dtype is None:
            return self
        dt = _resolve_dtype(dtype)
        if dt.kind != "f":
            raise InvalidParameterError(f"Module.to only accepts floating dtypes, got dtype={dt}")
        for m in self.modules():
            for t in list(m._parameters.values()) + list(m._buffers.values()):
                if t is None or t.dtype.kind != "f" or t.dtype == dt:
                    continue
                t.data = t.data.astype(dt)
                t._version += 1
                if t.grad is not None:
                    t.grad = Tensor._wrap(t.grad.numpy().astype(dt))
        return self

    def double(self: M) -> M:
        """Convert floating parameters and buffers to float64."""
        return self.to(float64)

    def float(self: M) -> M:
        """Convert floating parameters and buffers to float32."""
        return self.to(float32)

    # ------------------------------------------------------------ state

    def _state_items(self, prefix: str) -> Iterator[tuple[str, Tensor]]:
        # Recurse through _modules without de-duplication: PyTorch lists a
        # shared (tied) module's tensors under every name it is reachable by.
        for name, p in self._parameters.items():
            if p is not None:
                yield prefix + name, p
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers:
                yield prefix + name, b
        for name, mod in self._modules.items():
            if mod is not None:
                yield from mod._state_items(prefix + name + ".")

    def state_dict(self, prefix: str = "") -> dict[str, Array]:
        """A dict name -> numpy array (a copy) of every parameter and persistent buffer.

        Keys are PyTorch's (``0.weight``, ``bn.running_var``, ``bn.num_batches_tracked``).
        """
        return OrderedDict((name, t.numpy().copy()) for name, t in self._state_items(prefix))

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into the parameters and buffers, all or nothing.

        Every key and shape is checked before anything is copied, so on error
        the module keeps its old values. Values may be arrays, Tensors or
        nested lists; they are converted to the destination's dtype.

        Returns:
            ``IncompatibleKeys(missing_keys, unexpected_keys)`` (both empty when strict).

        Raises:
            MinigradError: with ``strict=True``, keys are missing or unexpected;
                in any mode, a value's shape differs from the destination's.
                The message lists every problem.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"load_state_dict expects a mapping, got {type(state_dict).__name__}")
        own = OrderedDict(self._state_items(""))
        optional = {
            (prefix + "." if prefix else "") + key
            for prefix, mod in self.named_modules(remove_duplicate=False)
            for key in mod._optional_state_keys()
        }
        missing = [k for k in own if k not in state_dict and k not in optional]
        unexpected = [k for k in state_dict if k not in own]
        values: dict[str, Array] = {}
        mismatched: list[str] = []
        for key, dest in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            arr = np.asarray(value.numpy() if isinstance(value, Tensor) else value)
            if arr.shape != dest.shape:
                mismatched.append(
                    f"size mismatch for {key}: copying a param with shape {arr.shape}, "
                    f"the shape in current model is {dest.shape}"
                )
            values[key] = arr
        problems = list(mismatched)
        if strict:
            if unexpected:
                problems.insert(0, "Unexpected key(s) in state_dict: " + _quoted(unexpected))
            if missing:
                problems.insert(0, "Missing key(s) in state_dict: " + _quoted(missing))
        if problems:
            raise MinigradError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(problems)
            )
        with no_grad():
            for key, arr in values.items():
                dest = own[key]
                dest.numpy()[...] = arr.astype(dest.dtype, copy=False)
                dest._version += 1
        return IncompatibleKeys(missing, unexpected)

    def _optional_state_keys(self) -> tuple[str, ...]:
        """Local state keys a checkpoint may omit; the module then keeps its current value."""
        return ()

    # ------------------------------------------------------------ repr

    def extra_repr(self) -> str:
        """The text between the parentheses of this module's repr (its settings)."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({key}): " + _addindent(repr(mod), 2) for key, mod in self._modules.items()
        ]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"


def _index_of(idx: Any, n: int, kind: str) -> int:
    if not isinstance(idx, (int, np.integer)) or isinstance(idx, bool):
        raise TypeError(f"{kind} indices must be integers or slices, not {type(idx).__name__}")
    if not -n <= idx < n:
        raise IndexError(f"index {idx} is out of range for a {kind} of length {n}")
    return int(idx) % n


class Sequential(Module):
    """Modules applied one after the other: ``Sequential(a, b)(x) == b(a(x))``.

    Takes modules as arguments (named ``0``, ``1``, ...) or one ordered dict of
    name -> module. Supports ``len``, iteration, indexing (a slice gives a
    Sequential) and ``append``.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], Mapping):
            for name, mod in args[0].items():
                self.register_module(name, mod)
        else:
            for i, mod in enumerate(args):
                self.register_module(str(i), mod)

    def forward(self, x: Any) -> Any:
        """Feed ``x`` through every module in order."""
        for mod in self._modules.values():
            if mod is not None:
                x = mod(x)
        return x

    @overload
    def __getitem__(self, idx: slice) -> Sequential: ...
    @overload
    def __getitem__(self, idx: int) -> Module: ...
    def __getitem__(self, idx: int | slice) -> Module:
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return Sequential(OrderedDict(items[idx]))
        mod = items[_index_of(idx, len(items), "Sequential")][1]
        assert mod is not None
        return mod

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules)[_index_of(idx, len(self._modules), "Sequential")]
        setattr(self, key, module)

    def __delitem__(self, idx: int | slice) -> None:
        keys = list(self._modules)
        doomed = keys[idx] if isinstance(idx, slice) else [keys[_index_of(idx, len(keys), "Sequential")]]
        for key in doomed:
            del self._modules[key]
        if all(k.isdigit() for k in self._modules):
            # keep the default numbering contiguous, as PyTorch does
            mods = list(self._modules.values())
            self._modules.clear()
            for i, mod in enumerate(mods):
                self._modules[str(i)] = mod

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter([m for m in self._modules.values() if m is not None])

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns self."""
        self.register_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> Sequential:
        """Append each of ``modules``; returns self."""
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert ``module`` before position ``index``; returns self."""
        mods = list(self._modules.values())
        n = len(mods)
        if not -n <= index <= n:
            raise IndexError(f"index {index} is out of range for a Sequential of length {n}")
        mods.insert(index % (n + 1) if index < 0 else index, module)
        self._modules.clear()
        for i, m in enumerate(mods):
            self.register_module(str(i), m)
        return self


class ModuleList(Module):
    """A list of modules whose parameters the parent finds; indexing, len, iteration, append.

    It has no forward: the owning module decides how to call its entries.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _list(self) -> list[Module]:
        return [m for m in self._modules.values() if m is not None]

    def _renumber(self, mods: list[Module]) -> None:
        self._modules.clear()
        for i, m in enumerate(mods):
            self.register_module(str(i), m)

    @overload
    def __getitem__(self, idx: slice) -> ModuleList: ...
    @overload
    def __getitem__(self, idx: int) -> Module: ...
    def __getitem__(self, idx: int | slice) -> Module:
        mods = self._list()
        if isinstance(idx, slice):
            return ModuleList(mods[idx])
        return mods[_index_of(idx, len(mods), "ModuleList")]

    def __setitem__(self, idx: int, module: Module) -> None:
        i = _index_of(idx, len(self._modules), "ModuleList")
        setattr(self, str(i), module)

    def __delitem__(self, idx: int | slice) -> None:
        mods = self._list()
        if isinstance(idx, slice):
            del mods[idx]
        else:
            del mods[_index_of(idx, len(mods), "ModuleList")]
        self._renumber(mods)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._list())

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; returns self."""
        self.register_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append each of ``modules``; returns self."""
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``."""
        mods = self._list()
        mods.insert(index, module)
        self._renumber(mods)

    def __repr__(self) -> str:
        # PyTorch's compact form: consecutive equal entries print once as "(0-2): 3 x Linear(...)".
        mods = self._list()
        if not mods:
            return "ModuleList()"
        lines: list[str] = []
        start = 0
        while start < len(mods):
            text = repr(mods[start])
            end = start
            while end + 1 < len(mods) and repr(mods[end + 1]) == text:
                end += 1
            body = _addindent(text, 2)
            if end == start:
                lines.append(f"({start}): {body}")
            else:
                lines.append(f"({start}-{end}): {end - start + 1} x {body}")
            start = end + 1
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of named modules whose parameters the parent finds.

    Keeps insertion order; supports ``[]``, ``in``, ``len``, iteration over
    keys, ``keys()``, ``values()``, ``items()``, ``update``, ``pop`` and ``clear``.
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        mod = self._modules[key]
        assert mod is not None
        return mod

    def __setitem__(self, key: str, module: Module) -> None:
        self.register_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        """The names, in insertion order."""
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        """The modules, in insertion order."""
        return [m for m in self._modules.values() if m is not None]

    def items(self) -> Iterable[tuple[str, Module]]:
        """(name, module) pairs, in insertion order."""
        return [(k, m) for k, m in self._modules.items() if m is not None]

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace entries from a mapping or from (name, module) pairs."""
        pairs = modules.items() if isinstance(modules, Mapping) else modules
        for key, mod in pairs:
            self[key] = mod

    def pop(self, key: str) -> Module:
        """Remove the entry ``key`` and return its module."""
        mod = self[key]
        del self[key]
        return mod

    def clear(self) -> None:
        """Remove every entry."""
        self._modules.clear()
