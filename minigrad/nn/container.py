"""Containers: ``Sequential``, ``ModuleList`` and ``ModuleDict`` hold sub-modules in order or by name."""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from typing import Any, TypeVar, cast, overload

from minigrad.nn.module import Module, _addindent

__all__ = ["ModuleDict", "ModuleList", "Sequential"]

N = TypeVar("N", bound="_Numbered")


def _renumber(container: Module, mods: Iterable[Module | None]) -> None:
    """Re-register ``mods`` under the keys ``0``, ``1``, ...: the default numbering stays contiguous."""
    container._modules.clear()
    for i, m in enumerate(mods):
        container.register_module(str(i), m)


def _index_of(idx: Any, n: int, kind: str) -> int:
    try:
        i = operator.index(idx)  # ints, numpy ints and one-element int tensors, as PyTorch
    except TypeError as e:  # (operator.index's words, as PyTorch's)
        raise TypeError(f"{e} ({kind} indices must be integers or slices, not "
                        f"{type(idx).__name__})") from None
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of range")
    return i % n


class _Numbered(Module):
    """The part Sequential and ModuleList share: children keyed ``0``, ``1``, ... that grow at the end."""

    def __len__(self) -> int:
        return len(self._modules)

    def append(self: N, module: Module) -> N:
        """Add ``module`` at the end; returns self."""
        self.register_module(str(len(self)), module)
        return self

    def extend(self: N, modules: Iterable[Module]) -> N:
        """Append each of ``modules``; returns self.

        Raises:
            TypeError: ``modules`` is not iterable.
        """
        if not isinstance(modules, Iterable):
            raise TypeError(f"{type(self).__name__}.extend should be called with an iterable, but got "
                            + type(modules).__name__)
        for m in list(modules):
            self.append(m)
        return self

    def pop(self, key: int | slice) -> Any:
        """Remove the entry (or slice) at ``key`` and return it."""
        v = self[key]  # type: ignore[index]  # (both subclasses index)
        del self[key]
        return v

    def _repeated(self, other: Any) -> list[Module | None]:
        if not isinstance(other, int) or isinstance(other, bool):
            raise TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(other)}")
        if other <= 0:
            raise ValueError(f"Non-positive multiplication factor {other} for {type(self)}")
        return list(self._modules.values()) * other


class Sequential(_Numbered):
    """Modules applied one after the other: ``Sequential(a, b)(x) == b(a(x))``.

    Takes modules as arguments (named ``0``, ``1``, ...) or one ``OrderedDict`` of
    name -> module (a plain dict is an argument like any other, so PyTorch's TypeError: not a
    Module). Supports ``len``, iteration, indexing (a slice gives a
    Sequential) and ``append``.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, mod in args[0].items():
                self.register_module(name, mod)
        else:
            for i, mod in enumerate(args):
                self.register_module(str(i), mod)

    def forward(self, input: Any) -> Any:  # noqa: A002  # (PyTorch's name: Sequential(x=...) is a TypeError)
        """Feed ``input`` through every module in order (a None entry: PyTorch's TypeError, not callable)."""
        x = input
        for mod in self._modules.values():
            x = mod(x)  # type: ignore[misc]  # (None raises, as in PyTorch)
        return x

    @overload
    def __getitem__(self, idx: slice) -> Sequential: ...
    @overload
    def __getitem__(self, idx: int) -> Module: ...
    def __getitem__(self, idx: int | slice) -> Module:
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return type(self)(OrderedDict(items[idx]))  # a subclass slices to itself, as in PyTorch
        # a None entry (register_module(name, None)) comes back as None, as in PyTorch
        return cast(Module, items[_index_of(idx, len(items), "Sequential")][1])

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules)[_index_of(idx, len(self._modules), "Sequential")]
        setattr(self, key, module)

    def __delitem__(self, idx: int | slice) -> None:
        keys = list(self._modules)
        doomed = keys[idx] if isinstance(idx, slice) else [keys[_index_of(idx, len(keys), "Sequential")]]
        for key in doomed:
            del self._modules[key]
        # PyTorch renumbers what is left 0, 1, ... even when the names were given, into an OrderedDict
        mods = list(self._modules.values())
        object.__setattr__(self, "_modules", OrderedDict())
        _renumber(self, mods)

    def __iter__(self) -> Iterator[Module]:
        return iter(cast(list[Module], list(self._modules.values())))  # (None entries too, as PyTorch)

    def __add__(self, other: Sequential) -> Sequential:
        """A new Sequential of this one's modules, then ``other``'s.

        Raises:
            ValueError: ``other`` is not a Sequential.
        """
        if not isinstance(other, Sequential):
            raise ValueError("add operator supports only objects of Sequential class, but "
                             f"{type(other)} is given.")
        return Sequential(*self, *other)

    def __iadd__(self, other: Sequential) -> Sequential:
        if not isinstance(other, Sequential):
            raise ValueError("add operator supports only objects of Sequential class, but "
                             f"{type(other)} is given.")
        return self.extend(list(other))

    def __mul__(self, other: int) -> Sequential:
        """A new Sequential repeating this one's modules ``other`` times (the same module objects).

        Raises:
            TypeError: ``other`` is not an int. ValueError: ``other`` <= 0.
        """
        return Sequential(*self._repeated(other))

    __rmul__ = __mul__

    def __imul__(self, other: int) -> Sequential:
        _renumber(self, self._repeated(other))
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert ``module`` before position ``index``; returns self.

        Raises:
            AssertionError: ``module`` is not a Module (PyTorch's class). IndexError: ``index`` out of range.
        """
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        mods = list(self._modules.values())
        n = len(mods)
        if not -n <= index <= n:
            raise IndexError(f"Index out of range: {index}")
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
        # every entry, None too: PyTorch's ModuleList([None, m]) has len 2 and l[0] is None
        # (x-transformers keeps None placeholders in ModuleLists it indexes by layer)
        return cast(list[Module], list(self._modules.values()))

    @overload
    def __getitem__(self, idx: slice) -> ModuleList: ...
    @overload
    def __getitem__(self, idx: int) -> Module: ...
    def __getitem__(self, idx: int | slice) -> Module:
        mods = self._list()
        if isinstance(idx, slice):
            return type(self)(mods[idx])
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

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        """A new ModuleList of this one's modules, then ``other``'s."""
        return ModuleList(chain(self, other))

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``."""
        mods = self._list()
        mods.insert(index, module)
        _renumber(self, mods)

    def __repr__(self) -> str:
        # PyTorch's compact form: consecutive equal entries print once as "(0-2): 3 x Linear(...)".
        mods = self._list()
        if not mods:
            return self._get_name() + "()"
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
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


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
        """The modules, in insertion order (a live view, as PyTorch's dict_values)."""
        return self._modules.values()  # type: ignore[return-value]

    def items(self) -> Iterable[tuple[str, Module]]:
        """(name, module) pairs, in insertion order (a live view, as PyTorch's dict_items)."""
        return self._modules.items()  # type: ignore[return-value]

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace entries from a mapping, a ModuleDict or (name, module) pairs.

        Raises:
            TypeError: ``modules`` (or one of its pairs) is not iterable.
            ValueError: a pair's length is not 2.
        """
        if not isinstance(modules, Iterable):
            raise TypeError("ModuleDict.update should be called with an iterable of key/value pairs, but got "
                            + type(modules).__name__)
        if isinstance(modules, (Mapping, ModuleDict)):
            for key, mod in modules.items():
                self[key] = mod
            return
        for j, pair in enumerate(modules):
            if not isinstance(pair, Iterable):
                raise TypeError(f"ModuleDict update sequence element #{j} should be Iterable; is"
                                + type(pair).__name__)
            items: tuple[Any, ...] = tuple(pair)
            if len(items) != 2:
                raise ValueError(f"ModuleDict update sequence element #{j} has length {len(items)}; "
                                 "2 is required")
            self[items[0]] = items[1]

    def pop(self, key: str) -> Module:
        """Remove the entry ``key`` and return its module."""
        mod = self[key]
        del self[key]
        return mod

    def clear(self) -> None:
        """Remove every entry."""
        self._modules.clear()
