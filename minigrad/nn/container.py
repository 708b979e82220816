"""Containers: ``Sequential``, ``ModuleList`` and ``ModuleDict`` hold sub-modules in order or by name."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

import numpy as np

from minigrad.nn.module import Module, _addindent

__all__ = ["ModuleDict", "ModuleList", "Sequential"]

N = TypeVar("N", bound="_Numbered")


def _renumber(container: Module, mods: Iterable[Module | None]) -> None:
    """Re-register ``mods`` under the keys ``0``, ``1``, ...: the default numbering stays contiguous."""
    container._modules.clear()
    for i, m in enumerate(mods):
        container.register_module(str(i), m)


def _index_of(idx: Any, n: int, kind: str) -> int:
    if not isinstance(idx, (int, np.integer)) or isinstance(idx, bool):
        raise TypeError(f"{kind} indices must be integers or slices, not {type(idx).__name__}")
    if not -n <= idx < n:
        raise IndexError(f"index {idx} is out of range for a {kind} of length {n}")
    return int(idx) % n


class _Numbered(Module):
    """The part Sequential and ModuleList share: children keyed ``0``, ``1``, ... that grow at the end."""

    def __len__(self) -> int:
        return len(self._modules)

    def append(self: N, module: Module) -> N:
        """Add ``module`` at the end; returns self."""
        self.register_module(str(len(self)), module)
        return self

    def extend(self: N, modules: Iterable[Module]) -> N:
        """Append each of ``modules``; returns self."""
        for m in modules:
            self.append(m)
        return self


class Sequential(_Numbered):
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
        if all(k.isdigit() for k in self._modules):  # user-given names are kept, as in PyTorch
            _renumber(self, list(self._modules.values()))

    def __iter__(self) -> Iterator[Module]:
        return iter([m for m in self._modules.values() if m is not None])

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert ``module`` before position ``index``; returns self."""
        mods = list(self._modules.values())
        n = len(mods)
        if not -n <= index <= n:
            raise IndexError(f"index {index} is out of range for a Sequential of length {n}")
        mods.insert(index, module)  # a negative index counts from the end: -1 goes before the last
        _renumber(self, mods)
        return self


class ModuleList(_Numbered):
    """A list of modules whose parameters the parent finds; indexing, len, iteration, append.

    It has no forward: the owning module decides how to call its entries.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _list(self) -> list[Module]:
        return [m for m in self._modules.values() if m is not None]

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
        _renumber(self, mods)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._list())

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``."""
        mods = self._list()
        mods.insert(index, module)
        _renumber(self, mods)

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
