"""``ParameterList`` and ``ParameterDict``: parameters held in order or by name, as in ``torch.nn``.

A plain Tensor stored in one is made a ``Parameter`` (so ``parameters()`` finds
it); anything else (a Module, a number) is kept as it is, as PyTorch does.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from minigrad import _format
from minigrad.nn.module import Module, Parameter
from minigrad.tensor import Tensor

__all__ = ["ParameterDict", "ParameterList"]


class _MissingEntryError(KeyError, AttributeError):
    """A key a ParameterDict does not hold: a KeyError, and PyTorch's AttributeError (it reads the entry as an
    attribute)."""


def _as_parameter(value: Any) -> Any:
    return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) else value


def _describe(value: Any, legacy_type: bool = False) -> str:
    # PyTorch's two containers differ: ParameterList names the dtype (torch.float32), ParameterDict
    # the legacy type (torch.FloatTensor)
    if isinstance(value, Tensor):
        kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
        size = "x".join(str(s) for s in value.shape)
        dtype = value.type() if legacy_type else f"{_format.NAMESPACE}.{value._array.dtype}"
        return f"{kind} containing: [{dtype} of size {size}]"
    return f"Object of type: {type(value).__name__}"


class ParameterList(Module):
    """A list of parameters registered under the names ``0``, ``1``, ...

    ``ParameterList(values=None)``: supports ``len``, iteration, indexing
    (a slice gives a new ParameterList), item assignment, ``append``,
    ``extend`` and ``+=``. Tensors are wrapped in ``Parameter``.

    Raises:
        TypeError: an index that is not an int or slice, or ``extend`` with a non-iterable.
        IndexError: an index out of range.
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def _abs_index(self, idx: Any) -> int:
        try:
            i = operator.index(idx)  # ints, numpy ints and one-element int tensors, as PyTorch
        except TypeError:
            raise TypeError("ParameterList indices must be integers or slices, not "
                            f"{type(idx).__name__}") from None
        n = len(self)
        if not -n <= i < n:
            raise IndexError(f"index {i} is out of range")
        return i % n

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return type(self)(self[i] for i in range(len(self))[idx])
        return getattr(self, str(self._abs_index(idx)))

    def __setitem__(self, idx: int, value: Any) -> None:
        setattr(self, str(self._abs_index(idx)), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __iadd__(self, values: Iterable[Any]) -> ParameterList:
        return self.extend(values)

    def append(self, value: Any) -> ParameterList:
        """Add ``value`` at the end; returns self."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        """Append each of ``values``; returns self."""
        if not isinstance(values, Iterable) or isinstance(values, Tensor):
            raise TypeError("ParameterList.extend should be called with an iterable, "
                            f"but got {type(values).__name__}")
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        """One line per entry: index, kind, dtype and size."""
        return "\n".join(f"  ({i}): {_describe(v)}" for i, v in enumerate(self))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    """An ordered dict of parameters, registered under their (string) keys.

    ``ParameterDict(parameters=None)`` takes a mapping or an iterable of
    ``(key, value)`` pairs; a plain (unordered) dict is added in sorted key
    order, as PyTorch does. Supports the dict methods (``keys``, ``values``,
    ``items``, ``update``, ``get``, ``pop``, ``popitem``, ``setdefault``,
    ``clear``, ``copy``, ``fromkeys``, ``in``, ``del``). Tensors are wrapped in ``Parameter``.

    Raises:
        TypeError: a key that is not a str, or ``update`` with something that is not pairs.
        KeyError: a missing key.
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    @staticmethod
    def _attr(key: Any) -> str:
        if not isinstance(key, str):
            raise TypeError(
                "Index given to ParameterDict cannot be used as a key as it is not a string "
                f"(type is '{type(key).__name__}')"
            )
        return key

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise _MissingEntryError(key)
        return getattr(self, self._attr(key))

    def __setitem__(self, key: str, value: Any) -> None:
        attr = self._attr(key)
        self._keys[key] = None
        setattr(self, attr, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, self._attr(key))

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[str]:
        return reversed(list(self._keys))

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def keys(self) -> Iterable[str]:
        """The keys, in insertion order."""
        return self._keys.keys()

    def values(self) -> Iterable[Any]:
        """The values, in key order."""
        return [self[k] for k in self._keys]

    def items(self) -> Iterable[tuple[str, Any]]:
        """``(key, value)`` pairs, in key order."""
        return [(k, self[k]) for k in self._keys]

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default``."""
        return self[key] if key in self._keys else default

    def pop(self, key: str) -> Any:
        """Remove ``key`` and return its value."""
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        """Remove and return the last inserted ``(key, value)``; a KeyError when empty (as PyTorch's)."""
        if not self._keys:
            raise KeyError("popitem(): dictionary is empty")
        key = next(reversed(self))
        return key, self.pop(key)

    def setdefault(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, first setting it to ``default`` if absent."""
        if key not in self._keys:
            self[key] = default
        return self[key]

    def clear(self) -> None:
        """Remove every entry."""
        for key in list(self._keys):
            del self[key]

    def copy(self) -> ParameterDict:
        """A new ParameterDict holding the same parameter objects."""
        return ParameterDict(OrderedDict(self.items()))

    def fromkeys(self, keys: Iterable[str], default: Any = None) -> ParameterDict:
        """A new ParameterDict with ``keys`` all set to ``default``."""
        return ParameterDict((k, default) for k in keys)

    def update(self, parameters: Any) -> None:
        """Add or replace entries from a mapping or an iterable of ``(key, value)`` pairs."""
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs: Iterable[Any] = list(parameters.items())
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())
        elif isinstance(parameters, Iterable):  # (a tensor too: its rows are the pairs, as in PyTorch)
            pairs = parameters
        else:
            raise TypeError(f"ParametersDict.update should be called with an iterable of key/value pairs, "
                            f"but got {type(parameters).__name__}")
        for j, pair in enumerate(pairs):
            if not isinstance(pair, Iterable):
                raise TypeError(f"ParameterDict update sequence element #{j} should be Iterable; "
                                f"is {type(pair).__name__}")
            pair = tuple(pair)
            if len(pair) != 2:
                raise ValueError(f"ParameterDict update sequence element #{j} has length {len(pair)}; "
                                 "2 is required")
            self[pair[0]] = pair[1]

    def __or__(self, other: ParameterDict) -> ParameterDict:
        out = self.copy()
        out.update(other)
        return out

    def extra_repr(self) -> str:
        """One line per entry: key, kind, dtype and size."""
        return "\n".join(f"  ({k}): {_describe(v, legacy_type=True)}" for k, v in self.items())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ParameterDict should not be called.")
