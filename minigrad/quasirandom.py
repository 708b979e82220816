"""``torch.quasirandom``: :class:`SobolEngine`, (scrambled) Sobol low-discrepancy sequences as PyTorch's.

The direction numbers are Joe and Kuo's (new-joe-kuo-6.21201, search criterion D(6)), the table PyTorch
uses; minigrad ships its first 1111 dimensions (``_sobol_directions.npz``: each dimension's primitive
polynomial and initial direction numbers). The table is S. Joe and F. Y. Kuo's ("Constructing Sobol
sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635-2654;
https://web.maths.unsw.edu.au/~fkuo/sobol/), copyright (c) 2008 Frances Y. Kuo and Stephen Joe, who
distribute it under a BSD-style licence that asks for this notice. Points follow PyTorch's Gray-code
order, its scrambling (random linear matrix scrambling and a digital shift drawn from the generator seeded
with ``seed``) and its float rounding (the 30-bit integers cast to the dtype, then scaled by 2**-30).
"""

from __future__ import annotations

import functools
import os
from typing import Any

import numpy as np

from minigrad import factories, random
from minigrad.default_dtype import get_default_dtype
from minigrad.dtypes import resolve_dtype
from minigrad.errors import InvalidParameterError
from minigrad.tensor import Tensor, cat, from_numpy

__all__ = ["SobolEngine"]

_MAXBIT = 30
_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_sobol_directions.npz")


@functools.cache
def _directions() -> tuple[np.ndarray[Any, Any], list[np.ndarray[Any, Any]]]:
    """The polynomials and, per dimension, its initial direction numbers (from the shipped table)."""
    with np.load(_TABLE) as table:
        poly, flat = table["poly"].astype(np.int64), table["vinit"].astype(np.int64)
    degrees = np.array([int(p).bit_length() - 1 for p in poly])
    return poly, np.split(flat, np.cumsum(degrees)[:-1])


def _initial_state(dimension: int) -> np.ndarray[Any, Any]:
    """The (dimension, 30) direction integers: each dimension's recurrence, scaled to 30 bits."""
    poly, vinit = _directions()
    state = np.ones((dimension, _MAXBIT), dtype=np.int64)
    for d in range(1, dimension):
        p, m = int(poly[d]), int(poly[d]).bit_length() - 1
        state[d, :m] = vinit[d]
        for j in range(m, _MAXBIT):
            new = int(state[d, j - m])
            for k in range(m):
                if (p >> (m - 1 - k)) & 1:
                    new ^= int(state[d, j - k - 1]) << (k + 1)
            state[d, j] = new
    return state * (1 << np.arange(_MAXBIT - 1, -1, -1, dtype=np.int64))


def _rightmost_zero(n: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The position of the lowest zero bit of each n."""
    bits: np.ndarray[Any, Any] = np.bitwise_count((n ^ (n + 1)) >> 1).astype(np.int64)
    return bits


class SobolEngine:
    """A Sobol sequence of points in [0, 1)^dimension, as ``torch.quasirandom.SobolEngine``: ``draw(n)``
    gives the next n points (the first is all zeros unless scrambled), ``scramble`` randomizes the
    sequence (reproducibly with ``seed``).

    Raises:
        InvalidParameterError: a dimension outside [1, 21201] (PyTorch's ValueError).
        NotImplementedError: a dimension above 1111, past the table minigrad ships.
    """

    MAXBIT = _MAXBIT
    MAXDIM = 21201

    def __init__(self, dimension: int, scramble: bool = False, seed: int | None = None) -> None:
        if dimension > self.MAXDIM or dimension < 1:
            raise InvalidParameterError("Supported range of dimensionality for SobolEngine is "
                                        f"[1, {self.MAXDIM}]")
        if dimension > len(_directions()[0]):
            raise NotImplementedError(f"SobolEngine: minigrad ships the direction numbers of the first "
                                      f"{len(_directions()[0])} dimensions, got dimension={dimension}")
        self.seed = seed
        self.scramble = scramble
        self.dimension = dimension
        self.sobolstate = from_numpy(_initial_state(dimension))
        if not self.scramble:
            self.shift = factories.zeros(self.dimension, dtype=np.dtype(np.int64))
        else:
            self._scramble()
        self.quasi = self.shift.clone()
        self._first_point = (self.quasi / 2**self.MAXBIT).reshape(1, -1)
        self.num_generated = 0

    def _scramble(self) -> None:
        g = None
        if self.seed is not None:
            g = random.Generator()
            g.manual_seed(self.seed)
        shift_ints = factories.randint(2, (self.dimension, self.MAXBIT), generator=g)
        self.shift = shift_ints @ (2 ** factories.arange(0, self.MAXBIT))
        ltm_draws = factories.randint(2, (self.dimension, self.MAXBIT, self.MAXBIT), generator=g)
        ltm = ltm_draws.tril().numpy(force=True)
        ltm[:, np.arange(self.MAXBIT), np.arange(self.MAXBIT)] = 1
        rows = (ltm * (1 << np.arange(self.MAXBIT - 1, -1, -1, dtype=np.int64))).sum(-1)  # (dimension, p)
        state = self.sobolstate.numpy(force=True)
        parity = np.bitwise_count(rows[:, None, :] & state[:, :, None]) & 1  # (dimension, j, p)
        weights = 1 << np.arange(self.MAXBIT - 1, -1, -1, dtype=np.int64)  # (row p gives bit 29 - p)
        self.sobolstate = from_numpy((parity.astype(np.int64) * weights).sum(-1))

    def _advance(self, n: int, num_generated: int) -> np.ndarray[Any, Any]:
        """The next n integer points from ``quasi`` (which moves to the last of them)."""
        bits = _rightmost_zero(np.arange(num_generated, num_generated + n, dtype=np.int64))
        steps = self.sobolstate.numpy(force=True)[:, bits].T  # (n, dimension)
        start = self.quasi.numpy(force=True)[None]
        points = np.bitwise_xor.accumulate(np.concatenate([start, steps]), axis=0)[1:]
        if n:
            self.quasi = from_numpy(points[-1].copy())
        return points

    def draw(self, n: int = 1, out: Tensor | None = None, dtype: Any = None) -> Tensor:
        """The next ``n`` points, (n, dimension), in ``dtype`` (the default dtype); into ``out`` if given."""
        dt = get_default_dtype() if dtype is None else resolve_dtype(dtype)
        result: Tensor
        if self.num_generated == 0:
            first = self._first_point.to(dt)
            if n == 1:
                result = first
            else:
                result = cat((first, self._scaled(self._advance(n - 1, 0), dt)), dim=-2)
        else:
            result = self._scaled(self._advance(n, self.num_generated - 1), dt)
        self.num_generated += n
        if out is not None:
            out.resize_as_(result).copy_(result)
            return out
        return result

    @staticmethod
    def _scaled(points: np.ndarray[Any, Any], dt: np.dtype[Any]) -> Tensor:
        return from_numpy(points.astype(dt) * dt.type(1.0 / (1 << _MAXBIT)))

    def draw_base2(self, m: int, out: Tensor | None = None, dtype: Any = None) -> Tensor:
        """The next 2**m points; the total drawn must stay a power of 2.

        Raises:
            InvalidParameterError: it would not (PyTorch's ValueError).
        """
        n = 2**m
        total_n = self.num_generated + n
        if total_n & (total_n - 1) != 0:
            raise InvalidParameterError(
                "The balance properties of Sobol' points require n to be a power of 2. "
                f"{self.num_generated} points have been previously generated, then: "
                f"n={self.num_generated}+2**{m}={total_n}. If you still want to do this, please use "
                "'SobolEngine.draw()' instead.")
        return self.draw(n=n, out=out, dtype=dtype)

    def reset(self) -> SobolEngine:
        """Back to the first point (the scrambling stays)."""
        self.quasi = self.shift.clone()
        self.num_generated = 0
        return self

    def fast_forward(self, n: int) -> SobolEngine:
        """Skip ``n`` points, as drawing them would."""
        if self.num_generated == 0:
            self._advance(n - 1, 0)
        else:
            self._advance(n, self.num_generated - 1)
        self.num_generated += n
        return self

    def __repr__(self) -> str:
        fmt = [f"dimension={self.dimension}"]
        if self.scramble:
            fmt += ["scramble=True"]
        if self.seed is not None:
            fmt += [f"seed={self.seed}"]
        return self.__class__.__name__ + "(" + ", ".join(fmt) + ")"
