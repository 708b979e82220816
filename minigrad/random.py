"""The seeded random number generator behind every random draw in minigrad."""

from __future__ import annotations

import numpy as np

__all__ = ["Generator", "default_generator", "manual_seed"]


class Generator:
    """A source of random numbers; ``manual_seed`` makes its stream reproducible.

    Wraps numpy's PCG64 ``Generator``. Pass one to ``DataLoader(generator=)``
    to give shuffling its own stream, independent of the global one.
    """

    def __init__(self, seed: int | None = None) -> None:
        self.np = np.random.default_rng()  # fresh entropy unless seeded
        if seed is not None:
            self.manual_seed(seed)  # the same checks and int handling as manual_seed

    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed``; returns self."""
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            from minigrad.errors import InvalidParameterError

            raise InvalidParameterError(f"seed must be an int, got {seed!r}")
        self.np = np.random.default_rng(int(seed) & 0xFFFF_FFFF_FFFF_FFFF)
        return self

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
