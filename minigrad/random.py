"""The seeded random number generator behind every random draw in minigrad."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

import numpy as np

__all__ = [
    "Generator", "default_generator", "fork_rng", "get_rng_state", "initial_seed", "manual_seed",
    "numpy_generator", "seed", "set_rng_state",
]  # fmt: skip


class Generator:
    """A source of random numbers; ``manual_seed`` makes its stream reproducible.

    Wraps numpy's PCG64 ``Generator``. Pass one to ``DataLoader(generator=)``
    to give shuffling its own stream, independent of the global one.
    """

    def __init__(self, seed: int | None = None, device: object = "cpu") -> None:
        self.np = np.random.default_rng()  # fresh entropy unless seeded
        self._seed = int(np.random.SeedSequence().entropy) & 0xFFFF_FFFF_FFFF_FFFF  # type: ignore[arg-type]
        if seed is not None:
            self.manual_seed(seed)  # the same checks and int handling as manual_seed

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed``; returns self."""
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            from minigrad.errors import InvalidParameterError

            raise InvalidParameterError(f"seed must be an int, got {seed!r}")
        self._seed = int(seed) & 0xFFFF_FFFF_FFFF_FFFF
        self.np = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        """The seed the stream last started from."""
        return self._seed

    def seed(self) -> int:
        """Restart the stream from a fresh random seed; returns that seed."""
        self.manual_seed(int(np.random.SeedSequence().entropy) & 0xFFFF_FFFF_FFFF_FFFF)  # type: ignore[arg-type]
        return self._seed

    def get_state(self) -> dict[str, object]:
        """The generator's state, for checkpoints."""
        return dict(self.np.bit_generator.state)

    def set_state(self, state: dict[str, object]) -> None:
        """Restore a state from :meth:`get_state`."""
        self.np.bit_generator.state = state


default_generator = Generator(0)


def manual_seed(seed: int) -> Generator:
    """Seed the global generator (random factories, dropout, default shuffling)."""
    return default_generator.manual_seed(seed)


def initial_seed() -> int:
    """The seed the global generator last started from."""
    return default_generator.initial_seed()


def seed() -> int:
    """Reseed the global generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def get_rng_state() -> dict[str, object]:
    """The global generator's state (restore it with :func:`set_rng_state`)."""
    return default_generator.get_state()


def set_rng_state(new_state: dict[str, object]) -> None:
    """Restore the global generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Iterable[object] | None = None, enabled: bool = True, _caller: str = "fork_rng",
             _devices_kw: str = "devices", device_type: str | None = None) -> Iterator[None]:
    """Run the block with the global generator's state saved, then restored (``torch.random.fork_rng``).

    Draws inside the block don't move the stream outside it. minigrad has only
    the CPU generator, so ``devices`` and ``device_type`` are accepted and
    ignored; ``enabled=False`` runs the block without forking.
    """
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


def numpy_generator(generator: Generator | None) -> np.random.Generator:
    """The numpy stream behind ``generator`` (the global one for None).

    Raises:
        TypeError: ``generator`` is not a minigrad Generator.
    """
    if generator is None:
        return default_generator.np
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be a minigrad.Generator, got {type(generator).__name__}")
    return generator.np
