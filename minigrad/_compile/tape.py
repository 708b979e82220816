"""The tape: a traced call as a flat list of zero-argument calls, its guards, and its replay.

A :class:`Tape` is made by :func:`minigrad._compile.build.build`. Its calls
are mostly ``functools.partial`` objects of numpy functions with every array
bound (writing through ``out=`` into buffers the tape owns); arrays that are
new every call (the arguments, random draws, results of functions without
``out=``) live in ``Tape.slots``. :meth:`Tape.check` says whether the tape
applies to a call (its guards); :meth:`Tape.run` replays it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad._kernels import quiet
from minigrad.errors import MinigradError
from minigrad.tensor import Tensor, _grad_slot, from_numpy, held_grad

__all__ = ["GuardFailedError", "Miss", "Redo", "Slot", "Tape", "make_output"]

ARRAY = Tensor.__dict__["_array"]  # the slots themselves: no tracing patch in the way
read_grad = held_grad  # the .grad slot itself: no tracing patch, no non-leaf warning
write_grad = _grad_slot.__set__


class GuardFailedError(MinigradError):
    """A value minigrad's own code branched on while tracing came out differently on replay."""


class Redo(Exception):  # noqa: N818 - control flow inside mg.compile, never reaches the user
    """A replay stopped at a failed check and undid its effects: run the call eagerly."""


class Miss(Exception):  # noqa: N818 - control flow between a check and Tape.run
    """Raised by a check that failed; ``recoverable`` says whether the replay can be undone."""

    def __init__(self, message: str, recoverable: bool) -> None:
        super().__init__(message)
        self.recoverable = recoverable


class Slot:
    """Marks an argument that is a different array each call: ``slots[index]``."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


class Tape:
    """A replayable call: guards, a flat list of calls, and how to undo them if a check fails."""

    def __init__(self) -> None:
        self.calls: list[Callable[[], Any]] = []
        self.slots: list[Any] = []
        self.input_slots: list[tuple[int, int]] = []  # (slot, argument number)
        self.ext_guards: list[tuple[Tensor, Any, bool]] = []  # (tensor, the array it holds, requires_grad)
        self.grad_guards: list[tuple[Any, bool]] = []  # (tensor or argument number, whether .grad is None)
        self.grad_is: list[tuple[Tensor, Tensor]] = []  # (tensor, the .grad tensor it must still have)
        self.module_guards: list[tuple[Any, bool]] = []
        self.split = 0  # with build(split=...): where the calls of the second part begin
        self.n_kernels = 0
        self.static_bytes = 0  # memory the tape keeps between calls
        self.keep: list[Any] = []  # the planned memory blocks
        # What a failed check undoes before the call runs eagerly (see build.recovery).
        self.undo_arrays: list[Any] = []  # static arrays or Slots written before the last check
        self.undo_rngs: list[Any] = []
        self.undo_grads: list[Tensor] = []

    def check(self, args: list[Tensor]) -> bool:
        """True if this tape applies to a call with tensor arguments ``args`` (of the same signature)."""
        for t, raw, rg in self.ext_guards:
            if ARRAY.__get__(t) is not raw or t.requires_grad is not rg:
                return False
        for target, is_none in self.grad_guards:
            t = args[target] if type(target) is int else target
            if (read_grad(t) is None) is not is_none:
                return False
        for t, g in self.grad_is:
            if read_grad(t) is not g:
                return False
        return all(m.training == flag for m, flag in self.module_guards)

    def bind(self, arrays: list[Any]) -> None:
        """Put ``arrays[k]`` in the slot of tensor argument ``k`` (None: leave it)."""
        slots = self.slots
        n = len(arrays)
        for slot, k in self.input_slots:
            if k < n and arrays[k] is not None:
                slots[slot] = arrays[k]

    def run(self, arrays: list[Any], calls: list[Callable[[], Any]] | None = None) -> None:
        """Replay ``calls`` (all of them by default) with the arguments' arrays bound.

        Raises:
            Redo: a check on values failed and everything the calls changed
                was undone: the caller runs the function eagerly instead.
            GuardFailedError: a check failed where that cannot be undone.
        """
        self.bind(arrays)
        undo = self._snapshot() if self.undo_arrays or self.undo_rngs or self.undo_grads else None
        try:
            # the traced kernels ran quiet or never warned: same values
            quiet(_call_each, self.calls if calls is None else calls)
        except Miss as miss:
            if not miss.recoverable:
                raise GuardFailedError(str(miss)) from None
            if undo is not None:
                self._restore(undo)
            raise Redo(str(miss)) from None

    def _snapshot(self) -> tuple[list[Any], list[Any], list[Any]]:
        slots = self.slots
        arrays = [(a, np.array(slots[a.index] if isinstance(a, Slot) else a, copy=True))
                  for a in self.undo_arrays]
        rngs = [(gen, gen.__dict__["np"].bit_generator.state) for gen in self.undo_rngs]
        grads = [(t, read_grad(t)) for t in self.undo_grads]
        return arrays, rngs, grads

    def _restore(self, undo: tuple[list[Any], list[Any], list[Any]]) -> None:
        arrays, rngs, grads = undo
        for a, saved in arrays:
            np.copyto(self.slots[a.index] if isinstance(a, Slot) else a, saved)
        for gen, state in rngs:
            gen.__dict__["np"].bit_generator.state = state
        for t, g in grads:
            write_grad(t, g)


def make_output(template: Any, args: list[Tensor], slots: list[Any]) -> Any:
    """A call's result from the tape's output template: new tensors hold copies of the values.

    Template items: ``("fresh", Slot)`` an array the call just allocated
    (handed over as is), ``("new", array or Slot)`` a tape buffer (copied),
    ``("arg", k)`` the k-th tensor argument, ``("tensor", t)`` a tensor
    that existed before the call, ``("value", v)`` a plain Python value, and
    ``(tuple | list | dict, items)``.
    """
    kind = template[0]
    if kind == "fresh":
        return from_numpy(slots[template[1].index])
    if kind == "new":
        arr = template[1]
        return from_numpy(np.array(slots[arr.index] if isinstance(arr, Slot) else arr, copy=True))
    if kind == "arg":
        return args[template[1]]
    if kind in ("tensor", "value"):
        return template[1]
    if kind is dict:
        return {k: make_output(v, args, slots) for k, v in template[1].items()}
    items = [make_output(v, args, slots) for v in template[1]]
    return kind(*items) if hasattr(kind, "_fields") else kind(items)


def _call_each(calls: list[Callable[[], Any]]) -> None:
    for call in calls:
        call()
