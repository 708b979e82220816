"""Random draws: ``Generator`` objects, ``generator=`` arguments and the in-place samplers.

These tests check what a program can rely on without PyTorch at hand (that the
numbers are PyTorch's, bit for bit, is tests/parity/test_rng_parity.py's job):
shapes, dtypes, ranges, statistics (5-sigma bounds on 20,000 draws), and
determinism under ``mg.manual_seed`` and ``Generator.manual_seed``, with an
explicit generator leaving the global stream untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import minigrad as mg

N = 20_000


def _sigma(p: float, n: int = N) -> float:
    return 5 * float(np.sqrt(p * (1 - p) / n))


DRAWS: dict[str, Callable[[Any], mg.Tensor]] = {
    "rand": lambda g: mg.rand(4, 5, generator=g),
    "randn": lambda g: mg.randn((4, 5), generator=g),
    "randint": lambda g: mg.randint(0, 10, (4, 5), generator=g),
    "randint(high)": lambda g: mg.randint(7, (6,), generator=g),
    "randperm": lambda g: mg.randperm(9, generator=g),
    "multinomial": lambda g: mg.multinomial(mg.tensor([0.1, 0.5, 0.4]), 6, replacement=True, generator=g),
    "multinomial(no replacement)": lambda g: mg.tensor([1.0, 2.0, 3.0, 4.0]).multinomial(3, generator=g),
    "bernoulli": lambda g: mg.bernoulli(mg.full((3, 4), 0.3), generator=g),
    "Tensor.bernoulli": lambda g: mg.full((3, 4), 0.3).bernoulli(generator=g),
    "normal_": lambda g: mg.empty(3, 4).normal_(1.0, 2.0, generator=g),
    "uniform_": lambda g: mg.empty(3, 4).uniform_(-1, 1, generator=g),
    "bernoulli_": lambda g: mg.empty(3, 4).bernoulli_(0.25, generator=g),
    "exponential_": lambda g: mg.empty(5).exponential_(2.0, generator=g),
    "random_": lambda g: mg.empty(5, dtype=mg.int64).random_(0, 4, generator=g),
    "mg.normal(tensors)": lambda g: mg.normal(mg.zeros(3), mg.ones(3), generator=g),
    "mg.normal(size)": lambda g: mg.normal(2.0, 3.0, size=(2, 2), generator=g),
    "rand_like": lambda g: mg.rand_like(mg.zeros(2, 3, dtype=mg.float64)),
    "randn_like": lambda g: mg.randn_like(mg.zeros(2, 3)),
    "randint_like": lambda g: mg.randint_like(mg.zeros(2, 3), 5),
}


@pytest.mark.parametrize("name", list(DRAWS))
def test_seeding_makes_draws_reproducible(name: str) -> None:
    draw = DRAWS[name]
    takes_generator = not name.endswith("_like")
    mg.manual_seed(123)
    a = draw(None)
    mg.manual_seed(123)
    b = draw(None)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    if not takes_generator:
        return
    g1 = mg.Generator().manual_seed(7)
    g2 = mg.Generator()
    g2.manual_seed(7)
    mg.manual_seed(5)
    before = mg.rand(3)
    mg.manual_seed(5)
    c, d = draw(g1), draw(g2)
    after = mg.rand(3)  # the explicit generators did not advance the global stream
    np.testing.assert_array_equal(c.numpy(), d.numpy())
    np.testing.assert_array_equal(before.numpy(), after.numpy())


def test_generator_api() -> None:
    g = mg.Generator()
    assert g.manual_seed(3) is g
    assert g.initial_seed() == 3
    state = g.get_state()
    x = mg.rand(4, generator=g)
    g.set_state(state)
    np.testing.assert_array_equal(mg.rand(4, generator=g).numpy(), x.numpy())
    assert isinstance(g.seed(), int)
    assert isinstance(mg.Generator(device="cpu"), mg.Generator)  # PyTorch's signature
    assert mg.manual_seed(11).initial_seed() == 11 and mg.initial_seed() == 11
    s = mg.get_rng_state()
    y = mg.randn(3)
    mg.set_rng_state(s)
    np.testing.assert_array_equal(mg.randn(3).numpy(), y.numpy())
    assert mg.default_generator.initial_seed() == 11
    assert isinstance(mg.seed(), int)
    with pytest.raises(TypeError):
        mg.rand(2, generator=np.random.default_rng(0))


def test_shapes_dtypes_ranges() -> None:
    mg.manual_seed(0)
    r = mg.rand(N)
    assert r.dtype == mg.float32 and r.min().item() >= 0 and r.max().item() < 1
    assert mg.rand(2, 3, dtype=mg.float64).dtype == mg.float64
    assert mg.randn(2, 3).shape == (2, 3)
    i = mg.randint(-3, 4, (N,))
    assert i.dtype == mg.int64 and i.min().item() == -3 and i.max().item() == 3
    assert mg.randint(5, size=(2,), dtype=mg.int32).dtype == mg.int32
    p = mg.randperm(50)
    assert p.dtype == mg.int64 and sorted(p.tolist()) == list(range(50))
    assert mg.randperm(0).shape == (0,)
    u = mg.empty(N, dtype=mg.float64).uniform_(2, 5)
    assert u.dtype == mg.float64 and u.min().item() >= 2 and u.max().item() < 5
    e = mg.empty(N).exponential_(4.0)
    assert e.min().item() >= 0 and abs(e.mean().item() - 0.25) < 5 * 0.25 / np.sqrt(N)
    rr = mg.empty(N, dtype=mg.int64).random_(0, 3)
    assert set(rr.tolist()) == {0, 1, 2}


def test_statistics() -> None:
    mg.manual_seed(1)
    assert abs(mg.rand(N).mean().item() - 0.5) < 5 * np.sqrt(1 / 12 / N)
    z = mg.randn(N, dtype=mg.float64)
    assert abs(z.mean().item()) < 5 / np.sqrt(N) and abs(z.std().item() - 1) < 5 / np.sqrt(2 * N)
    x = mg.empty(N, dtype=mg.float64).normal_(3.0, 0.5)
    assert abs(x.mean().item() - 3.0) < 5 * 0.5 / np.sqrt(N) and abs(x.std().item() - 0.5) < 0.02
    n = mg.normal(mg.full((N,), -1.0), 2.0)
    assert abs(n.mean().item() + 1) < 5 * 2 / np.sqrt(N)
    probs = mg.full((N,), 0.3)
    b = mg.bernoulli(probs)
    assert b.dtype == mg.float32 and set(np.unique(b.numpy())) <= {0.0, 1.0}
    assert abs(b.mean().item() - 0.3) < _sigma(0.3)
    b2 = mg.empty(N).bernoulli_(mg.full((N,), 0.8))
    assert abs(b2.mean().item() - 0.8) < _sigma(0.8)


def test_multinomial() -> None:
    mg.manual_seed(2)
    w = mg.tensor([1.0, 2.0, 0.0, 7.0])
    s = mg.multinomial(w, N, replacement=True)
    assert s.dtype == mg.int64 and s.shape == (N,)
    freq = np.bincount(s.numpy(), minlength=4) / N
    for k, p in enumerate([0.1, 0.2, 0.0, 0.7]):
        assert abs(freq[k] - p) <= _sigma(p) + 1e-12
    rows = mg.multinomial(mg.tensor([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]]), 4, replacement=True)
    assert rows.shape == (2, 4) and set(rows[0].tolist()) == {1} and set(rows[1].tolist()) <= {0, 2}
    for _ in range(50):  # without replacement: distinct, never a zero-weight category
        d = mg.multinomial(w, 3).tolist()
        assert len(set(d)) == 3 and 2 not in d
    first = np.bincount([mg.multinomial(w, 1).item() for _ in range(2000)], minlength=4) / 2000
    assert abs(first[3] - 0.7) < _sigma(0.7, 2000)
    # only 3 categories have weight: PyTorch's CPU kernel draws the zero-weight one last, refusing nothing
    assert mg.multinomial(w, 4).tolist()[-1] == 2
    with pytest.raises(RuntimeError):
        mg.multinomial(mg.tensor([1.0, -1.0]), 1)


def test_samplers_fill_in_place_and_refuse_leaves_that_require_grad() -> None:
    x = mg.zeros(3, 4)
    view = x.numpy()
    assert x.normal_() is x and x.uniform_() is x
    assert (view == x.numpy()).all() and view.std() > 0
    w = mg.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        w.normal_()
    with mg.no_grad():
        w.uniform_(-1, 1)  # how init functions fill parameters
    assert w.requires_grad and w.is_leaf and (w.abs() <= 1).all()


def test_fork_rng_restores_the_global_stream() -> None:
    mg.manual_seed(11)
    mg.randn(3)
    expected = mg.randn(4).numpy().copy()
    mg.manual_seed(11)
    mg.randn(3)
    with mg.random.fork_rng():
        inside = mg.randn(4).numpy().copy()
        mg.rand(50)
    np.testing.assert_array_equal(inside, expected)  # the block starts from the same state
    np.testing.assert_array_equal(mg.randn(4).numpy(), expected)  # and leaves it unmoved
    with pytest.raises(ValueError, match="boom"), mg.random.fork_rng(devices=[]):
        mg.rand(5)
        raise ValueError("boom")
    mg.manual_seed(11)
    mg.randn(3)
    with mg.random.fork_rng(enabled=False):
        mg.randn(4)
    assert not np.array_equal(mg.randn(4).numpy(), expected)
